// Whole-side snapshots for reconcile, built from incremental reads. reconcile compares complete
// sides against the status; the Outlook delta and the server change feed report only what changed
// since the last sync, so every item neither reports is the one the status recorded, unchanged
// (same changeKey, same etag). That holds because every item the last sync did not finish (failed,
// quarantined, deferred) and every Outlook item it wrote itself is kept pending and read again
// directly (the add-in's pending.ts), which adds it to the reported items here.
// That needs the content of each unchanged item, which the status keeps as bases (a status written
// without them, by an older version, makes the session read both sides whole once).
// Pure, so every sync client (the add-in, a SyncML or LDAP import) builds its sides with this one copy;
// the types below are the shapes it reads, which the clients' own read results satisfy.
import type { z } from "zod";
import type { changeSchema } from "../api/schemas";
import type { Contact } from "../contact/contact";
import { baseOf, type OutlookItem, type ServerItem, type Snapshot, type SyncStatus } from "./sync-types";

/** The server's change feed as read: `full` when read from the start, so it lists every live contact. */
export type ServerChanges = { changes: z.infer<typeof changeSchema>[]; full: boolean };

/** An Outlook folder read: items in their wire form, ids known deleted, `full` for a whole-folder read. */
export type OutlookFolderRead<Wire> = {
  items: { id: string; changeKey: string; lastModified?: string; concordUid?: string; wire: Wire }[];
  removed: string[];
  full: boolean;
};

/** Reads an Outlook item's wire form as a Contact; with `base`, what Outlook cannot hold comes from it. */
export type WireReader<Wire> = { read(wire: Wire, uid: string, base?: Contact): Contact };

export const statusHoldsContent = (status: SyncStatus) => status.entries.every((entry) => entry.baseJson !== undefined);

/**
 * `feed.changes` in the order they happened: the last change of a uid wins. `deletedUids`: uids the
 * server holds tombstones of that the status does not know (a first sync's check of stamped items).
 */
export function serverSnapshot(
  feed: ServerChanges,
  status: SyncStatus,
  deletedUids: string[] = [],
): Snapshot<ServerItem> {
  const last = new Map(feed.changes.map((c) => [c.uid, c]));
  const live = [...last.values()].flatMap((c) =>
    c.deleted || !c.contact ? [] : [{ contact: c.contact, etag: c.etag, modifiedAt: c.modifiedAt }],
  );
  const known = deletedUids.length ? { deletedUids } : {};
  if (feed.full) return { items: live, complete: true, ...known };
  const reported = new Set(last.keys());
  const unchanged = status.entries.flatMap((entry): ServerItem[] => {
    const base = reported.has(entry.uid) ? undefined : baseOf(entry);
    return base ? [{ contact: base, etag: entry.serverEtag, hash: entry.baseHash }] : [];
  });
  return { items: [...unchanged, ...live], complete: true, ...known };
}

// A stand-in uid for reading an item Concord has not stamped yet; removed again before reconcile sees it.
const unstamped = "concord-unstamped";

export function outlookSnapshot<Wire>(
  read: OutlookFolderRead<Wire>,
  status: SyncStatus,
  codec: WireReader<Wire>,
  serverByUid: Map<string, Contact>,
): Snapshot<OutlookItem> {
  const byUid = new Map(status.entries.map((entry) => [entry.uid, entry]));
  const byOutlookId = new Map(status.entries.map((entry) => [entry.outlookId, entry]));
  const baseFor = (entry: SyncStatus["entries"][number] | undefined) => (entry ? baseOf(entry) : undefined);
  const items = read.items.map((item): OutlookItem => {
    const uid = item.concordUid;
    const base =
      (uid === undefined ? undefined : (baseFor(byUid.get(uid)) ?? serverByUid.get(uid))) ??
      baseFor(byOutlookId.get(item.id));
    const { uid: _read, ...contact } = codec.read(item.wire, uid ?? base?.uid ?? unstamped, base);
    return {
      id: item.id,
      contact: uid === undefined ? contact : { ...contact, uid },
      changeKey: item.changeKey || undefined,
      modifiedAt: item.lastModified,
    };
  });
  if (read.full) return { items, complete: true };
  const reported = new Set([...read.items.map((item) => item.id), ...read.removed]);
  const unchanged = status.entries.flatMap((entry): OutlookItem[] => {
    const base = reported.has(entry.outlookId) ? undefined : baseOf(entry);
    return base
      ? [{ id: entry.outlookId, contact: base, hash: entry.outlookHash, changeKey: entry.outlookChangeKey }]
      : [];
  });
  return { items: [...unchanged, ...items], complete: true };
}
