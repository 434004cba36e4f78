// A compare-and-set that holds on FerretDB too. FerretDB v1 runs every update
// and findAndModify as read, then write, with nothing in between to stop a
// concurrent writer, so a filter such as {lock: null} guards nothing. What is
// atomic there, as on MongoDB, is the unique _id on insert. So a value that
// must change under compare-and-set is a chain of immutable versions
// `${key}#1`, `${key}#2`, … and a change is the insert of the next version:
// of two writers that read version n, exactly one inserts n + 1.
//
// Finding the newest version starts at a lower bound and walks forward: a hint
// written after each insert, or the newest version this process saw when the
// hint is not past it. Both are read at once, so it costs one round trip of
// lookups by _id when at most one version came since, two when more did.
import { isDuplicateKey } from "../db/duplicate-key";
import type { mongo } from "mongoose";

type Collection<T extends mongo.Document> = mongo.Collection<T>;
type Document = mongo.Document;

export const KEEP_VERSIONS = 3;
const WALK_LIMIT = 64;
const SEEN_MAX = 10_000;

export type Version<V> = { n: number; value: V };

type VersionDoc = { _id: string; key: string; n: number; value: unknown };
type HintDoc = { _id: string; n: number };

export function versionChain<V extends Document>(versions: Collection<Document>, hints: Collection<Document>) {
  const vcol = versions as unknown as Collection<VersionDoc>;
  const hcol = hints as unknown as Collection<HintDoc>;
  const get = (key: string, n: number) => vcol.findOne({ _id: `${key}#${n}` });
  // The newest version this process saw of each key; forgotten wholesale past SEEN_MAX keys
  // (import jobs and pairings come and go), which costs a round trip, nothing else.
  const seen = new Map<string, number>();

  async function latest(key: string): Promise<Version<V> | null> {
    const found = await newest(key);
    if (!found) seen.delete(key);
    else {
      if (seen.size >= SEEN_MAX && !seen.has(key)) seen.clear();
      seen.set(key, found.n);
    }
    return found;
  }

  async function newest(key: string): Promise<Version<V> | null> {
    const hint = hcol.findOne({ _id: key }).then((h) => h?.n ?? 0);
    let doc: VersionDoc | null = null;
    let n = seen.get(key) ?? 0;
    if (n > 0) {
      const [h, at, next, after] = await Promise.all([hint, get(key, n), get(key, n + 1), get(key, n + 2)]);
      doc = after ?? next ?? at;
      // A version the hint is past may be a late insert about to be withdrawn (see append), and
      // none found means the ones seen were trimmed away: either way, start at the hint.
      if (!doc || h > doc.n) {
        doc = null;
        n = h;
      } else if (!after) return { n: doc.n, value: doc.value as V };
      else n = doc.n;
    } else n = await hint;
    if (n > 0 && !doc) {
      // Usually the hint is current or one behind: read it and the two after it at once.
      const [at, next, after] = await Promise.all([get(key, n), get(key, n + 1), get(key, n + 2)]);
      doc = after ?? next ?? at;
      if (doc && !after) return { n: doc.n, value: doc.value as V };
      // The hinted version was trimmed away: newer ones exist just ahead of it.
      for (let step = 3; !doc && step <= WALK_LIMIT; step++) doc = await get(key, n + step);
      if (!doc) doc = (await vcol.find({ key }).sort({ n: -1 }).limit(1).toArray())[0] ?? null;
      if (doc) n = doc.n;
    }
    for (;;) {
      const [next, after] = await Promise.all([get(key, n + 1), get(key, n + 2)]);
      if (!next) break;
      doc = after ?? next;
      n = doc.n;
      if (!after) break;
    }
    return doc ? { n: doc.n, value: doc.value as V } : null;
  }

  /** Whether version n is still the newest, in one round trip. A later version is at n + 1, or was
   *  trimmed away after the hint moved past n; n itself is trimmed only after three more exist. */
  async function isLatest(key: string, n: number): Promise<boolean> {
    const [hint, at, next] = await Promise.all([hcol.findOne({ _id: key }), get(key, n), get(key, n + 1)]);
    return Boolean(at) && !next && (hint?.n ?? 0) <= n;
  }

  /** Inserts version n; false when another writer inserted it first. `onTrim` sees the versions dropped as too old. */
  async function append(
    key: string,
    n: number,
    value: V,
    onTrim?: (old: V, kept: V[]) => Promise<void>,
  ): Promise<boolean> {
    try {
      await vcol.insertOne({ _id: `${key}#${n}`, key, n, value });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    // A writer that read version n - 1 long ago can insert n after n was trimmed
    // away. Trimming n follows the insert of n + KEEP_VERSIONS and the hint moving
    // there, so such a late insert is withdrawn, never mistaken for the newest
    // version. (A hint merely at n + 1 is a writer that already built on ours.) The hint moves
    // with $max, so a writer that is slow to get here does not move it back.
    const hint = await hcol.findOneAndUpdate({ _id: key }, { $max: { n } }, { upsert: true }).catch((err) => {
      if (!isDuplicateKey(err)) throw err; // a racing first hint; either value is a valid lower bound
      return null;
    });
    if (hint && hint.n >= n + KEEP_VERSIONS) {
      await vcol.deleteOne({ _id: `${key}#${n}` });
      return false;
    }
    if (n <= KEEP_VERSIONS) return true;
    // Awaited: the version after ours is built once our trim landed, so where writers take turns (a
    // lease holder's do) versions go in order, and latest() walks forward from the hint over no gaps.
    const old = await vcol.findOneAndDelete({ _id: `${key}#${n - KEEP_VERSIONS}` });
    if (old && onTrim) await onTrim(old.value as V, await keptFrom(key, n - KEEP_VERSIONS + 1));
    return true;
  }

  /** What a trim keeps: the versions after the trimmed one, ours among them, and the newest ones,
   *  which differ when the trim ran late (its writer stalled while others went on). */
  async function keptFrom(key: string, from: number): Promise<V[]> {
    const top = Math.max((await latest(key))?.n ?? 0, from + KEEP_VERSIONS);
    const ns = new Set(Array.from({ length: KEEP_VERSIONS + 1 }, (_, k) => [from + k, top - k]).flat());
    const docs = await Promise.all([...ns].sort((a, b) => a - b).map((n) => get(key, n)));
    return docs.flatMap((d) => (d ? [d.value as V] : []));
  }

  /** Changes a version in place. Only its inserter may do this, so no one races it. */
  async function amend(key: string, n: number, value: V): Promise<void> {
    await vcol.updateOne({ _id: `${key}#${n}` }, { $set: { value } });
  }

  return { latest, isLatest, append, amend };
}
