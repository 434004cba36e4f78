// Who is calling: a Bearer JWT, or HTTP Basic for protocol clients and scripts.
import type { RequestHandler } from "express";
import type { Models, UserDoc } from "../db/models";
import { HttpError, unauthorized } from "../http/errors";
import { burnPasswordCheck, checkPassword } from "./passwords";
import { verifyToken } from "./tokens";
import type { createLoginLimiter } from "./login-limiter";

declare module "express-serve-static-core" {
  interface Request {
    user?: UserDoc;
  }
}

type Deps = { models: Models; secret: string; clock: () => Date; limiter: ReturnType<typeof createLoginLimiter> };

/** The user for a username and password; one answer for wrong user and wrong password alike. */
export async function verifyCredentials(deps: Deps, username: string, password: string, address: string): Promise<UserDoc> {
  const attempt = await deps.limiter.begin(username, address);
  const user = await deps.models.User.findById(username).lean<UserDoc>();
  const ok = user ? await checkPassword(password, user.passwordHash) : await burnPasswordCheck(password);
  if (!user || !ok || user.disabled) throw new HttpError(401, "invalid-credentials", "Wrong username or password");
  await attempt.succeeded();
  return user;
}

function basicCredentials(header: string): { username: string; password: string } | undefined {
  const decoded = Buffer.from(header.slice("Basic ".length).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function authenticate(deps: Deps): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.get("authorization") ?? "";
      if (/^Bearer /i.test(header)) {
        const username = verifyToken(deps.secret, header.slice(7).trim(), deps.clock());
        const user = username ? await deps.models.User.findById(username).lean<UserDoc>() : null;
        if (!user || user.disabled) throw unauthorized("The session token is invalid or expired; sign in again");
        req.user = user;
        return next();
      }
      if (/^Basic /i.test(header)) {
        const creds = basicCredentials(header);
        if (!creds) throw unauthorized("Malformed Basic credentials");
        req.user = await verifyCredentials(deps, creds.username, creds.password, req.ip ?? "");
        return next();
      }
      throw unauthorized();
    } catch (err) {
      next(err);
    }
  };
}

export function requireAdmin(): RequestHandler {
  return (req, _res, next) => next(req.user?.admin ? undefined : new HttpError(403, "forbidden", "Only an administrator can do this"));
}
