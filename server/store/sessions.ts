// Device sessions over MongoDB or FerretDB. A session is one document by its id; each refresh
// token is one more document, `${id}:${generation}`, holding the token's hash. Rotating token n
// inserts generation n + 1: FerretDB runs updates as read-then-write, but an insert under a
// unique _id is atomic there as on MongoDB, so of two rotations of one token exactly one wins
// and the other is a reuse (see store/version-chain.ts for the same idea).
// Ending a session inserts `${id}:end` as well as setting endedAt: a rotation's read-then-write of
// lastUsedAt could carry an older copy of the session over the endedAt written meanwhile, so after
// its write a rotation looks for that marker and, finding it, ends the session again.
import { insertOr } from "../db/duplicate-key";
import type { Models, SessionDoc } from "../db/models";
import type { Rotation, SessionRecord, Sessions, SessionStart } from "./contract";
import { storeError } from "./errors";
import {
  byLastUse,
  formatRefreshToken,
  hashSecret,
  lasts,
  newSecret,
  newSessionId,
  parseRefreshToken,
  secretMatches,
} from "./session-tokens";

type Doc = SessionDoc & { _id: string };

const recordOf = (d: Doc): SessionRecord => ({
  id: d._id,
  username: d.user,
  device: d.device ?? "",
  client: d.client ?? "",
  createdAt: d.createdAt,
  lastUsedAt: d.lastUsedAt,
  expiresAt: d.expiresAt,
  tokenVersion: d.tokenVersion,
});

export function createSessions(models: Models, clock: () => Date): Sessions {
  const { Session, SessionToken } = models;
  const tokenId = (id: string, generation: number) => `${id}:${generation}`;
  const later = (ms: number) => new Date(clock().getTime() + ms);

  async function start(input: SessionStart) {
    const now = clock();
    const id = newSessionId();
    const secret = newSecret();
    // The token first: a session document is never without its first refresh token.
    await SessionToken.create({ _id: tokenId(id, 1), hash: hashSecret(secret), createdAt: now });
    const doc: Doc = {
      _id: id,
      user: input.username,
      device: input.device,
      client: input.client,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: later(input.lifetimeMs),
      tokenVersion: input.tokenVersion,
      endedAt: null,
    };
    await Session.create(doc);
    return { session: recordOf(doc), refreshToken: formatRefreshToken(id, 1, secret) };
  }

  const endMarker = (id: string) => `${id}:end`;
  async function endNow(id: string) {
    const now = clock();
    // The marker first: a rotation that does not see it yet wrote before the endedAt below.
    await insertOr(SessionToken.create({ _id: endMarker(id), hash: "ended", createdAt: now }), () => undefined);
    await Session.updateOne({ _id: id }, { $set: { endedAt: now } });
  }

  async function rotate(refreshToken: string, lifetimeMs: number): Promise<Rotation> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) return { ok: false, reason: "unknown" };
    const { id, generation, secret } = parsed;
    const [doc, token] = await Promise.all([
      Session.findById(id).lean<Doc>(),
      SessionToken.findById(tokenId(id, generation)).lean<{ hash: string }>(),
    ]);
    if (!doc || !token || !secretMatches(token.hash, secret)) return { ok: false, reason: "unknown" };
    if (doc.endedAt) return { ok: false, reason: "ended" };
    if (doc.expiresAt.getTime() <= clock().getTime()) return { ok: false, reason: "expired" };
    const next = newSecret();
    const now = clock();
    const lost = await insertOr(
      SessionToken.create({ _id: tokenId(id, generation + 1), hash: hashSecret(next), createdAt: now }),
      () => true,
    );
    if (lost) {
      await endNow(id);
      return { ok: false, reason: "reused" };
    }
    const expiresAt = later(lifetimeMs);
    await Session.updateOne({ _id: id }, { $set: { lastUsedAt: now, expiresAt } });
    if (await SessionToken.exists({ _id: endMarker(id) })) {
      await endNow(id);
      return { ok: false, reason: "ended" };
    }
    // The token just spent stays, so its reuse is recognised; the one before it can go.
    if (generation > 1) await SessionToken.deleteOne({ _id: tokenId(id, generation - 1) });
    return {
      ok: true,
      session: recordOf({ ...doc, lastUsedAt: now, expiresAt }),
      refreshToken: formatRefreshToken(id, generation + 1, next),
    };
  }

  async function get(id: string): Promise<SessionRecord | null> {
    const doc = await Session.findById(id).lean<Doc>();
    return doc && lasts(doc, clock()) ? recordOf(doc) : null;
  }

  // Listing is rare (a user's or an admin's device list), so a filter on `user` is fine here;
  // every per-request lookup is by _id.
  async function list(username: string, tokenVersion: number): Promise<SessionRecord[]> {
    const docs = await Session.find({ user: username }).lean<Doc[]>();
    const now = clock();
    return docs
      .filter((d) => lasts(d, now) && d.tokenVersion === tokenVersion)
      .map(recordOf)
      .sort(byLastUse);
  }

  async function end(username: string, id: string): Promise<void> {
    const doc = await Session.findById(id).lean<Doc>();
    if (!doc || doc.user !== username || !lasts(doc, clock()))
      throw storeError("not-found", `No session ${id} of ${username}`);
    await endNow(id);
  }

  // Rare (a user deleted), so the filter on `user` is fine.
  async function endAll(username: string): Promise<void> {
    const docs = await Session.find({ user: username, endedAt: null }).lean<Doc[]>();
    for (const d of docs) await endNow(d._id);
  }

  return { start, rotate, get, list, end, endAll };
}
