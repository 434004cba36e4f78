// Writes under the book's lease: log entries first, contact documents second, the new head
// published last as the lease is released; a late write is repaired after the fact (see the
// header of store/contact-store.ts for why and how).
import { contentHash } from "../../../core/contact/content-hash";
import type { Contact } from "../../../core/contact/contact";
import type { BookInit, OpResult, WriteOp, WriteOptions } from "../contract";
import { changedFields } from "./changed-fields";
import { asPrev, docId, type StoreContext, type StoredDoc } from "./context";
import { decide, repeatedUids } from "./decide";
import type { Held, Leases } from "./lease";
import type { ContactLog } from "./log";

const REFUSED = "the database refused the write";
const TAKEN_OVER = "another writer took over this address book while this write was under way; retry it";

/** A contact document to write, and the stored one it was decided on (under the lease). */
type Planned = { i?: number; doc: StoredDoc; read?: StoredDoc | null };
/** A written contact document, and the one it replaced. A blind insert has no `read`. */
type Landed = Planned & { before: StoredDoc | null };
type Put = Extract<WriteOp, { op: "put" }>;
type Blind = { op: Put; i: number; p: number; etag: string };
/** A request waiting for its turn on the book. */
type Waiting = {
  ops: WriteOp[];
  options: WriteOptions;
  resolve: (results: OpResult[]) => void;
  reject: (err: unknown) => void;
};
/** One op of a group, with its request's options. */
type Item = { op: WriteOp; retrySafe: boolean; user: string | null };

/** A group commit takes waiting requests in order while their uids stay distinct (an op on a uid
 *  must see the one before it written) and their ops stay within one batch's size. */
const GROUP_OPS = 1000;
function takeGroup(queue: Waiting[]): Waiting[] {
  const uids = new Set<string>();
  let ops = 0;
  const group: Waiting[] = [];
  for (const w of queue) {
    const clash = w.ops.some((op) => uids.has(op.uid));
    if (group.length > 0 && (clash || ops + w.ops.length > GROUP_OPS)) break;
    group.push(w);
    ops += w.ops.length;
    for (const op of w.ops) uids.add(op.uid);
  }
  return group;
}

/** What the instance's cache (store/contact-cache.ts) is told of this instance's writes: that one
 *  begins, and each that published cleanly, with every visible version of the log range (from, head]. */
export type WriteListener = {
  writing(book: string): void;
  published(book: string, from: number, head: number, docs: StoredDoc[]): void;
};

