// The reconcile decision table: given the status of the last sync and fresh snapshots
// of Outlook and the server, decide what to write where. It only plans; core/run-sync.ts
// executes. Same spirit as vdirsyncer's sync (itself after "How OfflineIMAP works"):
// compare each side against the status, not against each other. Every action carries the
// id of the row that produced it (type Row); the rows, by mode:
//
// A pair the status knows. "same"/"changed" compare a side with the status (content hash,
// changeKey/etag as shortcuts); "gone" is absent from a COMPLETE read (absent from an
// incomplete read, the pair is deferred).
//   two-way          | server same          | server changed                 | server gone
//   Outlook same     | (nothing), or        | server-changed                 | server-deleted
//                    | server-etag-moved /  |                                |
//                    | outlook-changekey-   |                                |
//                    | moved (bookkeeping)  |                                |
//   Outlook changed  | outlook-changed      | both-changed-alike, or         | server-deleted-outlook-changed
//                    |                      | both-changed-merged            | (delete-wins: server-deleted)
//   Outlook gone     | outlook-deleted      | outlook-deleted-server-changed | both-deleted
//                    |                      | (delete-wins: outlook-deleted) |
//   pull: Outlook becomes a copy of the server, the server is never written.
//     both same: as two-way; Outlook same + server changed: server-changed; Outlook changed:
//     pull-revert-outlook; server gone: pull-delete-outlook; Outlook gone: pull-restore-outlook;
//     both gone: both-deleted.
//   publish: the server becomes a copy of the Outlook folder (chosen only explicitly).
//     both same: as two-way; Outlook gone: publish-delete-server; server gone:
//     publish-create-server; otherwise publish-overwrite-server; both gone: both-deleted.
//
// Items the status does not know (planned only when both reads are complete):
//                              | two-way                | pull                  | publish
//   on both sides, matched     | matched-alike, or      | matched-alike, or     | matched-alike, or
//                              | matched-merged         | pull-revert-outlook   | publish-overwrite-server
//   Outlook only, never on the | outlook-new            | kept in place, listed | publish-create-server
//     server                   |                        | in plan.unsynced      |
//   Outlook only, stamped with | first sync: server-    | server-deleted-       | publish-create-server
//     a uid the server deleted | deleted-before-status; | before-status         |
//     (snapshot deletedUids)   | later: outlook-new     |                       |
//   server only                | server-new             | pull-create-outlook   | publish-delete-server
// Matching is by uid always (for an unstamped item, also the uid derived from its id); by
// primary e-mail, then full name, only on a first sync and only between compatible names.
// server-deleted-before-status deletes in Outlook and always needs the user's confirmation.
// An Outlook copy of a synced item (same uid, another id, the original still bound by id) is
// an item the status does not know, under a fresh uid derived from its id.
//
// What it is built against, from contact-sync bug trackers and issue 7:
// - mass deletes after an empty or failed read (CalDav Synchronizer #228, #65, #390):
//   a side missing from an incomplete snapshot is unknown, never deleted; an emptied side
//   or a delete above the threshold is refused until the caller confirms the deletions
//   by uid, and a confirmation never lets through a deletion it does not name;
// - ping-pong when a server or Outlook rewrites an item (vdirsyncer #257): change is a
//   content hash differing from the status, and the hash recorded for Outlook is the
//   one of what Outlook stored, not of what we sent;
// - duplicates after lost state or retried creates: unpaired items are matched by uid
//   (then, on a first sync, primary e-mail and full name); Outlook items get a uid derived
//   from their id, so a create retried after a lost status puts the same uid again;
// - two people merged into one: e-mail matching after the first sync would pair a shared
//   desk address with a colleague who uses it, so it is not done then;
// - deleted items coming back: a pair whose item is gone on one side and unchanged on the
//   other is deleted, and forgotten once gone on both; with the status lost, the server's
//   tombstones say which stamped Outlook items it deleted;
// - 403 loops on read-only books: pull mode plans no server write at all, and does not
//   delete what it cannot upload either (a contact the server never had is kept);
// - a failure in one direction turning into a delete in the other: run-sync records an
//   item only after all its writes succeeded, so a failed write is retried, not inverted.
import { contactSchema, type Contact } from "../contact/contact";
import { contentHash, hashText } from "../contact/content-hash";
import { mergeContacts, type Winner } from "../contact/merge";
import { countSides } from "./counts";
import { baseOf } from "./sync-types";
import type {
  Action,
  ConfirmedDeletes,
  ConflictPolicy,
  Conflict,
  Counts,
  DeleteVsChange,
  Deletion,
  OutlookContact,
  OutlookItem,
  Plan,
  Quarantine,
  Refusal,
  Row,
  ServerItem,
  Snapshot,
  StatusEntry,
  SyncMode,
  SyncStatus,
  UnsyncedItem,
} from "./sync-types";

