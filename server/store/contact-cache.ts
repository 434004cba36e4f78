// Each instance's cache of book contents, so full reads and searches run at memory speed while
// the database stays the only source of truth.
//
// - A cached book is every version a reader at log position `pos` (a published head) could be
//   given: live contacts and tombstones, by uid, and in log order.
// - Every read first asks the lease for the published head (a couple of lookups by _id) and
//   brings the cache up to it by reading the log since `pos` through the log's own reader, the
//   one that decides which entries are visible. So a read on this instance sees a write another
//   instance acknowledged before the read began, and costs O(changes since) database reads.
// - A book not cached is loaded from its newest checkpoint (store/contacts/checkpoints.ts: a
//   few part lookups) plus the log since. A write made on this instance is applied straight
//   away when it continues the cached position, so its writer need not read it back.
// - Versions are applied only forward: a uid keeps the version with the highest position, and
//   `pos` moves only over a range whose every visible version was applied. A refresh racing a
//   write or another refresh therefore loses nothing: the later one brings what is missing.
// - After enough changes, the cache writes a new checkpoint in the background (one per book at
//   a time; a checkpoint only saves time, so a lost or failed one costs nothing but time).
// - Memory is bounded by a cap on cached versions: least recently used books are dropped. A
//   book larger than the cap is loaded for the request and dropped after it.
// - A cached version keeps its contact as JSON text, parsed again for the versions a read gives:
//   a string takes a third of the memory of the object tree it stands for (whose objects, built
//   by many requests, do not even share their hidden classes), and a full read parses a page of
//   1,000 contacts in a few milliseconds. The search index is built from it on the first search.
import type { Contact } from "../../core/contact/contact";
import type { ContactDoc } from "../db/models";
import type { Checkpoint, Checkpoints, StoredVersion, Version } from "./contacts/checkpoints";
import type { ContactLog } from "./contacts/log";
import { compareEntries, keyFor, matcher, searchable, startsFrom, type Searchable } from "./search-text";
import type { SearchQuery, SearchSort } from "./contract";

/** Changes since the last checkpoint before the cache writes a new one. */
export const CHECKPOINT_EVERY = 512;
// A pause in a book's writes this long lets the cache checkpoint it. Longer than the round trip
// between two batches of an import (its client reads the answer, then sends the next one).
const QUIET_MS = 1000;
// A batch this large rebuilds the search order instead of patching it.
const PATCH_SORTED_UP_TO = 256;

/** A cached version: its contact as JSON text, its time as a number (`t`). It is a checkpoint's
 *  StoredVersion as it is, so a checkpoint is written from the items themselves. */
type Item = {
  uid: string;
  seq: number;
  etag: string;
  deleted: boolean;
  t: number;
  text: string | null;
  href: string | null;
  source: string | null;
  s: Searchable | undefined;
  readonly updatedAt: Date;
};
type Book = {
  id: string;
  pos: number;
  horizon: number;
  items: Map<string, Item>;
  /** Items by position; an item whose uid has a newer one since is stale and skipped. */
  order: Item[];
  stale: number;
  /** Live items in each search order (by name, by company), each built on the first search in it. */
  sorted: Partial<Record<SearchSort, Item[]>>;
  /** How many items are live (not tombstones). */
  live: number;
  checkpoint: Checkpoint | null;
  /** Position at which to try a checkpoint next (later after one was skipped as too costly). */
  checkpointAt: number;
};

export type CacheDeps = {
  log: Pick<ContactLog, "read">;
  checkpoints: Checkpoints;
  /** Most versions kept across all books. */
  maxVersions: number;
  /** Called when a background checkpoint fails (the cache goes on without it). */
  onError?: (err: unknown) => void;
};

type DocLike = Pick<ContactDoc, "uid" | "seq" | "etag" | "updatedAt"> & {
  deleted?: boolean | null;
  contact?: unknown;
  href?: string | null;
  source?: string | null;
};

/** A tombstone keeps its deleted content in the database (for restore), but readers of the cache
 *  and checkpoints never get it: dropping it keeps a book that once held many contacts as light
 *  as what it holds now. */
