// Signed-in devices: a user lists and ends their own, an administrator anyone's. Ending a
// session refuses its access token at once and its refresh token for good.
import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { requireAdmin } from "../auth/authenticate";
import { handle } from "../http/handle";
import { notFound } from "../http/errors";
import { parseOr400 } from "../http/validate";
import { usernameSchema } from "../store/account-schemas";
import type { SessionRecord } from "../store/contract";

/** A session as the device lists show it (here, and in the admin console's sync activity). */
export const sessionInfo = (s: SessionRecord, current?: string) => ({
  id: s.id,
  device: s.device,
  client: s.client,
  createdAt: s.createdAt.toISOString(),
  lastUsedAt: s.lastUsedAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  current: s.id === current,
});

export function sessionRoutes({ accounts, sessions }: AppDeps): Router {
  const router = Router();

  /** The user's lasting sessions: those begun under their current token version. */
  async function sessionsOf(username: string) {
    const user = await accounts.sessionUser(username);
    if (!user) throw notFound(`No user named ${username}`);
    return sessions.list(username, user.tokenVersion);
  }
  const username = (raw: string) => parseOr400(usernameSchema, raw, "username");

  router.post(
    "/api/auth/logout",
    handle(async (req, res) => {
      // A Basic caller has no session to end.
      const id = req.user!.sessionId;
      if (id) await sessions.end(req.user!._id, id).catch(() => undefined);
      res.status(204).end();
    }),
  );

  router.get(
    "/api/sessions",
    handle(async (req, res) => {
      const mine = await sessionsOf(req.user!._id);
      res.json({ sessions: mine.map((s) => sessionInfo(s, req.user!.sessionId)) });
    }),
  );
  router.delete(
    "/api/sessions/:id",
    handle(async (req, res) => {
      await sessions.end(req.user!._id, req.params.id);
      res.status(204).end();
    }),
  );

  router.get(
    "/api/admin/users/:username/sessions",
    requireAdmin(),
    handle(async (req, res) => {
      const theirs = await sessionsOf(username(req.params.username));
      res.json({ sessions: theirs.map((s) => sessionInfo(s, req.user!.sessionId)) });
    }),
  );
  router.delete(
    "/api/admin/users/:username/sessions/:id",
    requireAdmin(),
    handle(async (req, res) => {
      await sessions.end(username(req.params.username), req.params.id);
      res.status(204).end();
    }),
  );
  return router;
}
