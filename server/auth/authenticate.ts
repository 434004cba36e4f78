// Who is calling: a Bearer JWT, or HTTP Basic for protocol clients and scripts.
import type { RequestHandler } from "express";
import { HttpError, unauthorized } from "../http/errors";
import type { Accounts, SessionUser, Sessions } from "../store/contract";
import { burnPasswordCheck, checkPassword } from "./passwords";
import { verifyToken } from "./tokens";
import type { createLoginLimiter } from "./login-limiter";

declare module "express-serve-static-core" {
  interface Request {
    user?: SignedIn;
  }
}

/** The signed-in user as routes see it: `_id` is the user name; `sessionId`: the device session a
 *  Bearer token was issued for (none for HTTP Basic). */
export type SignedIn = Omit<SessionUser, "username"> & { _id: string; sessionId?: string };
export type AuthDeps = {
  accounts: Pick<Accounts, "sessionUser" | "signInUser">;
  sessions: Pick<Sessions, "get">;
  secret: string;
  clock: () => Date;
  limiter: ReturnType<typeof createLoginLimiter>;
};
type Deps = Omit<AuthDeps, "sessions">;

const asSignedIn = (user: SessionUser | null): SignedIn | null => {
  if (!user) return null;
  const { username: _id, ...rest } = user;
  return { _id, ...rest };
};
const signInUser = async (deps: Deps, username: string) => asSignedIn(await deps.accounts.sessionUser(username));

const invalidCredentials = () => new HttpError(401, "invalid-credentials", "Wrong username or password");

/** Checks a password the slow way, counting a wrong one against the user's and the address's budgets. */
async function checkAndCount(
  deps: Deps,
  who: string,
  user: SignedIn | null,
  password: string,
  address: string,
): Promise<SignedIn> {
  const attempt = await deps.limiter.begin(who, address);
  const ok = user ? await checkPassword(password, user.passwordHash) : await burnPasswordCheck(password);
  if (!user || !ok || user.disabled) throw invalidCredentials();
  await attempt.succeeded();
  return user;
}

/**
 * The user for a name and password; one answer for wrong user and wrong password alike. The name
 * is the user name in any case, or the user's e-mail address (store: Accounts.signInUser). Budgets
 * and remembered credentials go by the user it names, so the address and the user name share one
 * budget, and an address two users share names no one.
 */
export async function verifyCredentials(deps: Deps, typed: string, password: string, address: string) {
  const named = asSignedIn(await deps.accounts.signInUser(typed));
  const who = named?._id ?? typed.trim().toLowerCase();
  // A user or address out of attempts stays locked even for cached credentials: otherwise a
  // cache hit would tell a guesser, at no cost, which guess was right.
  await deps.limiter.check(who, address);
  const cache = deps.limiter.verified;
  const key = cache.keyOf(who, password);
  if (cache.has(key) && cache.stillValid(key, named)) return named!;
  const user = await cache.once(key, () => checkAndCount(deps, who, named, password, address));
  cache.remember(key, user);
  return user;
}

function basicCredentials(header: string): { username: string; password: string } | undefined {
  const decoded = Buffer.from(header.slice("Basic ".length).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// The user and the device session are read at once: a token whose session ended (signed out,
// revoked by its user or an admin) is refused as soon as it did, not when the token expires.
async function userOfToken(deps: AuthDeps, token: string): Promise<SignedIn> {
  const claims = verifyToken(deps.secret, token, deps.clock());
  const [user, session] = claims
    ? await Promise.all([signInUser(deps, claims.sub), claims.sid ? deps.sessions.get(claims.sid) : undefined])
    : [null, null];
  const sessionLasts = !claims?.sid || session?.username === claims.sub;
  if (!claims || !user || user.disabled || (user.tokenVersion ?? 0) !== claims.tv || !sessionLasts) {
    throw unauthorized("The session token is invalid or expired; sign in again");
  }
  return claims.sid ? { ...user, sessionId: claims.sid } : user;
}

export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.get("authorization") ?? "";
      if (/^Bearer /i.test(header)) {
        req.user = await userOfToken(deps, header.slice(7).trim());
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
  return (req, _res, next) =>
    next(req.user?.admin ? undefined : new HttpError(403, "forbidden", "Only an administrator can do this"));
}
