// The contact store: every book's contacts and its change log, over MongoDB or
// the embedded FerretDB, with no multi-document transaction anywhere. It meets the
// ContactStore and ContactMaintenance contracts (store/contract.ts); its parts live in
// store/contacts/: lease.ts (the writer lease and published head), log.ts (the change log),
// writes.ts (applyWrites and the late-write repair), reads.ts, maintenance.ts; full reads and
// searches come from the instance's cache (store/contact-cache.ts) and checkpoints (checkpoints.ts).
//
// How a write stays correct without transactions:
// - One writer per book at a time, through a lease: the next version of the
//   book's lease chain (store/version-chain.ts), taken by inserting it under a
//   unique _id. Many server instances may share a book; they queue on the lease,
//   and a holder re-checks it before each write phase (fencing).
// - The change log is a list of entries {p, u}: "uid u changed at position p",
//   kept in chunk documents of CHUNK_SIZE entries. A writer appends the entries
//   first, writes the contact documents (each records the position `seq` of its
//   newest entry) second, and publishes the new `head` last, in its own lease
//   version, as it releases the lease.
// - Readers see entries up to `head` only, and deliver an entry only when the
//   contact, as a reader of that head sees it, still carries that position. A
//   contact document written past the head keeps the version it replaced in
//   `prev` (contacts/context.ts, visibleAt): a reader of a head below the
//   document's position sees `prev` (and a contact created past the head not at
//   all), in get, lookup, the listing and both feeds alike. So a batch shows
//   all at once, when its head is published, and never in part.
// - A writer that dies (kill -9, a crash of its database) leaves documents past
//   the head. The next holder of the lease rolls them back before it writes
//   anything (log.rollBackAfter): each document still carrying a dead entry's
//   position gets its `prev` back (a created one is removed), so the dead batch
//   is undone whole; the dead entries stay in the log, carried by no document,
//   and the head moves past them. Rolling back is idempotent: a holder that dies
//   while doing it leaves the same work to the next. Readers need no repair:
//   `prev` keeps them consistent from the moment of the crash. (`prev` stays
//   until the next write of that contact replaces it; readers ignore it once
//   the head covers the document.)
// - A dead holder holds up the book's writers briefly: the lease is short
//   (LEASE_MS) and renewed by a heartbeat while held, and it names the holder's
//   host and pid, so a taker on the same host (the restarted instance) sees at
//   once that the holder's process is gone. A taker re-reads the version it
//   judged before taking over, so a holder that released meanwhile is never
//   rolled back. A batch that completed but whose answer never reached the
//   client may show, whole: it was published before the crash.
// - The lease check cannot be part of the write: FerretDB runs a filtered
//   update as read, then write, so only an insert under a unique _id is an
//   atomic compare-and-set there. A holder paused (GC, slow disk) between its
//   last fence check and its contact write can therefore land that write after
//   its lease ran out and a new holder wrote. So the fence is completed AFTER
//   the write, by detection and repair:
//   1. Each contact write is a findOneAndReplace that returns the document it
//      replaced (`before`); the writer also kept the document it decided on
//      under the lease (`read`).
//   2. After its writes, still before releasing, the writer reads the lease
//      chain. If the newest version is still its own, every later holder took
//      the lease after our writes landed, so it read them, and its head covers
//      our entries (their positions): nothing to repair.
//   3. Otherwise our writes may be invisible (a reader already moved its token
//      past our positions) or may have replaced a newer write:
//      - `before` differs from `read` (another version landed in between, by a
//        later holder, at a later position): we destroyed a newer, acknowledged
//        write. We undo ours by writing `before` back, and answer that op
//        `busy` (not acknowledged; a retry re-decides on the current version).
//      - otherwise our write was decided on the version it replaced, so it is
//        a correct write, only late: we keep it and answer it as done.
//      - the stored document carries an older position than ours: the taker-
//        over rolled ours back as a dead writer's (above); it is answered
//        `busy`, not written.
//      Either way the kept content is written again at a fresh position under a
//      new lease (republish), but only if the stored document still carries our
//      position: one that does not was overwritten since by a writer whose own
//      fence covers it. The republish is an ordinary write, fenced the same way.
//   So once the late writer finishes, get, full reads and every incremental
//   feed agree, and the newest acknowledged write wins. Between its late write
//   and the repair, readers may briefly see the undone content; it is then
//   superseded at a position past every token handed out. What stays open: a
//   process that dies in that short window (after a pause longer than the
//   lease), and a race inside one database command (FerretDB's read and write
//   of a single findOneAndReplace or $push), which no client-side fence closes.
// - Every lookup and write goes by _id, the one filter FerretDB's SQLite backend
//   pushes down to an index, so work is proportional to the changes read or
//   written, never to the size of the book. (Purging tombstones scans: it is
//   maintenance, not a request.)
import { createContactCache, versionOf, type ContactCache } from "./contact-cache";
import type {
  ContactMaintenance,
  ContactRecovery,
  ContactSearch,
  ContactStore as ContactStoreContract,
} from "./contract";
import { createCachedReads } from "./contacts/cached-reads";
import { createCheckpoints } from "./contacts/checkpoints";
import { createRecovery } from "./contacts/recovery";
import type { StoreContext } from "./contacts/context";
import { createLeases } from "./contacts/lease";
import { createLog } from "./contacts/log";
import { createMaintenance } from "./contacts/maintenance";
import { createReads } from "./contacts/reads";
import { createWrites } from "./contacts/writes";

