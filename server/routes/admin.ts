// The admin REST API: users and mailing lists. Every route needs an admin.
import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { requireAdmin } from "../auth/authenticate";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { listPatchSchema, newListSchema, newUserSchema, userPatchSchema } from "../http/api-schemas";
import { usernameSchema } from "../store/accounts";
import { z } from "zod";
import { SURFACES, type SyncActivity } from "../store/contract";
import { sessionInfo } from "./sessions";
import { readFileSync } from "node:fs";
import { MAINTENANCE_INTERVAL_MS, MAINTENANCE_JOBS, nextMaintenanceRun } from "../maintenance";
import { fromRoot } from "../paths";

/** The server's version, as package.json names it. */
const VERSION: string = JSON.parse(readFileSync(fromRoot("package.json"), "utf8")).version;
/** When this instance started (status shows each instance's own uptime). */
const startedAt = new Date(Date.now() - process.uptime() * 1000);

const auditQuerySchema = z.strictObject({
  book: z.string().max(200).optional(),
  user: z.string().max(64).optional(),
  surface: z.enum(SURFACES).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});

const syncActivityQuerySchema = z.strictObject({ user: usernameSchema.optional() });

/** `?books=delete` deletes the user's address books with them; by default they are kept. */
const deleteUserQuerySchema = z.strictObject({ books: z.enum(["keep", "delete"]).optional() });

/** Each user's devices: every lasting session with the syncs reported through it, then the devices
 *  whose reports came through a session that has ended (or through none), named by the add-in's device id. */
async function devicesOf(
  { accounts, sessions }: Pick<AppDeps, "accounts" | "sessions">,
  users: string[],
  reports: SyncActivity[],
  current?: string,
) {
  const rows = await Promise.all(
    users.map(async (user) => {
      const known = await accounts.sessionUser(user);
      const lasting = known ? await sessions.list(user, known.tokenVersion) : [];
      const theirs = reports.filter((r) => r.user === user);
      const signedIn = lasting.map((s) => ({
        user,
        session: sessionInfo(s, current),
        device: s.device,
        syncs: theirs.filter((r) => r.session === s.id),
      }));
      const matched = new Set(lasting.map((s) => s.id));
      const orphans = new Map<string, SyncActivity[]>();
      for (const r of theirs.filter((r) => !r.session || !matched.has(r.session)))
        orphans.get(r.device)?.push(r) ?? orphans.set(r.device, [r]);
      const signedOut = [...orphans].map(([device, syncs]) => ({ user, session: null, device, syncs }));
      return [...signedIn, ...signedOut];
    }),
  );
  return rows.flat();
}

export function adminRoutes({ accounts, audit, activity, books, config, sessions }: AppDeps): Router {
  const router = Router();
  router.use("/api/admin", requireAdmin());

  router.get(
    "/api/admin/users",
    handle(async (_req, res) => void res.json({ users: await accounts.listUsers() })),
  );
  router.post(
    "/api/admin/users",
    handle(
      async (req, res) => void res.status(201).json(await accounts.createUser(parseOr400(newUserSchema, req.body))),
    ),
  );
  router.patch(
    "/api/admin/users/:username",
    handle(async (req, res) => {
      const username = parseOr400(usernameSchema, req.params.username, "username");
      res.json(await accounts.updateUser(username, parseOr400(userPatchSchema, req.body)));
    }),
  );
  router.delete(
    "/api/admin/users/:username",
    handle(async (req, res) => {
      const username = parseOr400(usernameSchema, req.params.username, "username");
      const { books } = parseOr400(deleteUserQuerySchema, req.query, "query");
      res.json(await accounts.deleteUser(username, { deleteBooks: books === "delete" }));
    }),
  );

  // Every audited contact write, newest first: who, through which surface, what changed.
  router.get(
    "/api/admin/audit",
    handle(async (req, res) => void res.json(await audit.list(parseOr400(auditQuerySchema, req.query, "query")))),
  );

  // Each user's devices' newest sync per pair: result, counts, and the last sync that did not fail; and
  // the same per device: each signed-in device (its session, to sign it out) with the syncs it reported.
  router.get(
    "/api/admin/sync-activity",
    handle(async (req, res) => {
      const { user } = parseOr400(syncActivityQuerySchema, req.query, "query");
      const reports = await activity.syncActivity(user);
      const users = user ? [user] : (await accounts.listUsers()).map((u) => u.username);
      const devices = await devicesOf({ accounts, sessions }, users, reports, req.user!.sessionId);
      res.json({ reports, devices });
    }),
  );

  // This instance's version and uptime; the database; every book's size; each maintenance job's last run,
  // and when this instance runs the pass next.
  router.get(
    "/api/admin/status",
    handle(async (_req, res) => {
      const [system, pabs, sizes, runs] = await Promise.all([
        books.systemBooks(),
        books.pabs(),
        activity.bookSizes(),
        activity.jobRuns(),
      ]);
      const sizeOf = new Map(sizes.map((s) => [s.book, s]));
      res.json({
        version: VERSION,
        database: config.mongodbUri ? "mongodb" : "embedded",
        startedAt: startedAt.toISOString(),
        uptimeSeconds: Math.round(process.uptime()),
        books: [...system, ...pabs].map((b) => ({
          id: b.id,
          kind: b.kind,
          name: b.name,
          owner: b.owner,
          contacts: sizeOf.get(b.id)?.contacts ?? 0,
          tombstones: sizeOf.get(b.id)?.tombstones ?? 0,
        })),
        jobs: MAINTENANCE_JOBS.map((job) => runs.find((r) => r.job === job) ?? { job, result: "never" }),
        // This instance's timer (each instance runs the pass on its own, counted from its start).
        maintenance: {
          intervalHours: MAINTENANCE_INTERVAL_MS / 3600_000,
          nextRunAt: nextMaintenanceRun(startedAt, new Date()).toISOString(),
        },
      });
    }),
  );

  router.get(
    "/api/admin/lists",
    handle(async (_req, res) => void res.json({ lists: await accounts.listLists() })),
  );
  router.post(
    "/api/admin/lists",
    handle(
      async (req, res) => void res.status(201).json(await accounts.createList(parseOr400(newListSchema, req.body))),
    ),
  );
  router.patch(
    "/api/admin/lists/:address",
    handle(
      async (req, res) =>
        void res.json(await accounts.updateList(req.params.address, parseOr400(listPatchSchema, req.body))),
    ),
  );
  router.delete(
    "/api/admin/lists/:address",
    handle(async (req, res) => {
      await accounts.deleteList(req.params.address);
      res.status(204).end();
    }),
  );
  return router;
}
