// What the admin console shows about the server at work: each device's newest sync report per
// pair, each maintenance job's last run, and book sizes. Reports and runs are settings documents
// (one per device and pair, one per job), so every instance shows the same and no two writers
// touch one document unless they report the same pair or job.
import type { Models } from "../db/models";
import {
  type Accounts,
  type Activity,
  type BookSize,
  type JobRun,
  MAX_SYNC_REPORTS,
  type SyncActivity,
  type SyncReport,
} from "./contract";
import { storeError } from "./errors";

const reportPrefix = "sync-report:";
const jobPrefix = "maintenance-run:";
const reportId = (user: string, r: Pick<SyncReport, "device" | "pair">) =>
  `${reportPrefix}${encodeURIComponent(user)}/${encodeURIComponent(r.device)}/${encodeURIComponent(r.pair)}`;

/** The report to keep: the newer of the two by finish time, carrying the last non-failed sync. */
export function keptActivity(kept: SyncActivity | undefined, user: string, report: SyncReport): SyncActivity {
  if (kept && Date.parse(kept.finishedAt) > Date.parse(report.finishedAt)) return kept;
  const lastSyncedAt = report.result === "failed" ? (kept?.lastSyncedAt ?? null) : report.finishedAt;
  return { ...report, user, lastSyncedAt };
}

/** Refuses a new device-and-pair key past MAX_SYNC_REPORTS, so no client fills the database with reports. */
export function checkReportRoom(keys: number): void {
  if (keys >= MAX_SYNC_REPORTS)
    throw storeError("quota-exceeded", `A user keeps sync reports of at most ${MAX_SYNC_REPORTS} devices and pairs`, {
      quota: "sync-reports",
      used: keys,
      limit: MAX_SYNC_REPORTS,
    });
}

/** Newest first, failed ones standing in their place (the page marks them). */
export const byNewest = (a: { finishedAt: string }, b: { finishedAt: string }) =>
  Date.parse(b.finishedAt) - Date.parse(a.finishedAt);

/** Accounts whose deleteUser also drops the user's sync reports. */
export function forgettingReportsOnDelete(accounts: Accounts, activity: Pick<Activity, "forgetUser">): Accounts {
  return {
    ...accounts,
    async deleteUser(username, opts) {
      const deleted = await accounts.deleteUser(username, opts);
      await activity.forgetUser(username);
      return deleted;
    },
  };
}

export function createActivity(models: Models): Activity {
  const read = async <T>(id: string): Promise<T | undefined> => {
    const doc = await models.Setting.findById(id).lean<{ value: string }>();
    return doc ? (JSON.parse(doc.value) as T) : undefined;
  };
  const write = async (id: string, value: unknown) =>
    void (await models.Setting.replaceOne({ _id: id }, { _id: id, value: JSON.stringify(value) }, { upsert: true }));
  const scan = async <T>(prefix: string): Promise<T[]> => {
    const docs = await models.Setting.find({ _id: { $regex: `^${prefix}` } }).lean<{ value: string }[]>();
    return docs.map((d) => JSON.parse(d.value) as T);
  };

  /** The user's keys, in one document, to count without a scan. A key lost to two first reports
   *  at once only loosens the limit by one: listings scan the reports themselves. */
  async function noteNewKey(user: string, id: string) {
    const keysId = keysIdOf(user);
    const keys = (await read<string[]>(keysId)) ?? [];
    if (keys.includes(id)) return;
    checkReportRoom(keys.length);
    await write(keysId, [...keys, id]);
  }

  return {
    async reportSync(user, report) {
      const id = reportId(user, report);
      const kept = await read<SyncActivity>(id);
      if (!kept) await noteNewKey(user, id);
      // Read-then-write: two reports of one pair at once are one device racing itself; the later write stands.
      await write(id, keptActivity(kept, user, report));
    },
    async forgetUser(user) {
      const docs = await models.Setting.find({ _id: { $regex: `^${userPrefix(user)}` } }, { _id: 1 }).lean();
      const ids = [...docs.map((d) => String(d._id)), keysIdOf(user)];
      await models.Setting.deleteMany({ _id: { $in: ids } });
    },
    async syncActivity(user) {
      return (await scan<SyncActivity>(user ? userPrefix(user) : reportPrefix)).sort(byNewest);
    },
    recordJobRun: (run) => write(`${jobPrefix}${run.job}`, run),
    async jobRuns() {
      return (await scan<JobRun>(jobPrefix)).sort((a, b) => a.job.localeCompare(b.job));
    },
    async bookSizes() {
      const groups = await models.ContactDoc.aggregate<{ _id: { book: string; deleted: boolean }; n: number }>([
        { $group: { _id: { book: "$book", deleted: "$deleted" }, n: { $sum: 1 } } },
      ]);
      const sizes = new Map<string, BookSize>();
      for (const g of groups) {
        const size = sizes.get(g._id.book) ?? { book: g._id.book, contacts: 0, tombstones: 0 };
        if (g._id.deleted) size.tombstones += g.n;
        else size.contacts += g.n;
        sizes.set(g._id.book, size);
      }
      return [...sizes.values()].sort((a, b) => b.contacts - a.contacts || a.book.localeCompare(b.book));
    },
  };
}

const keysIdOf = (user: string) => `sync-report-keys:${encodeURIComponent(user)}`;
const userPrefix = (user: string) => `${reportPrefix}${escapeRegex(encodeURIComponent(user))}/`;
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