export type { BookInit, Change, ChangePage, OpResult, OpStatus, StoredContact, WriteOp } from "./contract";
export type { Clock, StoreHooks } from "./contacts/context";
export { CHUNK_SIZE } from "./contacts/log";
export { decodeToken, encodeToken, type Token } from "./contacts/tokens";

export type ContactStore = ContactStoreContract & ContactMaintenance & ContactRecovery & ContactSearch;

/** Default cap on the contact versions the instance cache keeps (config CACHE_MAX_CONTACTS). */
export const DEFAULT_CACHE_MAX_CONTACTS = 200_000;

/** The database store's own extras, beyond the contract: its cache and checkpoints. */
export type DatabaseContactStore = ContactStore & {
  /** Writes a checkpoint of the book now (false: nothing changed since the last one). */
  checkpoint(book: string): Promise<boolean>;
  /** Resolves when no background checkpoint is being written. */
  settled(): Promise<void>;
  cache: Pick<ContactCache, "size">;
};

type Deps = Omit<StoreContext, "hooks"> &
  Partial<Pick<StoreContext, "hooks">> & {
    cacheMaxContacts?: number;
    onError?: (err: unknown) => void;
  };

export function createContactStore(deps: Deps): DatabaseContactStore {
  const { cacheMaxContacts = DEFAULT_CACHE_MAX_CONTACTS, onError, ...context } = deps;
  const ctx: StoreContext = { ...context, hooks: deps.hooks ?? {} };
  const log = createLog(ctx);
  const leases = createLeases(ctx, log);
  const cache = createContactCache({
    log,
    checkpoints: createCheckpoints(ctx.models),
    maxVersions: cacheMaxContacts,
    onError,
  });
  const listener = {
    writing: cache.writing,
    published(book: string, from: number, head: number, docs: Parameters<typeof versionOf>[0][]) {
      try {
        cache.published(book, from, head, docs.map(versionOf));
      } catch (err) {
        onError?.(err); // the cache catches up from the log on the next read
      }
    },
  };
  async function checkpoint(book: string): Promise<boolean> {
    const { head, horizon } = await leases.published(book);
    return cache.checkpoint(book, head, horizon);
  }
  return {
    ...createWrites(ctx, leases, log, listener),
    ...createReads(ctx, leases, log, createCachedReads(leases, cache)),
    ...createMaintenance(ctx, leases, log),
    ...createRecovery(ctx),
    checkpoint,
    settled: cache.settled,
    cache: { size: cache.size },
  };
}
