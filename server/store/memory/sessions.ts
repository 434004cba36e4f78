// Device sessions in memory, with the database store's rotation rules: each refresh token is
// good for one rotation, and a second use of one ends its session.
import type { Rotation, SessionRecord, Sessions, SessionStart } from "../contract";
import { storeError } from "../errors";
import {
  byLastUse,
  formatRefreshToken,
  hashSecret,
  lasts,
  newSecret,
  newSessionId,
  parseRefreshToken,
  secretMatches,
} from "../session-tokens";

type Kept = SessionRecord & { endedAt: Date | null };

export function createMemorySessions(clock: () => Date): Sessions {
  const sessions = new Map<string, Kept>();
  /** Token hashes by `${id}:${generation}`. */
  const tokens = new Map<string, string>();
  const tokenId = (id: string, generation: number) => `${id}:${generation}`;
  const later = (ms: number) => new Date(clock().getTime() + ms);
  const recordOf = ({ endedAt: _ended, ...s }: Kept): SessionRecord => ({ ...s });

  async function start(input: SessionStart) {
    const now = clock();
    const id = newSessionId();
    const secret = newSecret();
    tokens.set(tokenId(id, 1), hashSecret(secret));
    const { lifetimeMs, ...rest } = input;
    const kept: Kept = { ...rest, id, createdAt: now, lastUsedAt: now, expiresAt: later(lifetimeMs), endedAt: null };
    sessions.set(id, kept);
    return { session: recordOf(kept), refreshToken: formatRefreshToken(id, 1, secret) };
  }

  async function rotate(refreshToken: string, lifetimeMs: number): Promise<Rotation> {
    const parsed = parseRefreshToken(refreshToken);
    const s = parsed && sessions.get(parsed.id);
    const hash = parsed && tokens.get(tokenId(parsed.id, parsed.generation));
    if (!parsed || !s || !hash || !secretMatches(hash, parsed.secret)) return { ok: false, reason: "unknown" };
    if (s.endedAt) return { ok: false, reason: "ended" };
    if (s.expiresAt.getTime() <= clock().getTime()) return { ok: false, reason: "expired" };
    const { id, generation } = parsed;
    if (tokens.has(tokenId(id, generation + 1))) {
      s.endedAt = clock();
      return { ok: false, reason: "reused" };
    }
    const next = newSecret();
    tokens.set(tokenId(id, generation + 1), hashSecret(next));
    tokens.delete(tokenId(id, generation - 1));
    s.lastUsedAt = clock();
    s.expiresAt = later(lifetimeMs);
    return { ok: true, session: recordOf(s), refreshToken: formatRefreshToken(id, generation + 1, next) };
  }

  async function get(id: string) {
    const s = sessions.get(id);
    return s && lasts(s, clock()) ? recordOf(s) : null;
  }

  async function list(username: string, tokenVersion: number) {
    const now = clock();
    return [...sessions.values()]
      .filter((s) => s.username === username && s.tokenVersion === tokenVersion && lasts(s, now))
      .map(recordOf)
      .sort(byLastUse);
  }

  async function end(username: string, id: string) {
    const s = sessions.get(id);
    if (!s || s.username !== username || !lasts(s, clock()))
      throw storeError("not-found", `No session ${id} of ${username}`);
    s.endedAt = clock();
  }

  async function endAll(username: string) {
    for (const s of sessions.values()) if (s.username === username && !s.endedAt) s.endedAt = clock();
  }

  return { start, rotate, get, list, end, endAll };
}
