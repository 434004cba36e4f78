// Credentials verified recently, so a client that sends HTTP Basic on every request (or many
// at once) costs one bcrypt, not one per request. Entries are keyed by an HMAC of user and
// password under a key that never leaves this process, hold for a few minutes, and count only
// while the user's password hash and token version are those they were verified against: a
// password change, a disable or a delete bumps the version and so drops them.
import { createHmac, randomBytes } from "node:crypto";

type Verified = { username: string; passwordHash: string; tokenVersion: number; until: number };
type Identity = { _id: string; passwordHash: string; tokenVersion?: number | null; disabled?: boolean | null };

export function createCredentialCache(clock: () => Date, opts: { maxEntries?: number; ttlMs?: number } = {}) {
  const maxEntries = opts.maxEntries ?? 1000;
  const ttlMs = opts.ttlMs ?? 3 * 60_000;
  const secret = randomBytes(32);
  const entries = new Map<string, Verified>();
  const inFlight = new Map<string, Promise<unknown>>();

  const keyOf = (username: string, password: string) =>
    createHmac("sha256", secret).update(username).update("\0").update(password).digest("base64url");

  /** Whether `user` as stored now is the one these credentials were verified against. */
  function stillValid(key: string, user: Identity | null): boolean {
    const entry = entries.get(key);
    const valid = Boolean(
      entry &&
        user &&
        !user.disabled &&
        entry.until > clock().getTime() &&
        entry.username === user._id &&
        entry.passwordHash === user.passwordHash &&
        entry.tokenVersion === (user.tokenVersion ?? 0),
    );
    if (entry && !valid) entries.delete(key);
    return valid;
  }

  function remember(key: string, user: Identity) {
    entries.delete(key);
    entries.set(key, {
      username: user._id,
      passwordHash: user.passwordHash,
      tokenVersion: user.tokenVersion ?? 0,
      until: clock().getTime() + ttlMs,
    });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!); // the oldest goes first
  }

  /** Runs `verify` once for identical credentials checked at the same time; the others share its answer. */
  function once<T>(key: string, verify: () => Promise<T>): Promise<T> {
    const running = inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = verify().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  }

  return { keyOf, has: (key: string) => entries.has(key), stillValid, remember, once, size: () => entries.size };
}