export function createWrites(ctx: StoreContext, leases: Leases, log: ContactLog, listener?: WriteListener) {
  const { models, clock, hooks } = ctx;
  const Contacts = models.ContactDoc;

  /** The log first, the book second: a book that is listed always has a log, even after a crash in between. */
  async function createBook(init: BookInit): Promise<void> {
    await leases.start(init.id);
    await models.Book.create({ _id: init.id, kind: init.kind, name: init.name, owner: init.owner ?? null });
  }

  /** A live version. `href` carries over from the version it replaces unless the op names one; `source`
   *  is the op's. Both are left out when null, as every reader takes a missing one for null: the
   *  database's cost of a write grows with each value it holds. */
  function newDoc(book: string, op: Put, seq: number, etag: string, prior?: StoredDoc | null): StoredDoc {
    const href = op.href ?? prior?.href ?? null;
    const source = op.source ?? null;
    const contact: Contact | null = op.contact;
    return {
      _id: docId(book, op.uid),
      book,
      uid: op.uid,
      seq,
      etag,
      deleted: false,
      deletedAt: null,
      updatedAt: clock(),
      contact,
      ...(href ? { href } : {}),
      ...(source ? { source } : {}),
    };
  }

  /** A deleted contact keeps its uid, position, last etag and href, so retried deletes and change
   *  feeds can see it, and its content and who deleted it, so it can be restored until it is purged. */
  function tombstone(book: string, prior: StoredDoc, seq: number, deletedBy: string | null): StoredDoc {
    const now = clock();
    const { uid, etag, href = null, source = null, contact } = prior;
    return {
      _id: docId(book, uid),
      book,
      uid,
      seq,
      etag,
      deleted: true,
      deletedAt: now,
      updatedAt: now,
      contact,
      href,
      source,
      deletedBy,
    };
  }

  /** Applies each op atomically on its own; one op's failure never blocks another. With `retrySafe`,
   *  a put whose content is already stored is unchanged whatever its If-Match, so a batch retried
   *  after its first try landed answers as it did then; without it, If-Match is strict, as
   *  read-modify-write clients (a counter) need. */
  function applyWrites(book: string, ops: WriteOp[], options: WriteOptions = {}): Promise<OpResult[]> {
    return new Promise((resolve, reject) => {
      const queue = waiting.get(book) ?? [];
      waiting.set(book, [...queue, { ops, options, resolve, reject }]);
      void drain(book);
    });
  }

  /** Writers on one book in this instance wait in one queue instead of polling the lease against
   *  each other (the lease only arbitrates between instances), and are written together (group
   *  commit): one lease, one log append and one round of document writes for all the requests
   *  waiting, so fifty clients cost little more than one. */
  const waiting = new Map<string, Waiting[]>();
  const draining = new Set<string>();
  async function drain(book: string): Promise<void> {
    if (draining.has(book)) return;
    draining.add(book);
    try {
      for (let queue = waiting.get(book); queue?.length; queue = waiting.get(book)) {
        const group = takeGroup(queue);
        waiting.set(book, queue.slice(group.length));
        listener?.writing(book);
        await commitGroup(book, group);
      }
    } finally {
      waiting.delete(book);
      draining.delete(book);
    }
  }

  async function commitGroup(book: string, group: Waiting[]): Promise<void> {
    try {
      const items = group.flatMap(({ ops, options }) =>
        ops.map((op) => ({ op, retrySafe: options.retrySafe ?? false, user: options.context?.user ?? null })),
      );
      const results = await applyNow(
        book,
        items,
        group.some((w) => w.options.context),
      );
      let at = 0;
      for (const w of group) {
        const mine = results.slice(at, (at += w.ops.length));
        w.resolve(w.options.context ? mine : mine.map(({ fields: _, ...r }) => r));
      }
    } catch (err) {
      for (const w of group) w.reject(err);
    }
  }

  async function applyNow(book: string, items: Item[], withFields: boolean): Promise<OpResult[]> {
    const ops = items.map((it) => it.op);
    const results = repeatedUids(ops);
    const acquiring = leases.acquire(book);
    // The etag is the hash of the normalized content, computed once per op, while the lease is being taken.
    const etags = await hashedWhile(acquiring, book, ops);
    const lease = await acquiring;
    let next = lease.head + 1;
    const landed: Landed[] = [];
    let clean = false;
    try {
      // Puts without If-Match are tried as plain inserts first: a new uid is the
      // common case (first syncs, imports), and an insert needs no read.
      const blind = ops.flatMap((op, i) =>
        op.op === "put" && !op.ifMatch && !results[i] ? [{ op, i, p: next++, etag: etags[i] }] : [],
      );
      const inserted = await insertNew(book, blind, lease);
      landed.push(...inserted);
      for (const w of inserted) {
        results[w.i!] = { uid: w.doc.uid, status: "created", etag: w.doc.etag };
        if (withFields) results[w.i!]!.fields = changedFields(null, w.doc.contact);
      }

      const rest = ops.flatMap((op, i) => (results[i] ? [] : [{ op, i }]));
      const current = await Promise.all(rest.map(({ op }) => Contacts.findById(docId(book, op.uid)).lean<StoredDoc>()));
      const writes: Planned[] = [];
      rest.forEach(({ op, i }, k) => {
        const decision = decide(op, current[k], etags[i], items[i].retrySafe);
        results[i] = decision.result;
        if (!decision.write) return;
        const p = next++;
        const doc =
          op.op === "put" ? newDoc(book, op, p, etags[i], current[k]) : tombstone(book, current[k]!, p, items[i].user);
        if (withFields)
          results[i]!.fields = changedFields(
            current[k]?.deleted ? null : current[k]?.contact,
            op.op === "put" ? op.contact : null,
          );
        writes.push({ i, doc, read: current[k] });
      });
      const { done, failed } = await replaceContacts(book, lease, writes);
      landed.push(...done);
      for (const w of failed) results[w.i!] = { uid: w.doc.uid, status: "error", error: REFUSED };
      clean = failed.length === 0;
    } finally {
      const clobbered = await releaseAndSettle(book, lease, next - 1, landed, clean);
      for (const w of clobbered) results[w.i!] = { uid: w.doc.uid, status: "error", busy: true, error: TAKEN_OVER };
    }
    return results.map((r, i) => r ?? { uid: ops[i].uid, status: "error", error: "not applied" });
  }

  /** The ops' etags; if hashing fails, the lease being taken for them is let go. */
  async function hashedWhile(acquiring: Promise<Held>, book: string, ops: WriteOp[]): Promise<string[]> {
    try {
      return ops.map((op) => (op.op === "put" ? contentHash(op.contact) : ""));
    } catch (err) {
      const lease = await acquiring.catch(() => null);
      if (lease) await leases.release(book, lease, lease.head);
      throw err;
    }
  }

  async function insertNew(book: string, blind: Blind[], lease: Held): Promise<Landed[]> {
    if (blind.length === 0) return [];
    await leases.assertHeld(book, lease);
    await log.append(
      book,
      blind.map((b) => ({ p: b.p, u: b.op.uid })),
    );
    await leases.assertHeld(book, lease, true);
    const docs = blind.map((b) => newDoc(book, b.op, b.p, b.etag));
    await leases.whilePaused(book, lease, () =>
      hooks.beforeContactWrite?.(
        book,
        docs.map((d) => d.uid),
      ),
    );
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
    await leases.assertHeld(book, lease);
    await log.append(
      book,
      writes.map((w) => ({ p: w.doc.seq, u: w.doc.uid })),
    );
    await leases.assertHeld(book, lease, true);
    await leases.whilePaused(book, lease, () =>
      hooks.beforeContactWrite?.(
        book,
        writes.map((w) => w.doc.uid),
      ),
    );
    // Each document keeps the version it replaces until the head covers it: readers see that one till then.
    const replace = (w: Planned) =>
      Contacts.collection.findOneAndReplace({ _id: w.doc._id } as never, { ...w.doc, prev: asPrev(w.read) } as never, {
        upsert: true,
        returnDocument: "before",
      });
    const outcomes = await Promise.allSettled(writes.map((w) => replace(w)));
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
  async function releaseAndSettle(
    book: string,
    lease: Held,
    head: number,
    landed: Landed[],
    clean = false,
  ): Promise<Landed[]> {
    const takenOver = landed.length > 0 && (await leases.takenOver(book, lease));
    await leases.release(book, lease, head);
    // Entries past the lease's head are ours alone; a failed op may have landed unseen (not clean).
    if (clean && !takenOver)
      listener?.published(
        book,
        lease.head,
        head,
        landed.map((w) => w.doc),
      );
    if (!takenOver) return [];
    // The taker-over rolled back what it found of ours past the head (crash recovery): those are
    // not written, so not acknowledged. A rolled-back document carries an older position than ours.
    const now = await Promise.all(landed.map((w) => Contacts.findById(w.doc._id).lean<StoredDoc>()));
    const rolledBack = landed.filter((w, k) => (now[k]?.seq ?? -1) < w.doc.seq);
    const clobbered = landed.filter((w) => w.read !== undefined && w.before && w.before.seq !== w.read?.seq);
    const kept = landed.filter((w) => !rolledBack.includes(w));
    await republish(
      book,
      kept.map((w) => ({ seq: w.doc.seq, doc: clobbered.includes(w) ? w.before! : w.doc })),
    );
    return [...new Set([...clobbered, ...rolledBack])];
  }

  /** Writes each document again at a fresh position under a new lease, if the stored one still
   *  carries `seq`: one that does not was written since, by a writer whose own fence covers it. */
  async function republish(book: string, items: { seq: number; doc: StoredDoc }[]): Promise<void> {
    const lease = await leases.acquire(book);
    let next = lease.head + 1;
    const landed: Landed[] = [];
    try {
      const current = await Promise.all(items.map((it) => Contacts.findById(it.doc._id).lean<StoredDoc>()));
      const writes = items.flatMap((it, k) =>
        current[k]?.seq === it.seq ? [{ doc: { ...it.doc, seq: next++, prev: null }, read: current[k] }] : [],
      );
      landed.push(...(await replaceContacts(book, lease, writes)).done);
    } finally {
      await releaseAndSettle(book, lease, next - 1, landed);
    }
  }

  return { createBook, applyWrites };
}
