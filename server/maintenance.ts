// The maintenance pass main.ts runs every few hours. Each job's last run is kept in the database
// (Activity.recordJobRun), so the admin console's server status shows the same from every instance.
import type { AppDeps } from "./app-deps";
import { importServiceFor } from "./imports";

/** How often each instance runs the pass (main.ts), counted from its start. */
export const MAINTENANCE_INTERVAL_MS = 6 * 3600_000;

/** When an instance that started at `startedAt` runs its next pass: its interval timer's next tick after
 *  `now`. The status page shows it beside each job's last run (kept in the database), so a job that has
 *  not run since the database was new says when it will, not only "not run yet". */
export function nextMaintenanceRun(startedAt: Date, now: Date, interval = MAINTENANCE_INTERVAL_MS): Date {
  const ticks = Math.floor((now.getTime() - startedAt.getTime()) / interval) + 1;
  return new Date(startedAt.getTime() + Math.max(1, ticks) * interval);
}

/** The jobs, in the order they run; the status page lists them by these names. */
export const MAINTENANCE_JOBS = [
  "audit-purge",
  "import-expiry",
  "photo-collection",
  "book-compaction",
  "quota-recount",
];

/** Runs one job and records its run; a failure is recorded, logged, and does not stop the next job. */
async function runJob(deps: AppDeps, job: string, work: () => Promise<unknown>): Promise<boolean> {
  const startedAt = deps.clock().toISOString();
  let failure: unknown;
  await work().catch((err) => {
    failure = err;
  });
  const finishedAt = deps.clock().toISOString();
  const message = failure === undefined ? undefined : String((failure as Error)?.message ?? failure).slice(0, 1000);
  if (failure !== undefined) deps.logger.error({ err: failure, job }, "a maintenance job failed");
  await deps.activity
    .recordJobRun({ job, startedAt, finishedAt, result: failure === undefined ? "ok" : "failed", message })
    .catch((err) => deps.logger.warn({ err, job }, "the maintenance run was not recorded"));
  return failure === undefined;
}

/** Forget tombstones past their retention, then drop log entries no reader needs, and audit entries
 *  past theirs. Returns whether every job finished. */
export async function maintainBooks(deps: AppDeps): Promise<boolean> {
  const ago = (ms: number) => new Date(deps.clock().getTime() - ms);
  const results = [
    await runJob(deps, "audit-purge", () => deps.audit.purge(ago(deps.config.auditRetentionMs))),
    // Uploads, previews and undo data are kept for a day.
    await runJob(deps, "import-expiry", () => importServiceFor(deps).purgeExpired()),
    // A photo stored in the last hour may belong to a write still under way on another instance.
    await runJob(deps, "photo-collection", async () =>
      deps.photos.collect(await deps.store.photoHashes(), ago(3600_000)),
    ),
    await runJob(deps, "book-compaction", async () => {
      const before = ago(deps.config.tombstoneRetentionMs);
      for (const book of await deps.books.allBookIds()) {
        await deps.store.purgeTombstones(book, before);
        await deps.store.compactLog(book);
      }
    }),
    // Contact and photo-byte usage drifts between passes (store/quotas.ts): count it afresh.
    await runJob(deps, "quota-recount", () => deps.quotas.recount()),
  ];
  return results.every(Boolean);
}
