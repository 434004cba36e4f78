// Checkpoints of a book's contents, so that a full read costs a few part lookups plus the log
// since the checkpoint, never one lookup per contact.
//
// A checkpoint is every version a reader at log position `p` could be given (live contacts and
// the tombstones past the horizon), in log order, cut into parts. Parts are immutable documents
// under an id derived from what they hold (each version is named by its uid and position, which
// no other version shares; see runId), so successive checkpoints store unchanged parts once. Cut points are
// chosen by the content too (a hash of the version names), so a change moves only the cut points
// near it: an import appends parts, an edit rewrites the part it left and the last part.
//
// The checkpoint head is the next version of the book's checkpoint chain (store/version-chain.ts),
// inserted after its parts: parts without a head are invisible, so a writer killed mid-way leaves
// the previous checkpoint whole. A checkpoint is only a faster way to read what the log and the
// contact documents already say: losing one costs time, never data.
import { promisify } from "node:util";
import { deflateRaw, inflateRaw } from "node:zlib";
import type { Contact } from "../../../core/contact/contact";
import { insertOr } from "../../db/duplicate-key";
import type { Models } from "../../db/models";
import { versionChain } from "../version-chain";

/** One contact version as a reader sees it (what toStored and toChange need). */
export type Version = {
  uid: string;
  seq: number;
  etag: string;
  deleted: boolean;
  updatedAt: Date;
  contact: Contact | null;
  href: string | null;
  source: string | null;
};

/** A version as a checkpoint keeps it: its contact as JSON text, null for a tombstone. The cache
 *  keeps contacts as text too, so writing and loading a checkpoint turn no contact into an object
 *  and back. */
export type StoredVersion = Omit<Version, "contact"> & { text: string | null };

/** A run of versions stored as one or more part documents (more when its text is too long for one). */
type Group = { id: string; parts: string[]; count: number };
export type Checkpoint = { p: number; horizon: number; groups: Group[] };

// About 1,000 versions a part on average (cut where a version's name hashes to 0 modulo this).
const TARGET_PART_VERSIONS = 1024;
const MAX_PART_VERSIONS = 4 * TARGET_PART_VERSIONS;
// Text of one part before it is deflated: its deflated bytes stay well under the 16 MiB of a BSON document.
const MAX_PART_CHARS = 12 * 1024 * 1024;
const LOAD_ATTEMPTS = 3;

// The contact's text is `j`; parts written before it hold the contact itself (`c`), and are read still.
type Encoded = {
  u: string;
  s: number;
  e: string;
  d?: 1;
  t: number;
  j?: string;
  c?: Contact | null;
  h?: string;
  o?: string;
};

// Parts are deflated (fast level, on libuv's thread pool): the database stores and reads a
// fraction of the bytes, which is what a checkpoint costs it.
const deflate = (text: string) => promisify(deflateRaw)(Buffer.from(text), { level: 1 });
const inflate = async (data: Uint8Array) => (await promisify(inflateRaw)(data)).toString("utf8");
const bytesOf = (data: unknown): Uint8Array =>
  data instanceof Uint8Array ? data : (data as { buffer: Uint8Array }).buffer; // a driver Binary

const encode = (v: StoredVersion): Encoded => ({
  u: v.uid,
  s: v.seq,
  e: v.etag,
  ...(v.deleted ? { d: 1 as const } : {}),
  t: new Date(v.updatedAt).getTime(),
  ...(v.deleted || v.text === null ? {} : { j: v.text }),
  ...(v.href ? { h: v.href } : {}),
  ...(v.source ? { o: v.source } : {}),
});
const decode = (e: Encoded): StoredVersion => ({
  uid: e.u,
  seq: e.s,
  etag: e.e,
  deleted: e.d === 1,
  updatedAt: new Date(e.t),
  text: e.d === 1 ? null : (e.j ?? (e.c ? JSON.stringify(e.c) : null)),
  href: e.h ?? null,
  source: e.o ?? null,
});

/** FNV-1a from a given basis, then murmur3's finalizer so the low bits mix too: cheap, and the
 *  same in every process, so every instance cuts a book alike. */
function hash32(text: string, basis: number): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// A version's name (uid and position) hashed twice, once per version object: a checkpoint of a
// large book then costs a pass over numbers, not over strings.
const names = new WeakMap<StoredVersion, [number, number]>();
function nameHashes(v: StoredVersion): [number, number] {
  let h = names.get(v);
  if (!h) names.set(v, (h = [hash32(`${v.uid}\0${v.seq}`, 0x811c9dc5), hash32(`${v.seq}\0${v.uid}`, 0x1b873593)]));
  return h;
}

