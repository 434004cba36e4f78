// Refresh tokens, shared by the database and memory sessions. A token is
// `${sessionId}.${generation}.${secret}`: the ids let a rotation find its documents by _id (the
// one indexed lookup on FerretDB), and the secret is 256 random bits kept only as its SHA-256
// (a hash that fast is enough for a random secret: there is no password to guess).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Accounts, SessionRecord, Sessions } from "./contract";

export const newSessionId = () => randomBytes(16).toString("base64url");
export const newSecret = () => randomBytes(32).toString("base64url");
export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

export const formatRefreshToken = (id: string, generation: number, secret: string) => `${id}.${generation}.${secret}`;

export function parseRefreshToken(token: string): { id: string; generation: number; secret: string } | undefined {
  const match = /^([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([A-Za-z0-9_-]{16,128})$/.exec(token);
  return match ? { id: match[1], generation: Number(match[2]), secret: match[3] } : undefined;
}

/** Whether `secret` is the one hashed as `hash`, in time that does not depend on where they differ. */
export function secretMatches(hash: string, secret: string): boolean {
  const a = Buffer.from(hash, "hex");
  const b = Buffer.from(hashSecret(secret), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a session still lasts at `now`: not ended and not expired. */
export const lasts = (s: { endedAt?: Date | null; expiresAt: Date }, now: Date) =>
  !s.endedAt && s.expiresAt.getTime() > now.getTime();

export const byLastUse = (a: SessionRecord, b: SessionRecord) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime();

/** Accounts whose deleteUser also ends the user's sessions (built into both stores). */
export function endingSessionsOnDelete(accounts: Accounts, sessions: Pick<Sessions, "endAll">): Accounts {
  return {
    ...accounts,
    async deleteUser(username, opts) {
      const deleted = await accounts.deleteUser(username, opts);
      await sessions.endAll(username);
      return deleted;
    },
  };
}
