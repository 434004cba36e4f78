// A book's change log: entries {p, u}, "uid u changed at position p", kept in chunk documents
// of CHUNK_SIZE entries. Readers deliver an entry only when the contact document still carries
// that position, so an entry whose write never landed, or that a later write superseded, is skipped.
import type { ContactDoc } from "../../db/models";
import { docId, fromPrev, type StoreContext, type StoredDoc, visibleAt } from "./context";

export const CHUNK_SIZE = 256;

type Entry = { p: number; u: string };
/** Entries are stored as one text of [p, u] pairs per append and chunk: one database value, where
 *  an object per entry costs FerretDB three, and the log is written on every write. Chunks written
 *  before hold one {p, u} object per entry; both are read alike. */
type StoredEntries = string | { p?: number | null; u?: string | null };
const pack = (es: Entry[]) => JSON.stringify(es.map((e) => [e.p, e.u]));
const unpack = (stored: StoredEntries[]): Entry[] =>
  stored.flatMap((s) =>
    typeof s === "string"
      ? (JSON.parse(s) as [number, string][]).map(([p, u]) => ({ p, u }))
      : [{ p: s.p ?? 0, u: s.u ?? "" }],
  );
const entriesOf = (chunk: { entries: unknown[] }) => unpack(chunk.entries as StoredEntries[]);
export const chunkId = (book: string, chunk: number) => `${book}:${chunk}`;
export const chunkOf = (p: number) => Math.floor(p / CHUNK_SIZE);

export function createLog({ models }: StoreContext) {
  const { ContactDoc: Contacts, LogChunk } = models;

  /** Crash recovery, by the holder that took over from a writer that died: every contact document
   *  the dead writer wrote past the published `head` gets back the version it replaced (a contact it
   *  created is removed), so all of its batch is undone. Returns the last position it wrote, which
   *  the next holder moves past: those entries stay in the log, and no document carries them. */
  async function rollBackAfter(book: string, head: number): Promise<number> {
    let last = head;
    for (let c = chunkOf(head + 1); ; c++) {
      const chunk = await LogChunk.findById(chunkId(book, c)).lean();
      if (!chunk) return last;
      const dead = entriesOf(chunk).filter((e) => e.p > head);
      for (const e of dead) last = Math.max(last, e.p);
      await Promise.all(dead.map((e) => rollBack(book, e)));
    }
  }

  async function rollBack(book: string, { p, u }: Entry): Promise<void> {
    const doc = await Contacts.findById(docId(book, u)).lean<StoredDoc>();
    if (doc?.seq !== p) return; // never written, or rolled back already
    if (doc.prev) await Contacts.collection.replaceOne({ _id: doc._id } as never, fromPrev(doc, doc.prev) as never);
    else await Contacts.collection.deleteOne({ _id: doc._id } as never);
  }

  /** Appends log entries. A chunk this append starts from its first position is new, so it is
   *  inserted whole (one write for all such chunks); only a partly filled chunk needs a $push. */
  async function append(book: string, entries: Entry[]): Promise<void> {
    const byChunk = new Map<number, Entry[]>();
    for (const e of entries) {
      const c = chunkOf(e.p);
      byChunk.get(c)?.push(e) ?? byChunk.set(c, [e]);
    }
    const fresh = [...byChunk].filter(([c, es]) => es[0].p === c * CHUNK_SIZE);
    const partial = [...byChunk].filter(([c, es]) => es[0].p !== c * CHUNK_SIZE);
    const push = ([c, es]: [number, Entry[]]) =>
      LogChunk.updateOne(
        { _id: chunkId(book, c) },
        { $push: { entries: pack(es) }, $setOnInsert: { book } },
        { upsert: true },
      );
    const docs = fresh.map(([c, es]) => ({ _id: chunkId(book, c) as never, book, entries: [pack(es)] }));
    const inserted = fresh.length
      ? LogChunk.collection.insertMany(docs, { ordered: false }).then(
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

  /** A chunk's entries (those `keep` accepts) in log order, each with its contact document as a
   *  reader of `head` sees it and whether that version still carries the entry's position;
   *  undefined when there is no chunk. */
  async function chunkEntries(book: string, c: number, head: number, keep: (p: number) => boolean = () => true) {
    const chunk = await LogChunk.findById(chunkId(book, c)).lean();
    if (!chunk) return undefined;
    const entries = entriesOf(chunk)
      .filter((e) => keep(e.p))
      .sort((a, b) => a.p - b.p);
    const find = (e: Entry) => Contacts.findById(docId(book, e.u)).lean<StoredDoc>();
    const docs = (await Promise.all(entries.map(find))).map((d) => visibleAt(d, head) as ContactDoc | null);
    return entries.map((e, k) => ({ ...e, doc: docs[k], current: docs[k]?.seq === e.p }));
  }

  /** Reads valid log entries after position `after`, up to `limit` of them. */
  async function read(book: string, head: number, after: number, limit: number, withTombstone: (p: number) => boolean) {
    const docs: ContactDoc[] = [];
    let cursor = after;
    while (docs.length < limit && cursor < head) {
      const c = chunkOf(cursor + 1);
      const from = cursor;
      const entries = (await chunkEntries(book, c, head, (p) => p > from && p <= head)) ?? [];
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

  /** Keeps only the chunk's entries a reader would still deliver; drops the chunk when none are left. */
  async function keepCurrent(book: string, c: number, live: Entry[]): Promise<void> {
    if (live.length === 0) await LogChunk.deleteOne({ _id: chunkId(book, c) });
    else await LogChunk.updateOne({ _id: chunkId(book, c) }, { $set: { entries: [pack(live)] } });
  }

  return { rollBackAfter, append, chunkEntries, read, keepCurrent };
}

export type ContactLog = ReturnType<typeof createLog>;
