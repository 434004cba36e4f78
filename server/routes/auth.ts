// Signing in and staying signed in. A sign-in begins a device session: a short-lived access token
// (a JWT) and a refresh token that the device trades for the next pair before the access token
// runs out. Refresh tokens rotate on every use; a reused one ends its session (store/sessions.ts).
import { Router, type Request } from "express";
import type { AppDeps } from "../app-deps";
import { verifyCredentials, type SignedInUser } from "../auth/authenticate";
import { issueToken } from "../auth/tokens";
import { handle } from "../http/handle";
import { unauthorized } from "../http/errors";
import { parseOr400 } from "../http/validate";
import { loginSchema, refreshSchema } from "../http/api-schemas";
import type { SessionRecord } from "../store/contract";

/** What signed in, as the device list shows it. */
export const clientOf = (req: Request) => (req.get("x-concord-client") ?? req.get("user-agent") ?? "").slice(0, 200);

const sessionEnded = () => unauthorized("Your session ended (password changed or signed out elsewhere); sign in again");

export function authRoutes(deps: AppDeps): Router {
  const router = Router();
  const { accounts, sessions, config } = deps;

  /** The access token for a session, with the session's fields of the answer. */
  function tokensFor(user: SignedInUser, session: SessionRecord, refreshToken: string) {
    const access = issueToken(deps.jwtSecret, user.username, user.tokenVersion, config.tokenTtlSeconds, deps.clock(), session.id);
    return {
      ...access, expiresIn: config.tokenTtlSeconds, refreshToken, sessionId: session.id,
      sessionExpiresAt: session.expiresAt.toISOString(),
    };
  }

  router.post(
    "/api/auth/login",
    handle(async (req, res) => {
      const { username, password, device } = parseOr400(loginSchema, req.body);
      const user = await verifyCredentials({ ...deps, secret: deps.jwtSecret }, username, password, req.ip ?? "");
      const { session, refreshToken } = await sessions.start({
        username: user.username, device: device ?? "", client: clientOf(req), tokenVersion: user.tokenVersion,
        lifetimeMs: config.sessionLifetimeMs,
      });
      res.json({ ...tokensFor(user, session, refreshToken), user: await accounts.findUser(user.username) });
    }),
  );

  router.post(
    "/api/auth/refresh",
    handle(async (req, res) => {
      const rotation = await sessions.rotate(parseOr400(refreshSchema, req.body).refreshToken, config.sessionLifetimeMs);
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
      res.json(tokensFor({ ...found, _id: found.username }, session, refreshToken));
    }),
  );
  return router;
}
