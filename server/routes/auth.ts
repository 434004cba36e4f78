// Signing in and staying signed in. A sign-in begins a device session: a short-lived access token
// (a JWT) and a refresh token that the device trades for the next pair before the access token
// runs out. Refresh tokens rotate on every use; a reused one ends its session (store/sessions.ts).
import { type Request, Router } from "express";
import type { AppDeps } from "../app-deps";
import { type SignedIn, verifyCredentials } from "../auth/authenticate";
import { issueToken } from "../auth/tokens";
import { loginSchema, refreshSchema } from "../http/api-schemas";
import { unauthorized } from "../http/errors";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import type { SessionRecord } from "../store/contract";

/** What signed in, as the device list shows it. */
export const clientOf = (req: Request) => (req.get("x-concord-client") ?? req.get("user-agent") ?? "").slice(0, 200);

const sessionEnded = () => unauthorized("Your session ended (password changed or signed out elsewhere); sign in again");

export function authRoutes(deps: AppDeps): Router {
  const router = Router();
  const { accounts, sessions, config } = deps;

  /** The access token for a session, with the session's fields of the answer. */
  function tokensFor(user: SignedIn, session: SessionRecord, refreshToken: string) {
    const ttl = config.tokenTtlSeconds;
    const access = issueToken(deps.jwtSecret, user._id, user.tokenVersion ?? 0, ttl, deps.clock(), session.id);
    return {
      ...access,
      expiresIn: ttl,
      refreshToken,
      sessionId: session.id,
      sessionExpiresAt: session.expiresAt.toISOString(),
    };
  }

  router.post(
    "/api/auth/login",
    handle(async (req, res) => {
      const { username, password, device } = parseOr400(loginSchema, req.body);
      const user = await verifyCredentials({ ...deps, secret: deps.jwtSecret }, username, password, req.ip ?? "");
      const { session, refreshToken } = await sessions.start({
        username: user._id,
        device: device ?? "",
        client: clientOf(req),
        tokenVersion: user.tokenVersion ?? 0,
        lifetimeMs: config.sessionLifetimeMs,
      });
      res.json({ ...tokensFor(user, session, refreshToken), user: await accounts.findUser(user._id) });
    }),
  );

  router.post(
    "/api/auth/refresh",
    handle(async (req, res) => {
      const { refreshToken: presented } = parseOr400(refreshSchema, req.body);
      const rotation = await sessions.rotate(presented, config.sessionLifetimeMs);
      if (!rotation.ok) {
        if (rotation.reason === "reused") deps.logger.warn("a spent refresh token came back: its session is ended");
        throw sessionEnded();
      }
      const { session, refreshToken } = rotation;
      const found = await accounts.sessionUser(session.username);
      // A password change, a reset or a disable moved the user's token version on: the session is over.
      if (!found || found.disabled || found.tokenVersion !== session.tokenVersion) {
        await sessions.end(session.username, session.id).catch(() => undefined);
        throw sessionEnded();
      }
      const { username: _id, ...rest } = found;
      res.json(tokensFor({ _id, ...rest }, session, refreshToken));
    }),
  );
  return router;
}