export const versionOf = (d: DocLike): Version => ({
  uid: d.uid,
  seq: d.seq,
  etag: d.etag,
  deleted: Boolean(d.deleted),
  updatedAt: new Date(d.updatedAt),
  contact: d.deleted ? null : ((d.contact as Version["contact"]) ?? null),
  href: d.href ?? null,
  source: d.source ?? null,
});

const contactOf = (item: Item): Contact | null => (item.text === null ? null : (JSON.parse(item.text) as Contact));

// A checkpoint rewrites only the runs of versions that changed since the last one (checkpoints.ts)
// and reads only the uid and position of the others: items are its versions, as they are.
const asStored = {
  get updatedAt(): Date {
    return new Date((this as unknown as Item).t);
  },
};

function itemOf(v: StoredVersion): Item {
  const item = Object.create(asStored) as Item;
  item.uid = v.uid;
  item.seq = v.seq;
  item.etag = v.etag;
  item.deleted = v.deleted;
  item.t = new Date(v.updatedAt).getTime();
  item.text = v.deleted ? null : v.text;
  item.href = v.href;
  item.source = v.source;
  item.s = undefined;
  return item;
}

/** A version read from the log or written here, as an item: its contact turned into JSON once. */
const itemFrom = (v: Version): Item =>
  itemOf({ ...v, text: v.deleted || !v.contact ? null : JSON.stringify(v.contact) });

/** The version an item stands for, as a plain object, its contact parsed: each read gets objects of its own. */
const versionFrom = (item: Item): Version => ({
  uid: item.uid,
  seq: item.seq,
  etag: item.etag,
  deleted: item.deleted,
  updatedAt: new Date(item.t),
  contact: contactOf(item),
  href: item.href,
  source: item.source,
});

const searchOf = (item: Item) => (item.s ??= searchable(item.uid, contactOf(item)!));
const keyOf = (item: Item, sort?: SearchSort) => ({ key: keyFor(searchOf(item), sort), uid: item.uid });

/** Live items in search order (sort key, then uid). */
function sortedLive(b: { items: Map<string, Item> }, sort: SearchSort): Item[] {
  const live = [...b.items.values()].filter((it) => !it.deleted);
  for (const it of live) searchOf(it);
  return live.sort((x, y) => compareEntries(keyOf(x, sort), keyOf(y, sort)));
}