export type ReconcileOptions = {
  mode?: SyncMode;
  policy?: ConflictPolicy;
  deleteVsChange?: DeleteVsChange;
  /** The deletions the user saw (a previous plan's `deletions`) and confirmed, by uid per side.
   *  Refusals then consider only deletions not named here; give it only after a user confirmed. */
  confirmedDeletes?: ConfirmedDeletes;
  dryRun?: boolean;
  /** Refuse when a side would lose more than `ratio` of its items and at least `min` of them. */
  massDelete?: { ratio: number; min: number };
};

type Context = {
  mode: SyncMode;
  policy: ConflictPolicy;
  deleteVsChange: DeleteVsChange;
  outlookComplete: boolean;
  serverComplete: boolean;
  /** The status has no entries: lost or never written. */
  firstSync: boolean;
  /** uids the server deleted that the status does not know (its snapshot's deletedUids). */
  deletedOnServer: Set<string>;
  hashOf: (item: OutlookItem | ServerItem) => string;
  actions: Action[];
  conflicts: Conflict[];
  unsynced: UnsyncedItem[];
  unchanged: number;
  deferred: number;
};

type State = "same" | "changed" | "gone";

export function reconcile(
  status: SyncStatus,
  outlook: Snapshot<OutlookItem>,
  server: Snapshot<ServerItem>,
  options: ReconcileOptions = {},
): Plan {
  const hashes = new WeakMap<object, string>();
  const ctx: Context = {
    mode: options.mode ?? "two-way",
    policy: options.policy ?? "server-wins",
    deleteVsChange: options.deleteVsChange ?? "change-wins",
    outlookComplete: outlook.complete,
    serverComplete: server.complete,
    firstSync: status.entries.length === 0,
    deletedOnServer: new Set(server.deletedUids),
    hashOf: (item) => {
      let hash = hashes.get(item) ?? item.hash;
      if (hash === undefined) hash = contentHash(item.contact as Contact);
      hashes.set(item, hash);
      return hash;
    },
    actions: [],
    conflicts: [],
    unsynced: [],
    unchanged: 0,
    deferred: 0,
  };

  const index = indexSides(status, outlook, server);
  const { outlookById, outlookByUid, serverByUid, entryUids, copies, quarantined } = index;
  const blocked = new Set(quarantined.map((q) => q.uid));

  // Bind each status entry to its Outlook item: by id first, then by uid (a moved item
  // gets a new id but keeps the uid property).
  const claimed = new Set<OutlookItem>();
  const bound: (OutlookItem | undefined)[] = status.entries.map((entry) => {
    const item = outlookById.get(entry.outlookId);
    if (item) claimed.add(item);
    return item;
  });
  status.entries.forEach((entry, i) => {
    if (bound[i] || blocked.has(entry.uid)) return;
    const item = outlookByUid.get(entry.uid);
    if (item && !claimed.has(item)) {
      claimed.add(item);
      bound[i] = item;
    }
  });

  status.entries.forEach((entry, i) => {
    if (!blocked.has(entry.uid)) decidePaired(ctx, entry, bound[i], serverByUid.get(entry.uid));
  });

  const newOutlook = outlook.items.flatMap((item): OutlookItem[] => {
    if (claimed.has(item) || outlookById.get(item.id) !== item) return [];
    // A copy of a synced item carries the original's uid; the original keeps it (it is bound by
    // id) and the copy is a new item: without the uid it gets the one derived from its own id.
    if (copies.has(item)) return [{ ...item, contact: { ...item.contact, uid: undefined } }];
    const uid = item.contact.uid;
    if (uid === undefined || !(blocked.has(uid) || entryUids.has(uid))) return [item];
    // Carries the uid of a pair the status binds by id to an item without that uid: which one
    // is the pair's is a guess.
    if (!blocked.has(uid)) quarantined.push({ uid, side: "outlook", reason: "duplicate-uid", outlookIds: [item.id] });
    return [];
  });
  const newServer = server.items.filter((item) => !blocked.has(item.contact.uid) && !entryUids.has(item.contact.uid));
  // Matching by e-mail or name needs both reads whole: an item missing from a partial
  // read may be the one already paired by uid, or the better match. And only on a first
  // sync: later, a new item on each side is two new contacts (a shared desk address is not
  // one person), while the same contact added on both sides still pairs by uid.
  const complete = outlook.complete && server.complete;
  const { pairs, outlookOnly, serverOnly } = matchNew(newOutlook, newServer, complete && ctx.firstSync);
  for (const [o, s] of pairs) decideMatched(ctx, o, s);
  if (!complete) ctx.deferred += outlookOnly.length + serverOnly.length;
  else {
    for (const o of outlookOnly) decideOutlookOnly(ctx, o);
    for (const s of serverOnly) decideServerOnly(ctx, s);
  }

  const deletions = deletionsOf(ctx.actions, outlookById, serverByUid);
  const limit = options.massDelete ?? { ratio: 0.1, min: 5 };
  return {
    mode: ctx.mode,
    dryRun: options.dryRun ?? false,
    actions: ctx.actions,
    conflicts: ctx.conflicts,
    counts: countActions(ctx),
    refusals: findRefusals(status, outlook, server, ctx.actions, deletions, options.confirmedDeletes, limit),
    quarantined,
    deletions,
    unsynced: ctx.unsynced,
  };
}

