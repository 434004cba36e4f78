// What one sync leaves for the next to read again, and reading it. The saved feed positions advance
// after every sync that read both sides, so whatever that sync did not finish would never be
// reported again by the change feeds; it is kept as pending instead and read directly next time:
// - items whose writes failed, quarantined items, items deferred for a partial read;
// - every Outlook item the sync created or updated itself: one created after the saved delta state
//   and deleted before the next sync may never be reported by the delta, and would stay on the server.
// It also guards a whole-folder read: an item the listing missed (an unstable EWS offset listing)
// is read by id before its absence may count as a deletion.
import { contactSchema } from "../../core/contact/contact";
import type { ActionResult } from "../../core/sync/run-sync";
import type { Plan, SyncStatus } from "../../core/sync/sync-types";
import type { FolderRead, OutlookContactStore } from "../outlook/outlook-store";
import type { Change, ChangeFeed, ServerApi } from "../server-api";
import type { Pending } from "./pair-state";

const unique = <T>(values: Iterable<T>) => [...new Set(values)];

/**
 * The Outlook read with the pending items read again by id and merged in as reported: found ones as
 * changed items, missing ones as removed. After a whole-folder read, the status's items the listing
 * did not return are read by id instead, and the ones still there are added to the read.
 */
export async function withPendingOutlook<Wire>(
  store: OutlookContactStore<Wire>,
  folderId: string,
  read: FolderRead<Wire>,
  pending: Pending | undefined,
  status: SyncStatus,
  wholeRead: boolean,
): Promise<FolderRead<Wire>> {
  const listed = new Set(read.items.map((item) => item.id));
  // A whole-folder read, complete or not (an EWS listing that never held still comes back not full):
  // every status item it did not list is read by id, found ones added, missing ones confirmed removed.
  if (wholeRead) {
    const unlisted = unique(status.entries.map((entry) => entry.outlookId)).filter((id) => !listed.has(id));
    if (!unlisted.length) return read;
    const { items, missing } = await store.getItems(folderId, unlisted);
    return {
      ...read,
      items: [...read.items, ...items],
      removed: read.full ? read.removed : unique([...read.removed, ...missing]),
    };
  }
  const ids = unique(pending?.outlookIds ?? []);
  if (!ids.length) return read;
  // Read after the delta, so what they say is the newer news about these ids.
  const { items, missing } = await store.getItems(folderId, ids);
  const reread = new Set([...items.map((item) => item.id), ...missing]);
  return {
    ...read,
    items: [...read.items.filter((item) => !reread.has(item.id)), ...items],
    removed: unique([...read.removed.filter((id) => !reread.has(id)), ...missing]),
  };
}

/**
 * The feed with the pending uids looked up and appended as the latest changes: live ones as changes,
 * tombstones as deletions, and uids the server does not know at all (never stored, or their
 * tombstone purged) as deletions too. A whole read already holds every live contact.
 */
export async function withPendingServer(
  api: Pick<ServerApi, "lookup">,
  book: string,
  feed: ChangeFeed,
  pending: Pending | undefined,
): Promise<ChangeFeed> {
  const uids = unique(pending?.uids ?? []).filter(isUid);
  if (feed.full || !uids.length) return feed;
  const found = await api.lookup(book, uids);
  const known = new Set(found.map((change) => change.uid));
  const unknown = uids.filter((uid) => !known.has(uid)).map((uid): Change => ({ uid, etag: "", deleted: true }));
  return { ...feed, changes: [...feed.changes, ...found, ...unknown] };
}

/**
 * On a first sync (an empty status) the Outlook items that carry a Concord uid the server does not
 * list may have been deleted on the server since: their tombstones tell, and reconcile then offers
 * them as deletions instead of uploading them again.
 */
export async function tombstonedUids<Wire>(
  api: Pick<ServerApi, "lookup">,
  book: string,
  status: SyncStatus,
  read: FolderRead<Wire>,
  feed: ChangeFeed,
): Promise<string[]> {
  if (status.entries.length) return [];
  const live = new Set(feed.changes.filter((change) => !change.deleted).map((change) => change.uid));
  const stamped = unique(
    read.items.flatMap((item) => (item.concordUid && !live.has(item.concordUid) ? [item.concordUid] : [])),
  ).filter(isUid);
  if (!stamped.length) return [];
  return (await api.lookup(book, stamped)).filter((change) => change.deleted).map((change) => change.uid);
}

export type Reported = { outlookIds: string[]; uids: string[] };

/** What the next sync must read again after this one ran `plan` with `results`. */
export function nextPending(plan: Plan, results: ActionResult[], reported: Reported): Pending {
  const outlookIds = new Set<string>();
  const uids = new Set<string>();
  const actions = new Map(plan.actions.map((action) => [action.uid, action]));
  for (const result of results) {
    const action = actions.get(result.uid);
    if (!result.ok) {
      uids.add(result.uid);
      if (action?.outlookId) outlookIds.add(action.outlookId);
    } else if ((action?.outlook === "create" || action?.outlook === "update") && result.outlookId) {
      outlookIds.add(result.outlookId);
    }
  }
  // Kept in Outlook, never on the server (pull): read again each time, so they are still named, and
  // uploaded once the book becomes writable.
  for (const item of plan.unsynced) outlookIds.add(item.outlookId);
  for (const q of plan.quarantined) {
    // An Outlook item's own uid may be one the server would refuse to look up; its id is enough.
    if (q.outlookIds?.length) q.outlookIds.forEach((id) => outlookIds.add(id));
    else uids.add(q.uid);
  }
  // A deferred item is not named in the plan: everything this sync was told about is read again.
  if (plan.counts.deferred > 0) {
    reported.outlookIds.forEach((id) => outlookIds.add(id));
    reported.uids.forEach((uid) => uids.add(uid));
  }
  return { outlookIds: [...outlookIds], uids: [...uids].filter(isUid) };
}

const isUid = (uid: string) => contactSchema.shape.uid.safeParse(uid).success;