/** First index whose item sorts after `at` (items sorted by `cmp`). */
function firstAfter<T>(items: T[], cmp: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(items[mid]) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createContactCache({ log, checkpoints, maxVersions, onError }: CacheDeps) {
  // Map order is recency: a used book is moved to the end, the first one is evicted.
  const books = new Map<string, Book>();
  const inflight = new Map<string, Promise<Book>>();
  const checkpointing = new Map<string, Promise<void>>();

  const isCurrent = (b: Book, item: Item) => b.items.get(item.uid) === item;

  function touch(b: Book): Book {
    if (books.get(b.id) === b) {
      books.delete(b.id);
      books.set(b.id, b);
    }
    return b;
  }

  function evict(): void {
    let total = 0;
    for (const b of books.values()) total += b.items.size;
    for (const [id, b] of books) {
      if (total <= maxVersions) break;
      books.delete(id);
      total -= b.items.size;
    }
  }

  function newBook(id: string, checkpoint: Checkpoint | null): Book {
    const pos = checkpoint?.p ?? 0;
    return {
      id,
      pos,
      horizon: checkpoint?.horizon ?? 0,
      items: new Map(),
      order: [],
      stale: 0,
      sorted: {},
      live: 0,
      checkpoint,
      checkpointAt: pos + CHECKPOINT_EVERY,
    };
  }

  function putItem(b: Book, item: Item): void {
    const old = b.items.get(item.uid);
    if (old && old.seq >= item.seq) return;
    b.items.set(item.uid, item);
    const last = b.order[b.order.length - 1];
    if (!last || last.seq < item.seq) b.order.push(item);
    else
      b.order.splice(
        firstAfter(b.order, (it) => it.seq - item.seq),
        0,
        item,
      );
    if (old) b.stale++;
    b.live += (item.deleted ? 0 : 1) - (old && !old.deleted ? 1 : 0);
    for (const [sort, sorted] of Object.entries(b.sorted) as [SearchSort, Item[]][]) {
      if (old && !old.deleted)
        sorted.splice(firstAfter(sorted, (it) => compareEntries(keyOf(it, sort), keyOf(old, sort))) - 1, 1);
      if (!item.deleted)
        sorted.splice(
          firstAfter(sorted, (it) => compareEntries(keyOf(it, sort), keyOf(item, sort))),
          0,
          item,
        );
    }
  }

  /** Applies every visible version of the log range (from, to]; false when the cache is not at
   *  `from` yet (a gap it cannot fill from these). */
  function apply(b: Book, from: number, to: number, versions: Version[]): boolean {
    if (from > b.pos) return false;
    if (versions.length > PATCH_SORTED_UP_TO) b.sorted = {};
    for (const v of versions) if ((b.items.get(v.uid)?.seq ?? -1) < v.seq) putItem(b, itemFrom(v));
    b.pos = Math.max(b.pos, to);
    if (b.stale > 1024 && b.stale * 2 > b.order.length) {
      b.order = b.order.filter((it) => isCurrent(b, it));
      b.stale = 0;
    }
    return true;
  }

  async function refresh(b: Book, head: number): Promise<Book> {
    const from = b.pos;
    if (from >= head) return b;
    const { docs } = await log.read(b.id, head, from, Infinity, () => true);
    apply(b, from, head, docs.map(versionOf));
    return b;
  }

  async function load(id: string, head: number, horizon: number): Promise<Book> {
    // A checkpoint that cannot be read only costs time: the log alone says the same.
    const loaded = await checkpoints.load(id).catch((err) => {
      onError?.(err);
      return null;
    });
    const b = newBook(id, loaded?.checkpoint ?? null);
    // Tombstones at or below the horizon are never given to a reader whose token is still valid.
    for (const v of loaded?.versions ?? []) if (!v.deleted || v.seq > horizon) putItem(b, itemOf(v));
    books.set(id, b);
    evict();
    return refresh(b, head);
  }

  /** The book as of a published head at least `head`: loaded or brought up to date as needed. */
  async function at(id: string, head: number, horizon: number): Promise<Book> {
    for (;;) {
      const b = books.get(id);
      if (b && b.pos >= head) {
        b.horizon = Math.max(b.horizon, horizon);
        return touch(b);
      }
      const running = inflight.get(id);
      if (running) {
        await running.catch(() => undefined);
        continue;
      }
      const job = (b ? refresh(b, head) : load(id, head, horizon)).finally(() => inflight.delete(id));
      inflight.set(id, job);
      const done = await job;
      done.horizon = Math.max(done.horizon, horizon);
      maybeCheckpoint(done);
      touch(done);
      evict(); // this book last: it goes only when it alone is over the cap (then this request still has it)
      return done;
    }
  }

  /** A write this instance made and published, (base, head]: applied when it continues the cache. */
  function published(id: string, base: number, head: number, versions: Version[]): void {
    let b = books.get(id);
    if (!b && base === 0 && !inflight.has(id)) {
      b = newBook(id, null); // an empty log: nothing to load
      books.set(id, b);
    }
    if (!b || !apply(b, base, head, versions)) return;
    touch(b);
    evict();
    checkpointWhenQuiet(b);
  }

  /** While writes keep coming (an import), a checkpoint waits for a pause, so it does not compete
   *  with them, unless the changes since the last one grow past a quarter of the book. A pause
   *  starts when a write is published and ends when the next one begins. */
  const quiet = new Map<string, { timer: NodeJS.Timeout; b: Book }>();
  function writing(id: string): void {
    clearTimeout(quiet.get(id)?.timer);
    quiet.delete(id);
  }
  function checkpointWhenQuiet(b: Book): void {
    writing(b.id);
    if (b.pos - (b.checkpoint?.p ?? 0) >= Math.max(4 * CHECKPOINT_EVERY, b.items.size / 4)) return maybeCheckpoint(b);
    const timer = setTimeout(() => quiet.delete(b.id) && maybeCheckpoint(b), QUIET_MS);
    timer.unref();
    quiet.set(b.id, { timer, b });
  }

  function maybeCheckpoint(b: Book, force = false): void {
    if (b.pos < b.checkpointAt || checkpointing.has(b.id)) return;
    const job = checkpointNow(b, force)
      .catch((err) => {
        b.checkpointAt = b.pos + CHECKPOINT_EVERY; // not again at once
        onError?.(err);
      })
      .finally(() => {
        checkpointing.delete(b.id);
        if (books.get(b.id) === b) maybeCheckpoint(b);
      });
    checkpointing.set(b.id, job);
  }

  /** Writes a checkpoint of the book as cached now. When it would rewrite far more than changed
   *  (edits spread over a large book), it waits for more changes first, doubling the wait. */
  async function checkpointNow(b: Book, force: boolean): Promise<void> {
    const p = b.pos;
    const since = p - (b.checkpoint?.p ?? 0);
    const versions: StoredVersion[] = b.order.filter((it) => isCurrent(b, it) && (!it.deleted || it.seq > b.horizon));
    const budget = force || since * 8 >= versions.length ? Infinity : 4096 + 16 * since;
    const written = await checkpoints.write(b.id, p, b.horizon, versions, b.checkpoint, budget);
    if (written === "too-costly") {
      b.checkpointAt = p + since;
      return;
    }
    if (written && written.p > (b.checkpoint?.p ?? -1)) b.checkpoint = written;
    b.checkpointAt = Math.max(p, b.checkpoint?.p ?? 0) + CHECKPOINT_EVERY;
  }

  /** Writes a checkpoint of the book now (maintenance, tests): false when the book has no changes
   *  since its last one. */
  async function checkpoint(id: string, head: number, horizon: number): Promise<boolean> {
    const b = await at(id, head, horizon);
    await checkpointing.get(id);
    if (b.checkpoint && b.checkpoint.p >= b.pos) return false;
    b.checkpointAt = b.pos;
    maybeCheckpoint(b, true);
    await checkpointing.get(id);
    return true;
  }

  /** A page of the book in log order after position `after`, as the log would give it: the items
   *  themselves, their contacts as text, so a reader parses only what it reads. */
  function page(b: Book, after: number, limit: number, withTombstone: (p: number) => boolean) {
    const versions: Readonly<StoredVersion>[] = [];
    for (let i = firstAfter(b.order, (it) => it.seq - after); i < b.order.length && versions.length < limit; i++) {
      const it = b.order[i];
      if (!isCurrent(b, it) || (it.deleted && !withTombstone(it.seq))) continue;
      versions.push(it);
    }
    const cursor = versions.length === limit ? versions[limit - 1].seq : b.pos;
    return { versions, cursor, more: cursor < b.pos };
  }

  /** Live versions matching the query in its order after `after` (else from `query.from`), up to
   *  `limit`, and whether more match. */
  function search(b: Book, query: SearchQuery, limit: number, after?: { key: string; uid: string }) {
    const sort = query.sort ?? "name";
    const sorted = (b.sorted[sort] ??= sortedLive(b, sort));
    const match = matcher(query);
    const found: Item[] = [];
    const from = startsFrom(query.from);
    const start = after
      ? firstAfter(sorted, (it) => compareEntries(keyOf(it, sort), after))
      : from
        ? firstAfter(sorted, (it) => (keyOf(it, sort).key < from ? 0 : 1))
        : 0;
    for (let i = start; i < sorted.length && found.length <= limit; i++) {
      if (match(searchOf(sorted[i]))) found.push(sorted[i]);
    }
    const more = found.length > limit;
    const hits = found.slice(0, limit);
    return { versions: hits.map(versionFrom), last: more ? keyOf(hits[hits.length - 1], sort) : null };
  }

  /** Live contacts in the book. */
  const countLive = (b: Book) => b.live;

  /** Starts the checkpoints waiting for a pause, and resolves when no background checkpoint is running. */
  async function settled(): Promise<void> {
    for (const [id, { timer, b }] of quiet) {
      clearTimeout(timer);
      quiet.delete(id);
      maybeCheckpoint(b);
    }
    while (checkpointing.size) await Promise.all(checkpointing.values());
  }

  const size = () => ({ books: books.size, versions: [...books.values()].reduce((n, b) => n + b.items.size, 0) });

  return { at, writing, published, page, search, countLive, checkpoint, settled, size };
}

export type ContactCache = ReturnType<typeof createContactCache>;