// ---- The table for a pair the status knows ----
//
// two-way        | server same          | server changed             | server gone
// Outlook same   | nothing              | update Outlook             | delete in Outlook
// Outlook changed| put to the server    | merge, write where needed  | put back (change wins)
// Outlook gone   | delete on the server | restore in Outlook         | forget the pair
//
// pull makes Outlook a copy of the server (never writing the server); publish makes
// the server a copy of the Outlook folder. An item absent from an incomplete read is
// neither same, changed nor gone: the pair waits for a complete read.

function outlookState(ctx: Context, entry: StatusEntry, item: OutlookItem | undefined): State {
  if (!item) return "gone";
  // An unchanged changeKey is proof enough; a moved one still needs the hash to
  // tell a real edit from Outlook re-saving the item.
  if (item.changeKey !== undefined && item.changeKey === entry.outlookChangeKey) return "same";
  return ctx.hashOf(item) === entry.outlookHash ? "same" : "changed";
}

function serverState(ctx: Context, entry: StatusEntry, item: ServerItem | undefined): State {
  if (!item) return "gone";
  if (item.etag === entry.serverEtag) return "same";
  return ctx.hashOf(item) === entry.baseHash ? "same" : "changed";
}

function decidePaired(ctx: Context, entry: StatusEntry, o: OutlookItem | undefined, s: ServerItem | undefined): void {
  // Absent from an incomplete read means "not seen", not "deleted".
  if ((!o && !ctx.outlookComplete) || (!s && !ctx.serverComplete)) {
    ctx.deferred++;
    return;
  }
  const os = outlookState(ctx, entry, o);
  const ss = serverState(ctx, entry, s);
  const uid = entry.uid;

  if (os === "gone" && ss === "gone") return push(ctx, { uid, row: "both-deleted" });
  if (os === "same" && ss === "same") return keepOrRefresh(ctx, entry, o!, s!);
  if (ctx.mode === "pull") return pullFromServer(ctx, uid, o, s, os);
  if (ctx.mode === "publish") return publishOutlook(ctx, uid, o, s);

  // two-way
  if (ss === "gone") {
    // Deleted on the server. Unchanged in Outlook: delete there too. Changed in
    // Outlook: by default the change wins and the server gets it back.
    if (os === "same" || ctx.deleteVsChange === "delete-wins")
      return push(ctx, outlookDelete(uid, o!, "server-deleted"));
    return push(ctx, serverPut(ctx, "server-deleted-outlook-changed", withUid(o!, uid), o, undefined));
  }
  if (os === "gone") {
    if (ss === "same" || ctx.deleteVsChange === "delete-wins")
      return push(ctx, serverDelete(uid, s!, "outlook-deleted"));
    return push(ctx, outlookCreate(ctx, "outlook-deleted-server-changed", s!));
  }
  if (os === "changed" && ss === "same")
    return writeWhereDifferent(ctx, "outlook-changed", withUid(o!, uid), o!, s!, ctx.hashOf(o!));
  if (os === "same" && ss === "changed")
    return writeWhereDifferent(ctx, "server-changed", s!.contact, o!, s!, ctx.hashOf(s!));
  // Changed on both sides: identical edits need no write; otherwise merge against the
  // base (without one, as on a first sync).
  if (ctx.hashOf(o!) === ctx.hashOf(s!))
    return push(ctx, record(ctx, uid, "both-changed-alike", s!.contact, o!, s!, ctx.hashOf(s!)));
  return mergeAndWrite(ctx, "both-changed-merged", baseOf(entry), o!, s!);
}

