// The contact store: every book's contacts and its change log, over MongoDB or
// the embedded FerretDB, with no multi-document transaction anywhere.
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
//   contact document still carries that position. So an entry whose write never
//   landed, or that a later write superseded, is skipped; nothing half-written
//   is ever shown, and a writer that died mid-way leaves nothing to repair but
//   the head, which the next lease holder moves past the dead writer's entries.
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
import { randomUUID } from "node:crypto";
import { contentHash } from "../../core/contact/content-hash";
import type { Contact } from "../../core/contact/contact";
import { badRequest, busy, notFound, syncTokenExpired } from "../http/errors";
import type { ContactDoc, Models } from "../db/models";
import { versionChain } from "./version-chain";

export const CHUNK_SIZE = 256;
const PURGE_PER_LEASE = 500;
const COMPACT_CHUNKS_PER_LEASE = 4;
const LEASE_MS = 30_000;
// Longer than a lease, so a writer queued behind one that died gets its turn.
const LEASE_WAIT_MS = 45_000;
// A holder stops writing this long before its lease runs out (clocks of instances differ a little).
const LEASE_MARGIN_MS = 10_000;

export type Clock = () => Date;

export type WriteOp =
  | { op: "put"; uid: string; contact: Contact; ifMatch?: string; ifNoneMatch?: boolean }
  | { op: "delete"; uid: string; ifMatch?: string };

export type OpStatus = "created" | "updated" | "deleted" | "unchanged" | "conflict" | "error";
/** `missing`: a delete found no contact at all; `busy`: the write was undone, as another writer
 *  took over (retry it). */
export type OpResult = {
  uid: string;
  status: OpStatus;
  etag?: string;
  error?: string;
  missing?: boolean;
  busy?: boolean;
};

export type StoredContact = { uid: string; etag: string; seq: number; contact: Contact };
export type Change = { uid: string; etag: string; deleted: boolean; modifiedAt: string; contact?: Contact };
export type ChangePage = { changes: Change[]; token: string; more: boolean };
export type BookInit = { id: string; kind: "gab" | "pab" | "directory"; name: string; owner?: string | null };

export type ContactStore = ReturnType<typeof createContactStore>;

const docId = (book: string, uid: string) => `${book}/${uid}`;
const chunkId = (book: string, chunk: number) => `${book}:${chunk}`;
const chunkOf = (p: number) => Math.floor(p / CHUNK_SIZE);
const REFUSED = "the database refused the write";
const TAKEN_OVER = "another writer took over this address book while this write was under way; retry it";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A position in a book's log. `fullSince` marks a cursor inside a full read (no token given):
 *  that read delivers live contacts, and tombstones only past `start`, the head when it began
 *  (deletions made while it ran), so purged tombstones cannot be missing from it, unless more
 *  were purged after it began (the horizon it started under). */
export type Token = { p: number; fullSince?: number; start?: number };

