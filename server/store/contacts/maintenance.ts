// Maintenance passes, not requests: purging old tombstones and compacting the log, each a few
// chunks or tombstones per lease so writers are never held off for long.
import type { ContactDoc } from "../../db/models";
import type { StoreContext } from "./context";
import type { Held, Leases } from "./lease";
import { chunkOf, type ContactLog } from "./log";

const PURGE_PER_LEASE = 500;
const COMPACT_CHUNKS_PER_LEASE = 4;

export function createMaintenance({ models }: StoreContext, leases: Leases, log: ContactLog) {
  const Contacts = models.ContactDoc;

  /** Drops tombstones deleted before `before`; tokens issued before the newest of them then expire.
   *  The lease is held throughout, so no writer can bring a uid back while its tombstone goes. */
  async function purgeTombstones(book: string, before: Date): Promise<number> {
    // A maintenance pass, so a scan of the book's tombstones is acceptable here.
    const candidates = await Contacts.find({ book, deleted: true, deletedAt: { $lt: before } }).lean<ContactDoc[]>();
    let purged = 0;
    for (let start = 0; start < candidates.length; start += PURGE_PER_LEASE) {
      const lease = await leases.acquire(book);
      let horizon = lease.horizon;
      try {
        // Re-read under the lease: a tombstone may have become a live contact again.
        const batch = candidates.slice(start, start + PURGE_PER_LEASE);
        const found = await Promise.all(batch.map((d) => Contacts.findById(d._id).lean<ContactDoc>()));
        const old = found.filter((d): d is ContactDoc =>
          Boolean(d?.deleted && d.deletedAt && new Date(d.deletedAt) < before),
        );
        if (old.length === 0) continue;
        // Raise the horizon before deleting: a token that might miss a deletion must expire.
        horizon = Math.max(horizon, ...old.map((d) => d.seq));
        await leases.raiseHorizon(book, lease, horizon);
        await leases.assertHeld(book, lease);
        for (const d of old) await Contacts.deleteOne({ _id: d._id });
        purged += old.length;
      } finally {
        await leases.release(book, lease, lease.head, horizon);
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
      const lease = await leases.acquire(book);
      try {
        // Only chunks wholly at or below the head: a writer may still fill the last one.
        const last = Math.min(c + COMPACT_CHUNKS_PER_LEASE, chunkOf(lease.head + 1));
        if (c >= last) return dropped;
        for (let k = c; k < last; k++) dropped += await compactChunk(book, k, lease);
      } finally {
        await leases.release(book, lease, lease.head);
      }
    }
  }

  async function compactChunk(book: string, c: number, lease: Held): Promise<number> {
    const entries = await log.chunkEntries(book, c, lease.head);
    if (!entries) return 0;
    const live = entries.filter((e) => e.current).map(({ p, u }) => ({ p, u }));
    if (live.length === entries.length) return 0;
    await leases.assertHeld(book, lease, true);
    await log.keepCurrent(book, c, live);
    return entries.length - live.length;
  }

  /** Scans every contact document (maintenance, not a request): tombstones keep their photo too,
   *  as a restore brings it back. */
  async function photoHashes(): Promise<Set<string>> {
    const docs = await models.ContactDoc.find({}, { "contact.photo.hash": 1 }).lean<
      { contact?: { photo?: { hash?: string } } }[]
    >();
    return new Set(docs.flatMap((d) => (d.contact?.photo?.hash ? [d.contact.photo.hash] : [])));
  }

  return { purgeTombstones, compactLog, photoHashes };
}