/** Neither side changed. A moved etag/changeKey with the same content is only bookkeeping. */
function keepOrRefresh(ctx: Context, entry: StatusEntry, o: OutlookItem, s: ServerItem): void {
  const row: Row | undefined =
    s.etag !== entry.serverEtag
      ? "server-etag-moved"
      : o.changeKey !== entry.outlookChangeKey
        ? "outlook-changekey-moved"
        : undefined;
  if (!row) {
    ctx.unchanged++;
    return;
  }
  // The server's content hashes to the base hash; the stored base text, when there is one, is
  // recorded again unparsed.
  const action = record(ctx, entry.uid, row, s.contact, o, s, entry.baseHash);
  push(ctx, entry.baseJson === undefined ? action : { ...action, baseJson: entry.baseJson });
}

/** pull: the server is the truth. Outlook edits are reverted, Outlook deletes restored. */
function pullFromServer(
  ctx: Context,
  uid: string,
  o: OutlookItem | undefined,
  s: ServerItem | undefined,
  os: State,
): void {
  if (!s) return push(ctx, outlookDelete(uid, o!, "pull-delete-outlook"));
  if (!o) return push(ctx, outlookCreate(ctx, "pull-restore-outlook", s));
  writeWhereDifferent(ctx, os === "changed" ? "pull-revert-outlook" : "server-changed", s.contact, o, s, ctx.hashOf(s));
}

/** publish: the Outlook folder is the truth; the server book becomes exactly the folder. */
function publishOutlook(ctx: Context, uid: string, o: OutlookItem | undefined, s: ServerItem | undefined): void {
  if (!o) return push(ctx, serverDelete(uid, s!, "publish-delete-server"));
  if (!s) return push(ctx, serverPut(ctx, "publish-create-server", withUid(o, uid), o, undefined));
  writeWhereDifferent(ctx, "publish-overwrite-server", withUid(o, uid), o, s, ctx.hashOf(o));
}

// ---- The table for items the status does not know ----
//
//                 | two-way                | pull                   | publish
// both (matched)  | merge without a base   | Outlook := server      | server := Outlook
// Outlook only    | create on the server   | keep, unsynced         | create on the server
//   ... deleted on the server before the status knew it: delete in Outlook once confirmed
//   (two-way only on a first sync), publish creates it again
// server only     | create in Outlook      | create in Outlook      | delete on the server
// Each is planned only when both reads are complete.

function decideMatched(ctx: Context, o: OutlookItem, s: ServerItem): void {
  const uid = s.contact.uid;
  if (ctx.mode === "pull")
    return writeWhereDifferent(
      ctx,
      ctx.hashOf(o) === ctx.hashOf(s) ? "matched-alike" : "pull-revert-outlook",
      s.contact,
      o,
      s,
    );
  if (ctx.mode === "publish")
    return writeWhereDifferent(
      ctx,
      ctx.hashOf(o) === ctx.hashOf(s) ? "matched-alike" : "publish-overwrite-server",
      withUid(o, uid),
      o,
      s,
    );
  if (ctx.hashOf(o) === ctx.hashOf(s)) return writeWhereDifferent(ctx, "matched-alike", s.contact, o, s);
  // No base: every differing field is a conflict settled by policy, lists are unioned.
  mergeAndWrite(ctx, "matched-merged", undefined, o, s);
}