export function encodeToken(book: string, token: Token): string {
  const parts =
    token.fullSince === undefined ? [book, token.p] : [book, token.p, token.fullSince, token.start ?? token.p];
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** What a token stands for, or undefined when it is not one of this book's tokens. */
export function decodeToken(book: string, token: string): Token | undefined {
  try {
    const [b, p, fullSince, start] = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (b !== book || !Number.isSafeInteger(p) || p < 0) return undefined;
    if (fullSince === undefined) return { p };
    if (!Number.isSafeInteger(fullSince)) return undefined;
    // A full-read token from before `start` existed: deletions since are unknown, so assume its cursor.
    if (start === undefined) return { p, fullSince, start: p };
    return Number.isSafeInteger(start) ? { p, fullSince, start } : undefined;
  } catch {
    return undefined;
  }
}

/** The book's writer lease and published log state, one version per write. */
type Lease = { owner: string; until: Date; released: boolean; base: number; head: number; horizon: number };
/** A lease this process holds: version n of the book's lease chain. */
type Held = { owner: string; n: number; head: number; horizon: number; until: Date };

/** Test seams. `beforeContactWrite` runs after a writer's last fence check and before its contact
 *  documents are written: where a GC pause or a slow disk can let its lease run out. */
export type StoreHooks = { beforeContactWrite?: (book: string, uids: string[]) => Promise<void> };

export function createContactStore(deps: { models: Models; clock: Clock; hooks?: StoreHooks }) {
  const { models, clock, hooks = {} } = deps;
  const { ContactDoc: Contacts, LogChunk } = models;
  const leases = versionChain<Lease>(models.BookLease.collection, models.BookLeaseHint.collection);

  /** The log first, the book second: a book that is listed always has a log, even after a crash in between. */
  async function createBook(init: BookInit): Promise<void> {
    await leases.append(init.id, 1, { owner: "", until: new Date(0), released: true, base: 0, head: 0, horizon: 0 });
    await models.Book.create({ _id: init.id, kind: init.kind, name: init.name, owner: init.owner ?? null });
  }

  /** What readers may see: the log up to `head`, and tokens from `horizon` on. */
  async function published(book: string): Promise<{ head: number; horizon: number }> {
    const cur = await leases.latest(book);
    if (!cur) throw notFound("No such address book");
    return { head: cur.value.released ? cur.value.head : cur.value.base, horizon: cur.value.horizon };
  }

  /** Takes the book's writer lease, repairing the head if the last holder died mid-write. */
  async function acquire(book: string): Promise<Held> {
    const owner = randomUUID();
    const giveUpAt = Date.now() + LEASE_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const cur = await leases.latest(book);
      if (!cur) throw notFound("No such address book");
      const now = clock();
      const free = cur.value.released || new Date(cur.value.until).getTime() < now.getTime();
      if (free) {
        const prior = cur.value;
        const base = prior.released ? prior.head : prior.base;
        const mine: Lease = { owner, until: new Date(now.getTime() + LEASE_MS), released: false, base, head: base, horizon: prior.horizon };
        if (await leases.append(book, cur.n + 1, mine)) {
          const held = { owner, n: cur.n + 1, head: base, horizon: prior.horizon, until: mine.until };
          return prior.released ? held : { ...held, head: await repairHead(book, base) };
        }
      }
      if (Date.now() > giveUpAt) throw busy("The address book is busy; retry shortly");
      if (!free) await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }

  /** A writer that died left entries past the head; readers validate entries, so moving past them is safe. */
  async function repairHead(book: string, head: number): Promise<number> {
    let last = head;
    for (let c = chunkOf(head + 1); ; c++) {
      const chunk = await LogChunk.findById(chunkId(book, c)).lean();
      if (!chunk) return last;
      for (const e of chunk.entries) last = Math.max(last, e.p ?? 0);
    }
  }

  /** Fencing: a holder whose lease ran out must not write on. Its clock is checked before each
   *  write phase (free); before contacts are written, the lease chain is read too, which also
   *  catches a taker-over whose clock runs far ahead of ours. */
  async function assertLeaseHeld(book: string, lease: Held, readChain = false): Promise<void> {
    if (clock().getTime() > lease.until.getTime() - LEASE_MARGIN_MS) throw busy("The write took too long and was stopped; retry it");
    if (!readChain) return;
    const cur = await leases.latest(book);
    if (cur?.n !== lease.n) throw busy("Another writer took over this address book; retry the write");
  }

  async function release(book: string, lease: Held, head: number, horizon = lease.horizon) {
    await leases.amend(book, lease.n, { owner: lease.owner, until: new Date(0), released: true, base: head, head, horizon });
  }

  /** Appends log entries. A chunk this append starts from its first position is new, so it is
   *  inserted whole (one write for all such chunks); only a partly filled chunk needs a $push. */
  async function append(book: string, entries: { p: number; u: string }[]): Promise<void> {
    const byChunk = new Map<number, { p: number; u: string }[]>();
    for (const e of entries) byChunk.set(chunkOf(e.p), [...(byChunk.get(chunkOf(e.p)) ?? []), e]);
    const fresh = [...byChunk].filter(([c, es]) => es[0].p === c * CHUNK_SIZE);
    const partial = [...byChunk].filter(([c, es]) => es[0].p !== c * CHUNK_SIZE);
    const push = ([c, es]: [number, { p: number; u: string }[]]) =>
      LogChunk.updateOne({ _id: chunkId(book, c) }, { $push: { entries: { $each: es } }, $setOnInsert: { book } }, { upsert: true });
    const inserted = fresh.length
      ? LogChunk.collection.insertMany(fresh.map(([c, es]) => ({ _id: chunkId(book, c) as never, book, entries: es })), { ordered: false }).then(
          () => [],
          // A chunk that exists after all (a dead writer's leftovers) takes the entries by $push.
          (err: { writeErrors?: { index: number }[] }) => {
            if (!err.writeErrors) throw err;
            return Promise.all(err.writeErrors.map((w) => push(fresh[w.index])));
          },
        )
      : Promise.resolve([]);
    // Different chunk documents: no two of these writes touch the same document.
    await Promise.all([inserted, ...partial.map(push)]);
  }

  type StoredDoc = ReturnType<typeof newDoc>;
  /** A contact document to write, and the stored one it was decided on (under the lease). */
  type Planned = { i?: number; doc: StoredDoc; read?: StoredDoc | null };
  /** A written contact document, and the one it replaced. A blind insert has no `read`. */
  type Landed = Planned & { before: StoredDoc | null };

  function newDoc(book: string, uid: string, seq: number, contact: Contact, etag: string) {
    return { _id: docId(book, uid), book, uid, seq, etag, deleted: false, deletedAt: null as Date | null, updatedAt: clock(), contact: contact as Contact | null };
  }

  /** A deleted contact keeps its uid, position and last etag, so retried deletes and change feeds can see it. */
  function tombstone(book: string, uid: string, seq: number, etag: string) {
    const now = clock();
    return { _id: docId(book, uid), book, uid, seq, etag, deleted: true, deletedAt: now as Date | null, updatedAt: now, contact: null as Contact | null };
  }

  /** Applies each op atomically on its own; one op's failure never blocks another. With `retrySafe`,
   *  a put whose content is already stored is unchanged whatever its If-Match, so a batch retried
   *  after its first try landed answers as it did then; without it, If-Match is strict, as
   *  read-modify-write clients (a counter) need. */
  async function applyWrites(book: string, ops: WriteOp[], { retrySafe = false } = {}): Promise<OpResult[]> {
    const results: (OpResult | undefined)[] = ops.map(() => undefined);
    const seen = new Set<string>();
    ops.forEach((op, i) => {
      if (seen.has(op.uid)) results[i] = { uid: op.uid, status: "error", error: "the same uid appears twice in one batch" };
      seen.add(op.uid);
    });

    // The etag is the hash of the normalized content, computed once per op.
    const etags = ops.map((op) => (op.op === "put" ? contentHash(op.contact) : ""));
    const lease = await acquire(book);
    let next = lease.head + 1;
    const landed: Landed[] = [];
    try {
      // Puts without If-Match are tried as plain inserts first: a new uid is the
      // common case (first syncs, imports), and an insert needs no read.
      const blind = ops.flatMap((op, i) => (op.op === "put" && !op.ifMatch && !results[i] ? [{ op, i, p: next++, etag: etags[i] }] : []));
      const inserted = await insertNew(book, blind, lease);
      landed.push(...inserted);
      for (const w of inserted) results[w.i!] = { uid: w.doc.uid, status: "created", etag: w.doc.etag };

      const rest = ops.flatMap((op, i) => (results[i] ? [] : [{ op, i }]));
      const current = await Promise.all(rest.map(({ op }) => Contacts.findById(docId(book, op.uid)).lean<StoredDoc>()));
      const writes: Planned[] = [];
      rest.forEach(({ op, i }, k) => {
        const decision = decide(op, current[k], etags[i], retrySafe);
        results[i] = decision.result;
        if (!decision.write) return;
        const p = next++;
        const doc = op.op === "put" ? newDoc(book, op.uid, p, op.contact, etags[i]) : tombstone(book, op.uid, p, current[k]!.etag);
        writes.push({ i, doc, read: current[k] });
      });
      const { done, failed } = await replaceContacts(book, lease, writes);
      landed.push(...done);
      for (const w of failed) results[w.i!] = { uid: w.doc.uid, status: "error", error: REFUSED };
    } finally {
      const clobbered = await releaseAndSettle(book, lease, next - 1, landed);
      for (const w of clobbered) results[w.i!] = { uid: w.doc.uid, status: "error", busy: true, error: TAKEN_OVER };
    }
    return results.map((r, i) => r ?? { uid: ops[i].uid, status: "error", error: "not applied" });
  }

  type Blind = { op: Extract<WriteOp, { op: "put" }>; i: number; p: number; etag: string };
  async function insertNew(book: string, blind: Blind[], lease: Held): Promise<Landed[]> {
    if (blind.length === 0) return [];
    await assertLeaseHeld(book, lease);
    await append(book, blind.map((b) => ({ p: b.p, u: b.op.uid })));
    await assertLeaseHeld(book, lease, true);
    const docs = blind.map((b) => newDoc(book, b.op.uid, b.p, b.op.contact, b.etag));
    await hooks.beforeContactWrite?.(book, docs.map((d) => d.uid));
    const failed = new Set<number>();
    try {
      // The driver straight, as mongoose would re-validate what the Contact schema already checked.
      await Contacts.collection.insertMany(docs as unknown as Record<string, unknown>[], { ordered: false });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { index: number }[] }).writeErrors;
      if (!writeErrors) throw err;
      for (const e of writeErrors) failed.add(e.index);
    }
    // An insert overwrites nothing: `before` is null, and it is no one's read-modify-write.
    return blind.flatMap((b, k) => (failed.has(k) ? [] : [{ i: b.i, doc: docs[k], before: null }]));
  }

  /** Writes contact documents under the lease (entries first, documents second), keeping what each replaced. */
  async function replaceContacts(book: string, lease: Held, writes: Planned[]) {
    if (writes.length === 0) return { done: [], failed: [] };
    await assertLeaseHeld(book, lease);
    await append(book, writes.map((w) => ({ p: w.doc.seq, u: w.doc.uid })));
    await assertLeaseHeld(book, lease, true);
    await hooks.beforeContactWrite?.(book, writes.map((w) => w.doc.uid));
    const replace = (doc: StoredDoc) =>
      Contacts.collection.findOneAndReplace({ _id: doc._id } as never, doc as never, { upsert: true, returnDocument: "before" });
    const outcomes = await Promise.allSettled(writes.map((w) => replace(w.doc)));
    const done: Landed[] = [];
    const failed: Planned[] = [];
    outcomes.forEach((o, k) => {
      if (o.status === "fulfilled") done.push({ ...writes[k], before: o.value as StoredDoc | null });
      else failed.push(writes[k]);
    });
    return { done, failed };
  }

  /** Releases the lease; when another writer took it over while ours ran out, makes what we wrote
   *  safe (see the header): returns the writes that replaced a newer version, which were undone. */
  async function releaseAndSettle(book: string, lease: Held, head: number, landed: Landed[]): Promise<Landed[]> {
    const takenOver = landed.length > 0 && (await leases.latest(book))?.n !== lease.n;
    await release(book, lease, head);
    if (!takenOver) return [];
    const clobbered = landed.filter((w) => w.read !== undefined && w.before && w.before.seq !== w.read?.seq);
    await republish(book, landed.map((w) => ({ seq: w.doc.seq, doc: clobbered.includes(w) ? w.before! : w.doc })));
    return clobbered;
  }

  /** Writes each document again at a fresh position under a new lease, if the stored one still
   *  carries `seq`: one that does not was written since, by a writer whose own fence covers it. */
  async function republish(book: string, items: { seq: number; doc: StoredDoc }[]): Promise<void> {
    const lease = await acquire(book);
    let next = lease.head + 1;
    const landed: Landed[] = [];
    try {
      const current = await Promise.all(items.map((it) => Contacts.findById(it.doc._id).lean<StoredDoc>()));
      const writes = items.flatMap((it, k) =>
        current[k]?.seq === it.seq ? [{ doc: { ...it.doc, seq: next++ }, read: current[k] }] : [],
      );
      landed.push(...(await replaceContacts(book, lease, writes)).done);
    } finally {
      await releaseAndSettle(book, lease, next - 1, landed);
    }
  }

  async function getContact(book: string, uid: string): Promise<StoredContact | null> {
    const doc = await Contacts.findById(docId(book, uid)).lean<ContactDoc>();
    if (!doc || doc.deleted) return null;
    return { uid: doc.uid, etag: doc.etag, seq: doc.seq, contact: doc.contact as Contact };
  }

  /** A chunk's entries (those `keep` accepts) in log order, each with its contact document and
   *  whether that document still carries the entry's position; undefined when there is no chunk. */
  async function chunkEntries(book: string, c: number, keep: (p: number) => boolean = () => true) {
    const chunk = await LogChunk.findById(chunkId(book, c)).lean();
    if (!chunk) return undefined;
    const entries = chunk.entries
      .map((e) => ({ p: e.p ?? 0, u: e.u ?? "" }))
      .filter((e) => keep(e.p))
      .sort((a, b) => a.p - b.p);
    const docs = await Promise.all(entries.map((e) => Contacts.findById(docId(book, e.u)).lean<ContactDoc>()));
    return entries.map((e, k) => ({ ...e, doc: docs[k], current: docs[k]?.seq === e.p }));
  }

  /** Reads valid log entries after position `after`, up to `limit` of them. */
  async function readLog(book: string, head: number, after: number, limit: number, withTombstone: (p: number) => boolean) {
    const docs: ContactDoc[] = [];
    let cursor = after;
    while (docs.length < limit && cursor < head) {
      const c = chunkOf(cursor + 1);
      const from = cursor;
      const entries = (await chunkEntries(book, c, (p) => p > from && p <= head)) ?? [];
      let full = false;
      for (const e of entries) {
        if (e.current && (!e.doc!.deleted || withTombstone(e.p))) docs.push(e.doc!);
        cursor = e.p;
        if (docs.length === limit) {
          full = true;
          break;
        }
      }
      if (!full) cursor = Math.min(head, (c + 1) * CHUNK_SIZE - 1);
    }
    return { docs, cursor, more: cursor < head };
  }

  /** RFC 6578-style change feed: no token means every live contact (and the deletions made while
   *  the pages are read); an unknown or purged token is 410. */
  async function changesSince(book: string, since: string | undefined, limit: number): Promise<ChangePage> {
    const { head, horizon } = await published(book);
    const from: Token =
      since === undefined ? { p: 0, fullSince: horizon, start: head } : (decodeToken(book, since) ?? { p: Infinity });
    const expired = from.fullSince === undefined ? from.p < horizon : from.fullSince < horizon;
    if (from.p > head || expired) throw syncTokenExpired();
    const full = from.fullSince !== undefined;
    // A full read skips tombstones of deletions made before it began (the reader never had
    // those contacts), but delivers those made since, which may remove contacts it delivered.
    const start = from.start ?? 0;
    const { docs, cursor, more } = await readLog(book, head, from.p, limit, (p) => !full || p > start);
    return {
      changes: docs.map(toChange),
      // A finished full read hands out an ordinary token: from here on, deletions matter.
      token: encodeToken(book, more && full ? { p: cursor, fullSince: from.fullSince, start } : { p: cursor }),
      more,
    };
  }

  /** The stored version of each uid the book knows, live or tombstone; unknown uids are left out. */
  async function lookup(book: string, uids: string[]): Promise<Change[]> {
    await published(book); // a 404 for a book that does not exist
    const find = (uid: string) => Contacts.findById(docId(book, uid)).lean<ContactDoc>();
    const docs = await Promise.all([...new Set(uids)].map(find));
    return docs.flatMap((d) => (d ? [toChange(d)] : []));
  }

  /** Every live contact, paged by an opaque cursor. */
  async function listContacts(book: string, cursor: string | undefined, limit: number): Promise<{ contacts: StoredContact[]; cursor: string | null }> {
    const { head } = await published(book);
    const after = cursor === undefined ? 0 : decodeToken(book, cursor)?.p;
    // A listing cursor never expires (nothing it skips is purged): one this book never handed out is bad input.
    if (after === undefined || after > head) throw badRequest("The cursor is not one this listing handed out; list again without it");
    const page = await readLog(book, head, after, limit, () => false);
    return {
      contacts: page.docs.map((d) => ({ uid: d.uid, etag: d.etag, seq: d.seq, contact: d.contact as Contact })),
      cursor: page.more ? encodeToken(book, { p: page.cursor }) : null,
    };
  }

  /** Drops tombstones deleted before `before`; tokens issued before the newest of them then get 410.
   *  The lease is held throughout, so no writer can bring a uid back while its tombstone goes. */
  async function purgeTombstones(book: string, before: Date): Promise<number> {
    // A maintenance pass, so a scan of the book's tombstones is acceptable here.
    const candidates = await Contacts.find({ book, deleted: true, deletedAt: { $lt: before } }).lean<ContactDoc[]>();
    let purged = 0;
    for (let start = 0; start < candidates.length; start += PURGE_PER_LEASE) {
      const lease = await acquire(book);
      let horizon = lease.horizon;
      try {
        // Re-read under the lease: a tombstone may have become a live contact again.
        const found = await Promise.all(candidates.slice(start, start + PURGE_PER_LEASE).map((d) => Contacts.findById(d._id).lean<ContactDoc>()));
        const old = found.filter((d): d is ContactDoc => Boolean(d?.deleted && d.deletedAt && new Date(d.deletedAt) < before));
        if (old.length === 0) continue;
        // Raise the horizon before deleting: a token that might miss a deletion must get 410.
        horizon = Math.max(horizon, ...old.map((d) => d.seq));
        await leases.amend(book, lease.n, { owner: lease.owner, until: lease.until, released: false, base: lease.head, head: lease.head, horizon });
        await assertLeaseHeld(book, lease);
        for (const d of old) await Contacts.deleteOne({ _id: d._id });
        purged += old.length;
      } finally {
        await release(book, lease, lease.head, horizon);
      }
    }
    return purged;
  }

  /** Drops log entries that no reader would deliver any more (superseded versions, purged
   *  tombstones), chunk by chunk under the lease, so full reads stop paying for them. Positions
   *  do not move: every token stays valid. Returns the number of entries dropped. */
  async function compactLog(book: string): Promise<number> {
    let dropped = 0;
    for (let c = 0; ; c += COMPACT_CHUNKS_PER_LEASE) {
      const lease = await acquire(book);
      try {
        // Only chunks wholly at or below the head: a writer may still fill the last one.
        const last = Math.min(c + COMPACT_CHUNKS_PER_LEASE, chunkOf(lease.head + 1));
        if (c >= last) return dropped;
        for (let k = c; k < last; k++) dropped += await compactChunk(book, k, lease);
      } finally {
        await release(book, lease, lease.head);
      }
    }
  }

  async function compactChunk(book: string, c: number, lease: Held): Promise<number> {
    const entries = await chunkEntries(book, c);
    if (!entries) return 0;
    const live = entries.filter((e) => e.current).map(({ p, u }) => ({ p, u }));
    if (live.length === entries.length) return 0;
    await assertLeaseHeld(book, lease, true);
    if (live.length === 0) await LogChunk.deleteOne({ _id: chunkId(book, c) });
    else await LogChunk.updateOne({ _id: chunkId(book, c) }, { $set: { entries: live } });
    return entries.length - live.length;
  }

  return { createBook, applyWrites, getContact, lookup, changesSince, listContacts, purgeTombstones, compactLog };
}

