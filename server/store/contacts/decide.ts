// What one write op does to the stored version of its uid: pure, so the database store and
// the memory store decide alike.
import type { OpResult, WriteOp } from "../contract";

export type Decision = { result: OpResult; write?: "put" | "delete" };
/** The stored version an op is decided on: null when the uid was never stored. */
export type Stored = { etag: string; deleted?: boolean | null; source?: string | null } | null;

const STALE = "If-Match does not match the stored version";

/** A contact a source owns (an LDAP import) is that source's to write: anyone else is refused. */
function ownedByOther(op: WriteOp, live: Stored): OpResult | undefined {
  if (!live?.source || op.source === live.source) return undefined;
  const error = `This contact comes from ${live.source}; change it there`;
  return { uid: op.uid, status: "error", error, kind: "owned-by-source", details: { source: live.source } };
}

export function decide(op: WriteOp, current: Stored, etag: string, retrySafe: boolean): Decision {
  const live = current && !current.deleted ? current : null;
  const refused = ownedByOther(op, live);
  if (refused) return { result: refused };
  if (op.op === "put") {
    const unchanged: Decision = { result: { uid: op.uid, status: "unchanged", etag } };
    if (op.ifNoneMatch && live)
      return { result: { uid: op.uid, status: "conflict", etag: live.etag, error: "a contact with this uid exists" } };
    // A retry-safe put whose content is already stored is unchanged before If-Match is checked:
    // RFC 9110 §13.1.1 lets a server answer 2xx when it sees the request has already succeeded.
    if (retrySafe && live?.etag === etag) return unchanged;
    if (op.ifMatch && live?.etag !== op.ifMatch)
      return { result: { uid: op.uid, status: "conflict", etag: live?.etag, error: STALE } };
    if (live?.etag === etag) return unchanged;
    return { result: { uid: op.uid, status: live ? "updated" : "created", etag }, write: "put" };
  }
  // A retried delete finds its own tombstone: report it unchanged, never a conflict.
  if (!live) {
    if (op.ifMatch && current?.etag !== op.ifMatch)
      return { result: { uid: op.uid, status: "conflict", error: STALE, missing: !current } };
    return { result: { uid: op.uid, status: "unchanged", missing: !current } };
  }
  if (op.ifMatch && live.etag !== op.ifMatch)
    return { result: { uid: op.uid, status: "conflict", etag: live.etag, error: STALE } };
  return { result: { uid: op.uid, status: "deleted", etag: live.etag }, write: "delete" };
}

/** Ops whose uid appeared earlier in the same batch: each gets an error, the others go on. */
export function repeatedUids(ops: WriteOp[]): (OpResult | undefined)[] {
  const seen = new Set<string>();
  return ops.map((op) => {
    const repeated = seen.has(op.uid);
    seen.add(op.uid);
    return repeated ? { uid: op.uid, status: "error", error: "the same uid appears twice in one batch" } : undefined;
  });
}