function decideOutlookOnly(ctx: Context, o: OutlookItem): void {
  if (deletedBeforeStatus(ctx, o)) return push(ctx, outlookDelete(o.contact.uid!, o, "server-deleted-before-status"));
  // pull: the item was never on the server (or it would be paired, or a tombstone), e.g. a
  // contact a user added to the GAB's folder, or made in a share's folder while it was
  // writable and not yet uploaded. Deleting it would lose data no one else has: keep it.
  if (ctx.mode === "pull") return void ctx.unsynced.push({ outlookId: o.id, name: contactName(o.contact, o.id) });
  const uid = o.contact.uid ?? uidForOutlookItem(o.id);
  push(
    ctx,
    serverPut(ctx, ctx.mode === "publish" ? "publish-create-server" : "outlook-new", withUid(o, uid), o, undefined),
  );
}

/**
 * An Outlook item stamped with a uid the server has a tombstone for was on the server and
 * deleted there while the status did not know the pair (the status was lost): uploading it
 * would bring back a deleted contact. Two-way trusts this only on a first sync; later, an
 * item new to the status under such a uid was brought back by the user (from Deleted Items)
 * and goes up again. Pull always follows the server; publish makes the server the folder.
 */
function deletedBeforeStatus(ctx: Context, o: OutlookItem): boolean {
  const uid = o.contact.uid;
  if (uid === undefined || !ctx.deletedOnServer.has(uid) || ctx.mode === "publish") return false;
  return ctx.mode === "pull" || ctx.firstSync;
}

function decideServerOnly(ctx: Context, s: ServerItem): void {
  if (ctx.mode === "publish") return push(ctx, serverDelete(s.contact.uid, s, "publish-delete-server"));
  push(ctx, outlookCreate(ctx, ctx.mode === "pull" ? "pull-create-outlook" : "server-new", s));
}

// ---- Building actions ----

function mergeAndWrite(ctx: Context, row: Row, base: Contact | undefined, o: OutlookItem, s: ServerItem): void {
  const winner = winnerOf(ctx.policy, o, s);
  const { contact, conflicts } = mergeContacts(base, o.contact, s.contact, winner);
  for (const conflict of conflicts) ctx.conflicts.push({ uid: s.contact.uid, ...conflict });
  writeWhereDifferent(ctx, row, contact, o, s);
}

function winnerOf(policy: ConflictPolicy, o: OutlookItem, s: ServerItem): Winner {
  if (policy === "outlook-wins") return "outlook";
  if (policy !== "newest-wins" || !o.modifiedAt || !s.modifiedAt) return "server";
  return Date.parse(o.modifiedAt) > Date.parse(s.modifiedAt) ? "outlook" : "server";
}

/**
 * Both sides exist and should hold `contact`: write each side whose content differs
 * (and Outlook when its item lacks the uid). Pull never writes the server, publish never
 * writes Outlook content (only the uid stamp).
 */
function writeWhereDifferent(
  ctx: Context,
  row: Row,
  contact: Contact,
  o: OutlookItem,
  s: ServerItem,
  knownHash?: string,
): void {
  const hash = knownHash ?? contentHash(contact);
  const outlookDiffers = hash !== ctx.hashOf(o) || o.contact.uid !== contact.uid;
  const serverDiffers = hash !== ctx.hashOf(s) && ctx.mode !== "pull";
  // Already alike: only the status is stale.
  if (!outlookDiffers && !serverDiffers) return push(ctx, record(ctx, contact.uid, row, contact, o, s, hash));
  push(ctx, {
    uid: contact.uid,
    row,
    outlook: outlookDiffers ? "update" : undefined,
    server: serverDiffers ? "put" : undefined,
    outlookId: o.id,
    contact,
    hash,
    ...(outlookDiffers ? {} : { outlookHash: ctx.hashOf(o), outlookChangeKey: o.changeKey }),
    serverEtag: s.etag,
  });
}

