// Whole-side snapshots for reconcile, built from incremental reads. reconcile compares complete
// sides against the status; the Outlook delta and the server change feed report only what changed
// since the last sync, so every item neither reports is the one the status recorded, unchanged
// (same changeKey, same etag). That holds because every item the last sync did not finish (failed,
// quarantined, deferred) and every Outlook item it wrote itself is kept pending and read again
// directly (pending.ts), which adds it to the reported items here.
// That needs the content of each unchanged item, which the status keeps as bases (a status written
// without them, by an older version, makes the session read both sides whole once).
import type { Contact } from "../../core/contact/contact";
import { baseOf, type OutlookItem, type ServerItem, type Snapshot, type SyncStatus } from "../../core/sync/sync-types";
import type { FolderRead } from "../outlook/outlook-store";
import type { ChangeFeed } from "../server-api";
import type { OutlookCodec } from "./outlook-codec";

export const statusHoldsContent = (status: SyncStatus) => status.entries.every((entry) => entry.baseJson !== undefined);

/**
 * `feed.changes` in the order they happened: the last change of a uid wins. `deletedUids`: uids the
 * server holds tombstones of that the status does not know (a first sync's check of stamped items).
 */
export function serverSnapshot(feed: ChangeFeed, status: SyncStatus, deletedUids: string[] = []): Snapshot<ServerItem> {
  const last = new Map(feed.changes.map((c) => [c.uid, c]));
  const live = [...last.values()].flatMap((c) => (c.deleted || !c.contact ? [] : [{ contact: c.contact, etag: c.etag, modifiedAt: c.modifiedAt }]));
  const known = deletedUids.length ? { deletedUids } : {};
  if (feed.full) return { items: live, complete: true, ...known };
  const reported = new Set(last.keys());
  const unchanged = status.entries
    .flatMap((entry): ServerItem[] => {
      const base = reported.has(entry.uid) ? undefined : baseOf(entry);
      return base ? [{ contact: base, etag: entry.serverEtag, hash: entry.baseHash }] : [];
    });
  return { items: [...unchanged, ...live], complete: true, ...known };
}

// A stand-in uid for reading an item Concord has not stamped yet; removed again before reconcile sees it.
const unstamped = "concord-unstamped";

export function outlookSnapshot<Wire>(read: FolderRead<Wire>, status: SyncStatus, codec: OutlookCodec<Wire>, serverByUid: Map<string, Contact>): Snapshot<OutlookItem> {
  const byUid = new Map(status.entries.map((entry) => [entry.uid, entry]));
  const byOutlookId = new Map(status.entries.map((entry) => [entry.outlookId, entry]));
  const baseFor = (entry: SyncStatus["entries"][number] | undefined) => (entry ? baseOf(entry) : undefined);
  const items = read.items.map((item): OutlookItem => {
    const uid = item.concordUid;
    const base = (uid === undefined ? undefined : baseFor(byUid.get(uid)) ?? serverByUid.get(uid)) ?? baseFor(byOutlookId.get(item.id));
    const { uid: _read, ...contact } = codec.read(item.wire, uid ?? base?.uid ?? unstamped, base);
    return { id: item.id, contact: uid === undefined ? contact : { ...contact, uid }, changeKey: item.changeKey || undefined, modifiedAt: item.lastModified };
  });
  if (read.full) return { items, complete: true };
  const reported = new Set([...read.items.map((item) => item.id), ...read.removed]);
  const unchanged = status.entries
    .flatMap((entry): OutlookItem[] => {
      const base = reported.has(entry.outlookId) ? undefined : baseOf(entry);
      return base ? [{ id: entry.outlookId, contact: base, hash: entry.outlookHash, changeKey: entry.outlookChangeKey }] : [];
    });
  return { items: [...unchanged, ...items], complete: true };
}