/** Cuts versions (in log order) into runs whose ends depend only on the versions near them. */
export function cutIntoRuns(versions: StoredVersion[]): StoredVersion[][] {
  const runs: StoredVersion[][] = [];
  let run: StoredVersion[] = [];
  for (const v of versions) {
    run.push(v);
    if (nameHashes(v)[0] % TARGET_PART_VERSIONS === 0 || run.length === MAX_PART_VERSIONS) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

/** A run's id: its first and last positions, its size, and two sums of its versions' name hashes.
 *  The versions of a range of positions only ever leave it (a newer version takes a new position),
 *  so positions and size all but pin what a run holds, and the sums tell apart the rare runs that
 *  lost different versions. */
function runId(book: string, run: StoredVersion[]): string {
  let a = 0;
  let b = 0;
  for (const v of run) {
    const [h1, h2] = nameHashes(v);
    a = (a + h1) >>> 0;
    b = (b + h2) >>> 0;
  }
  return `${book}@${run[0].seq}-${run[run.length - 1].seq}-${run.length}-${a.toString(36)}-${b.toString(36)}`;
}

/** A run's texts: one, or halves of it when it is too long for one document (the same halves every time). */
function texts(run: StoredVersion[]): string[] {
  const text = JSON.stringify(run.map(encode));
  if (text.length <= MAX_PART_CHARS || run.length === 1) return [text];
  const half = Math.ceil(run.length / 2);
  return [...texts(run.slice(0, half)), ...texts(run.slice(half))];
}

export function createCheckpoints(models: Models) {
  const chain = versionChain<Checkpoint>(models.BookCheckpoint.collection, models.BookCheckpointHint.collection);
  const Parts = models.CheckpointPart;

  /** The newest checkpoint and its versions in log order, or null when the book has none. A
   *  part dropped under us (an old checkpoint trimmed while we read it) means a newer one exists. */
  async function load(book: string): Promise<{ checkpoint: Checkpoint; versions: StoredVersion[] } | null> {
    for (let attempt = 1; ; attempt++) {
      const cur = await chain.latest(book);
      if (!cur) return null;
      const ids = cur.value.groups.flatMap((g) => g.parts);
      // Each part is parsed as soon as it arrives, while the others are still being read.
      const readPart = async (id: string) => {
        const doc = await Parts.collection.findOne({ _id: id as never });
        return doc ? (JSON.parse(await inflate(bytesOf(doc.data))) as Encoded[]).map(decode) : undefined;
      };
      const parts = await Promise.all(ids.map(readPart));
      if (parts.every(Boolean)) return { checkpoint: cur.value, versions: parts.flat() as StoredVersion[] };
      if (attempt === LOAD_ATTEMPTS) throw new Error(`A part of the checkpoint of ${book} is missing`);
    }
  }

  async function storeRun(run: StoredVersion[], id: string): Promise<Group> {
    const bodies = texts(run);
    const parts = await Promise.all(
      bodies.map(async (text, k) => ({ _id: bodies.length === 1 ? id : `${id}.${k}`, data: await deflate(text) })),
    );
    // Stored already (same id, same content) is fine.
    for (const part of parts) await insertOr(Parts.collection.insertOne(part as never), () => undefined);
    return { id, parts: parts.map((p) => p._id), count: run.length };
  }

  async function dropUnused(old: Checkpoint, kept: Checkpoint[]): Promise<void> {
    const live = new Set(kept.flatMap((c) => c.groups.flatMap((g) => g.parts)));
    for (const id of old.groups.flatMap((g) => g.parts)) if (!live.has(id)) await Parts.deleteOne({ _id: id });
  }

  /** Stores a checkpoint of `versions` (log order) as of position p; runs a known checkpoint holds
   *  are not written again. Returns the newest checkpoint afterwards (ours, or a newer one that
   *  won), or "too-costly" without writing when more than `budget` versions would be written. */
  async function write(
    book: string,
    p: number,
    horizon: number,
    versions: StoredVersion[],
    known: Checkpoint | null,
    budget = Infinity,
  ): Promise<Checkpoint | null | "too-costly"> {
    const reusable = new Map((known?.groups ?? []).map((g) => [g.id, g]));
    const runs = cutIntoRuns(versions).map((run) => ({ run, id: runId(book, run) }));
    const toWrite = runs.reduce((n, { run, id }) => n + (reusable.has(id) ? 0 : run.length), 0);
    if (toWrite > budget) return "too-costly";
    const groups: Group[] = [];
    for (const { run, id } of runs) groups.push(reusable.get(id) ?? (await storeRun(run, id)));
    const cur = await chain.latest(book);
    if (cur && cur.value.p >= p) return cur.value;
    const mine: Checkpoint = { p, horizon, groups };
    if (!(await chain.append(book, (cur?.n ?? 0) + 1, mine, dropUnused)))
      return (await chain.latest(book))?.value ?? null;
    // A reused part may have been dropped by a trim between our decision and our head (or one
    // running late, or be missing as a writer before us died before it put its own back); now
    // that our head names it, no trim drops it again, so put back any that went. Looked up all
    // at once: a large book reuses a hundred runs.
    const reused = runs.flatMap(({ run, id }) => {
      const group = reusable.get(id);
      return group ? [{ run, id, group }] : [];
    });
    const missing = await Promise.all(
      reused.map(async ({ group }) =>
        (await Promise.all(group.parts.map((part) => Parts.exists({ _id: part })))).some((x) => !x),
      ),
    );
    for (const [k, { run, id }] of reused.entries()) if (missing[k]) await storeRun(run, id);
    return mine;
  }

  return { load, write };
}

export type Checkpoints = ReturnType<typeof createCheckpoints>;

/** Removes a deleted book's checkpoints: its chain, then its parts (a scan of part ids: rare, and not a request). */
export async function dropCheckpoints(models: Models, book: string): Promise<void> {
  await models.BookCheckpoint.deleteMany({ key: book });
  await models.BookCheckpointHint.deleteOne({ _id: book });
  const prefix = book.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await models.CheckpointPart.deleteMany({ _id: { $regex: `^${prefix}@` } });
}
