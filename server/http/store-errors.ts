// REST's one table from the store's error kinds to HTTP answers. The store decides what went
// wrong; how a protocol says so is the protocol's business (CardDAV answers an expired token
// with 403 DAV:valid-sync-token, REST with 410). The codes are the ones REST clients already
// know (the add-in reads `sync-token-expired`, `pair-busy`).
import type { StoreError, StoreErrorKind } from "../store/errors";
import { HttpError } from "./errors";

/** Seconds a client should wait before retrying a `busy` answer: a lease turns over within this. */
const BUSY_RETRY_AFTER_SECONDS = 2;

const REST: Record<StoreErrorKind, { status: number; code: string }> = {
  "not-found": { status: 404, code: "not-found" },
  busy: { status: 503, code: "busy" },
  "token-expired": { status: 410, code: "sync-token-expired" },
  // Read-only answers were always 403 "forbidden"; the message says why.
  "read-only": { status: 403, code: "forbidden" },
  forbidden: { status: 403, code: "forbidden" },
  "precondition-failed": { status: 412, code: "precondition-failed" },
  "too-large": { status: 413, code: "payload-too-large" },
  "owned-by-source": { status: 409, code: "owned-by-source" },
  conflict: { status: 409, code: "conflict" },
  invalid: { status: 400, code: "bad-request" },
  "quota-exceeded": { status: 413, code: "quota-exceeded" },
};

/** The status REST gives a store error of this kind (e.g. for one op of a batch). */
export const restStatus = (kind: StoreErrorKind) => REST[kind].status;

/** The REST answer for a store error, with the headers it needs. */
export function restAnswer(err: StoreError): { error: HttpError; headers: Record<string, string> } {
  const { status, code } = REST[err.kind];
  const details = err.details ?? {};
  const answer = (s: number, c: string, d?: unknown, headers: Record<string, string> = {}) => ({
    error: new HttpError(s, c, err.message, d),
    headers,
  });
  if (err.kind === "busy") return answer(status, code, undefined, { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS) });
  // Another Outlook holds the pair's claim: the add-in knows this answer as 409 pair-busy.
  if (err.kind === "conflict" && details.claim === "pair") return answer(409, "pair-busy");
  if (err.kind === "quota-exceeded" && details.retryable) return answer(429, code);
  // Field-level problems keep the shape REST always gave them: [{field, message}].
  if (err.kind === "invalid" && Array.isArray(details.fields)) return answer(status, code, details.fields);
  // The message names the source; the details carry it for clients that act on it.
  if (err.kind === "owned-by-source" && details.source) return answer(status, code, { source: details.source });
  return answer(status, code);
}
