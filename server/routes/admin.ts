// The admin REST API: users and mailing lists. Every route needs an admin.
import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { requireAdmin } from "../auth/authenticate";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { listPatchSchema, newListSchema, newUserSchema, userPatchSchema } from "../http/api-schemas";
import { usernameSchema } from "../store/accounts";
import { z } from "zod";
import { SURFACES } from "../store/contract";
import { readFileSync } from "node:fs";
import { MAINTENANCE_JOBS } from "../maintenance";

/** The server's version, as package.json names it. */
const VERSION: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
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

export function adminRoutes({ accounts, audit, activity, books, config }: AppDeps): Router {
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

  // Each user's devices' newest sync per pair: result, counts, and the last sync that did not fail.
  router.get(
    "/api/admin/sync-activity",
    handle(async (req, res) => {
      const { user } = parseOr400(syncActivityQuerySchema, req.query, "query");
      res.json({ reports: await activity.syncActivity(user) });
    }),
  );

  // This instance's version and uptime; the database; every book's size; each maintenance job's last run.
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