function record(
  ctx: Context,
  uid: string,
  row: Row,
  contact: Contact,
  o: OutlookItem,
  s: ServerItem,
  hash = contentHash(contact),
): Action {
  return {
    uid,
    row,
    outlookId: o.id,
    contact,
    hash,
    outlookHash: ctx.hashOf(o),
    outlookChangeKey: o.changeKey,
    serverEtag: s.etag,
  };
}

function serverPut(
  ctx: Context,
  row: Row,
  contact: Contact,
  o: OutlookItem | undefined,
  s: ServerItem | undefined,
): Action {
  const stamp = o !== undefined && o.contact.uid !== contact.uid;
  return {
    uid: contact.uid,
    row,
    server: "put",
    serverCreates: !s,
    // An Outlook item without our uid gets it stamped first, so a later run finds it.
    outlook: stamp ? "update" : undefined,
    outlookId: o?.id,
    contact,
    hash: o ? ctx.hashOf(o) : contentHash(contact),
    ...(o && !stamp ? { outlookHash: ctx.hashOf(o), outlookChangeKey: o.changeKey } : {}),
    serverEtag: s?.etag,
  };
}

function serverDelete(uid: string, s: ServerItem, row: Row): Action {
  return { uid, row, server: "delete", serverEtag: s.etag };
}

function outlookCreate(ctx: Context, row: Row, s: ServerItem): Action {
  return { uid: s.contact.uid, row, outlook: "create", contact: s.contact, hash: ctx.hashOf(s), serverEtag: s.etag };
}

function outlookDelete(uid: string, o: OutlookItem, row: Row): Action {
  return { uid, row, outlook: "delete", outlookId: o.id };
}

function push(ctx: Context, action: Action): void {
  ctx.actions.push(action);
}

function withUid(o: OutlookItem, uid: string): Contact {
  return { ...o.contact, uid };
}