function toChange(d: ContactDoc): Change {
  const modifiedAt = new Date(d.updatedAt).toISOString();
  const change = { uid: d.uid, etag: d.etag, deleted: Boolean(d.deleted), modifiedAt };
  return d.deleted ? change : { ...change, contact: d.contact as Contact };
}

type Decision = { result: OpResult; write?: "put" | "delete" };

/** What one op does, given the stored document (if any). */
type Stored = Pick<ContactDoc, "etag" | "deleted"> | null;
function decide(op: WriteOp, current: Stored, etag: string, retrySafe: boolean): Decision {
  const live = current && !current.deleted ? current : null;
  if (op.op === "put") {
    const unchanged: Decision = { result: { uid: op.uid, status: "unchanged", etag } };
    if (op.ifNoneMatch && live) return { result: { uid: op.uid, status: "conflict", etag: live.etag, error: "a contact with this uid exists" } };
    // A retry-safe put whose content is already stored is unchanged before If-Match is checked:
    // RFC 9110 §13.1.1 lets a server answer 2xx when it sees the request has already succeeded.
    if (retrySafe && live?.etag === etag) return unchanged;
    if (op.ifMatch && live?.etag !== op.ifMatch) return { result: { uid: op.uid, status: "conflict", etag: live?.etag, error: "If-Match does not match the stored version" } };
    if (live?.etag === etag) return unchanged;
    return { result: { uid: op.uid, status: live ? "updated" : "created", etag }, write: "put" };
  }
  // A retried delete finds its own tombstone: report it unchanged, never a conflict.
  if (!live) {
    if (op.ifMatch && current?.etag !== op.ifMatch) return { result: { uid: op.uid, status: "conflict", error: "If-Match does not match the stored version", missing: !current } };
    return { result: { uid: op.uid, status: "unchanged", missing: !current } };
  }
  if (op.ifMatch && live.etag !== op.ifMatch) return { result: { uid: op.uid, status: "conflict", etag: live.etag, error: "If-Match does not match the stored version" } };
  return { result: { uid: op.uid, status: "deleted", etag: live.etag }, write: "delete" };
}