/** Deterministic, so a create retried after its status was lost reuses the same uid. */
export function uidForOutlookItem(outlookId: string): string {
  const h = hashText(`concord-outlook:${outlookId}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// ---- Matching items new to the status ----

type Matches = { pairs: [OutlookItem, ServerItem][]; outlookOnly: OutlookItem[]; serverOnly: ServerItem[] };

const primaryEmail = (c: { emails: Contact["emails"] }) => c.emails[0]?.address.trim().toLowerCase() || undefined;

/** A name's words, lower-cased, without punctuation, in sorted order: "Stone, Bob" and "bob  stone" agree. */
function nameKey(text: string | undefined): string | undefined {
  const words = (text ?? "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  return words.length ? words.sort().join(" ") : undefined;
}

/** The ways a contact is named: its display name and its given + family name. */
function nameKeys(c: Pick<Contact, "displayName" | "name">): string[] {
  const keys = [nameKey(c.displayName), nameKey([c.name?.given, c.name?.family].filter(Boolean).join(" "))];
  return keys.filter((k): k is string => k !== undefined);
}

const fullName = (c: Pick<Contact, "displayName" | "name">): string | undefined => nameKeys(c)[0];

/**
 * Two contacts may be one person only if their names agree: one of the display name or the
 * given + family name is the same words on both sides, or one side has no name at all (an
 * address-only entry). A shared address alone proves nothing: "Acme Sales Desk" and the
 * colleague "Bob Stone" who answers it are two contacts with one e-mail address.
 */
function namesCompatible(o: OutlookItem, s: ServerItem): boolean {
  const outlookNames = nameKeys(o.contact);
  const serverNames = nameKeys(s.contact);
  if (!outlookNames.length || !serverNames.length) return true;
  return outlookNames.some((name) => serverNames.includes(name));
}

/** uid first, then (fuzzy: a first sync) primary e-mail, then full name; a key shared by two
 *  items on a side matches nothing. */
function matchNew(outlook: OutlookItem[], server: ServerItem[], fuzzy: boolean): Matches {
  const pairs: [OutlookItem, ServerItem][] = [];
  const serverByUid = new Map(server.map((s) => [s.contact.uid, s]));
  const pairedServer = new Set<ServerItem>();
  let rest: OutlookItem[] = [];
  for (const o of outlook) {
    // An item without a uid may still be on the server under the uid derived from its
    // id, if a stamp was lost after the server put went through.
    const s = serverByUid.get(o.contact.uid ?? uidForOutlookItem(o.id));
    if (s) {
      pairs.push([o, s]);
      pairedServer.add(s);
    } else rest.push(o);
  }
  const byKey = (
    key: (o: OutlookItem | ServerItem) => string | undefined,
    compatible: (o: OutlookItem, s: ServerItem) => boolean,
  ) => {
    const serverKeys = uniqueBy(
      server.filter((s) => !pairedServer.has(s)),
      key,
    );
    const outlookKeys = uniqueBy(rest, key);
    rest = rest.filter((o) => {
      const k = key(o);
      const s = k === undefined ? undefined : serverKeys.get(k);
      if (!s || outlookKeys.get(k!) !== o || !compatible(o, s)) return true;
      pairs.push([o, s]);
      pairedServer.add(s);
      return false;
    });
  };
  if (!fuzzy) return { pairs, outlookOnly: rest, serverOnly: server.filter((s) => !pairedServer.has(s)) };
  byKey((item) => primaryEmail(item.contact), namesCompatible);
  // Two people with one name but different e-mail addresses are two people.
  byKey(
    (item) => fullName(item.contact),
    (o, s) => !primaryEmail(o.contact) || !primaryEmail(s.contact),
  );
  return { pairs, outlookOnly: rest, serverOnly: server.filter((s) => !pairedServer.has(s)) };
}

function uniqueBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T | null> {
  const out = new Map<string, T | null>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out.set(k, out.has(k) ? null : item);
  }
  return out;
}

// ---- Quarantine, counts, refusals ----

type SideIndex = {
  outlookById: Map<string, OutlookItem>;
  outlookByUid: Map<string, OutlookItem>;
  serverByUid: Map<string, ServerItem>;
  entryUids: Set<string>;
  /** Outlook copies of a synced item: they carry its uid, but another item is the one bound by id. */
  copies: Set<OutlookItem>;
  quarantined: Quarantine[];
};

/** Indexes both sides in one pass each. A uid twice on one side cannot be paired
 *  without guessing: it is quarantined, reported and left alone, unless it is a synced
 *  item's uid in Outlook and one of the items is the one the status binds by id (then
 *  the others are copies). */
function indexSides(status: SyncStatus, outlook: Snapshot<OutlookItem>, server: Snapshot<ServerItem>): SideIndex {
  const quarantined: Quarantine[] = [];
  const entryIds = new Map<string, string>();
  const statusTwice = new Set<string>();
  for (const entry of status.entries) {
    if (entryIds.has(entry.uid)) statusTwice.add(entry.uid);
    else entryIds.set(entry.uid, entry.outlookId);
  }
  const entryUids = new Set(entryIds.keys());

  const outlookById = new Map<string, OutlookItem>();
  const outlookByUid = new Map<string, OutlookItem>();
  const outlookTwice = new Map<string, OutlookItem[]>();
  for (const item of outlook.items) {
    if (!outlookById.has(item.id)) outlookById.set(item.id, item);
    const uid = item.contact.uid;
    if (uid === undefined) continue;
    // A uid the status knows was valid when we wrote it; only strangers need the check.
    if (!entryUids.has(uid) && !contactSchema.shape.uid.safeParse(uid).success) {
      quarantined.push({ uid, side: "outlook", reason: "invalid-uid", outlookIds: [item.id] });
      continue;
    }
    const first = outlookByUid.get(uid);
    if (!first) outlookByUid.set(uid, item);
    else outlookTwice.set(uid, [...(outlookTwice.get(uid) ?? [first]), item]);
  }
  const copies = new Set<OutlookItem>();
  for (const [uid, items] of outlookTwice) {
    // Outlook's copy keeps the extended property, so the uid; the status still knows the
    // original by id. Without that (moved and copied), which item is the original is a guess.
    const original = statusTwice.has(uid) ? undefined : items.find((item) => item.id === entryIds.get(uid));
    if (!original) {
      quarantined.push({ uid, side: "outlook", reason: "duplicate-uid", outlookIds: items.map((item) => item.id) });
      continue;
    }
    outlookByUid.set(uid, original);
    for (const item of items) if (item !== original) copies.add(item);
  }

  const serverByUid = new Map<string, ServerItem>();
  const serverTwice = new Set<string>();
  for (const item of server.items) {
    if (serverByUid.has(item.contact.uid)) serverTwice.add(item.contact.uid);
    else serverByUid.set(item.contact.uid, item);
  }
  for (const uid of serverTwice) quarantined.push({ uid, side: "server", reason: "duplicate-uid" });
  for (const uid of statusTwice) quarantined.push({ uid, side: "status", reason: "duplicate-uid" });
  return { outlookById, outlookByUid, serverByUid, entryUids, copies, quarantined };
}

function countActions(ctx: Context): Counts {
  const { conflicts, unchanged, deferred } = ctx;
  return { ...countSides(ctx.actions), conflicts: conflicts.length, unchanged, deferred };
}

/** What the actions delete, per side, named from the contact being deleted. */
function deletionsOf(
  actions: Action[],
  outlookById: Map<string, OutlookItem>,
  serverByUid: Map<string, ServerItem>,
): Plan["deletions"] {
  const deletions: Plan["deletions"] = { outlook: [], server: [] };
  for (const a of actions) {
    const { uid } = a;
    // An Outlook delete always names the item it deletes (outlookDelete).
    if (a.outlook === "delete") {
      deletions.outlook.push({ uid, name: contactName(outlookById.get(a.outlookId!)?.contact, uid) });
    }
    if (a.server === "delete") deletions.server.push({ uid, name: contactName(serverByUid.get(uid)?.contact, uid) });
  }
  return deletions;
}

/** A name a user recognises: display name, else given + family name, else first e-mail, else `fallback`. */
export function contactName(contact: OutlookContact | undefined, fallback: string): string {
  if (!contact) return fallback;
  const parts = [contact.name?.given, contact.name?.family].filter(Boolean).join(" ");
  return contact.displayName.trim() || parts.trim() || contact.emails[0]?.address.trim() || fallback;
}

/**
 * Refusals look only at deletions the caller has not confirmed by uid: a confirmation
 * covers exactly the deletions a user was shown, never ones that appeared since.
 */
function findRefusals(
  status: SyncStatus,
  outlook: Snapshot<OutlookItem>,
  server: Snapshot<ServerItem>,
  actions: Action[],
  deletions: Plan["deletions"],
  confirmed: ConfirmedDeletes | undefined,
  limit: { ratio: number; min: number },
): Refusal[] {
  const refusals: Refusal[] = [];
  const unconfirmed = (side: keyof Plan["deletions"]): Deletion[] => {
    const yes = new Set(confirmed?.[side]);
    return deletions[side].filter((d) => !yes.has(d.uid));
  };
  const open = { outlook: unconfirmed("outlook"), server: unconfirmed("server") };
  // An empty side that had items is far likelier a failed read or a wiped folder
  // than a user deleting everything (vdirsyncer's StorageEmpty). A user who saw the plan
  // and confirmed all its deletions (possibly none, e.g. a pull restoring a wiped folder) lifts it.
  const seen = confirmed !== undefined && open.outlook.length + open.server.length === 0;
  if (status.entries.length > 0 && !seen) {
    if (outlook.complete && outlook.items.length === 0 && server.items.length > 0)
      refusals.push({ kind: "side-emptied", side: "outlook" });
    if (server.complete && server.items.length === 0 && outlook.items.length > 0)
      refusals.push({ kind: "side-emptied", side: "server" });
  }
  const sides = [
    ["outlook", open.outlook.length, outlook.items.length],
    ["server", open.server.length, server.items.length],
  ] as const;
  for (const [side, deletes, total] of sides) {
    // Once a user confirmed what they were shown, any deletion beyond it is asked about again, however few.
    const threshold = confirmed ? 0 : Math.max(limit.min - 1, Math.floor(limit.ratio * total));
    if (deletes > threshold) refusals.push({ kind: "mass-delete", side, deletes, total, threshold });
  }
  // Contacts the server deleted before the status knew them: even one is asked about, since
  // the alternative reading (the user wants them back) is just as plausible.
  const unasked = new Set(open.outlook.map((d) => d.uid));
  const uids = actions.filter((a) => a.row === "server-deleted-before-status" && unasked.has(a.uid)).map((a) => a.uid);
  if (uids.length) refusals.push({ kind: "deleted-on-server", side: "outlook", uids });
  return refusals;
}
