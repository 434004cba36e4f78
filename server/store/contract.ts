// The store's contract: what every surface (REST today; CardDAV, SyncML, LDAP next) may ask of
// the store, and what it can count on. Two implementations meet it: the database one (the
// modules beside this file, over MongoDB or FerretDB) and the memory one (store/memory/), and
// test/store-contract.ts holds both to the same suite.
//
// Rules every implementation keeps (after sabre/dav's CardDAV BackendInterface and SyncSupport):
// - It answers in data and throws only StoreError (store/errors.ts) for what a caller did wrong
//   or must retry. How a protocol words that (REST 410, CardDAV 403 DAV:valid-sync-token,
//   SyncML 508) is the protocol's table, never the store's.
// - It never decides who may do what: access is server/access/policy.ts. Methods take book ids
//   the caller was already allowed to use.
// - It never hands out its database documents; callers get the plain records below.
import type { z } from "zod";
import type { bookSchema, userSchema } from "../../core/api/schemas";
import type { Contact } from "../../core/contact/contact";
import type { listPatchSchema, newListSchema, newUserSchema, userPatchSchema } from "./account-schemas";

// ---------------------------------------------------------------- books

export type BookKind = z.infer<typeof bookSchema>["kind"];
export type Access = z.infer<typeof bookSchema>["access"];
/** A book as stored: no access, which depends on who asks (the policy adds it). */
export type BookRecord = { id: string; kind: BookKind; name: string; owner: string | null };
export type BookInit = BookRecord;
export type ShareRecord = { book: string; username: string; access: Access };

/** Address books and their shares. */
export interface BookStore {
  /** The book, or null when there is none. */
  getBook(id: string): Promise<BookRecord | null>;
  /** The GAB and the Local Directory, created once; a racing instance's copy is fine. */
  ensureSystemBooks(): Promise<void>;
  /** The GAB and the Directory. */
  systemBooks(): Promise<BookRecord[]>;
  /** Every PAB, or those of one owner. */
  pabs(owner?: string): Promise<BookRecord[]>;
  /** The books with these ids that exist, in no particular order. */
  booksByIds(ids: string[]): Promise<BookRecord[]>;
  /** Every book's id, for maintenance passes. */
  allBookIds(): Promise<string[]>;
  /** A new PAB with its (empty) change log. Names are unique per owner: a taken name throws
   *  conflict, unless `freeName` picks "name (2)", "name (3)", … (a re-created user whose old
   *  books were kept). `id` names it in advance (a user's first book, named before it exists);
   *  a second creation under the same id throws conflict. */
  createPab(name: string, owner: string, opts?: { id?: string; freeName?: boolean }): Promise<BookRecord>;
  /** Renames a PAB or gives it to another owner (whose share of it, if any, ends). A name the
   *  owner already uses throws conflict; no such PAB, not-found. */
  updatePab(id: string, patch: { name?: string; owner?: string }): Promise<BookRecord>;
  /** Deletes a PAB with its contacts, change log and shares. The book record goes first, so no
   *  new write starts and nothing half-deleted is listed; a write under way finishes first. Called
   *  again for a deletion that stopped half-way, it finishes it; for no book at all, not-found. */
  deletePab(id: string): Promise<void>;
  /** The user's share of the book, or null. */
  shareOf(book: string, username: string): Promise<ShareRecord | null>;
  /** Every share of one book. */
  sharesOfBook(book: string): Promise<ShareRecord[]>;
  /** Every share given to one user. */
  sharesForUser(username: string): Promise<ShareRecord[]>;
  /** Gives or changes a share. Throws not-found for no such user, forbidden for the book's owner. */
  putShare(share: ShareRecord): Promise<ShareRecord>;
  /** Ends a share; none is fine. */
  deleteShare(book: string, username: string): Promise<void>;
}

// ---------------------------------------------------------------- contacts

/** `href`: the resource name the creating client chose (CardDAV picks its own URLs), when it is
 *  not the uid; it is kept across later writes that do not name one. `source`: the writer is
 *  that source (an LDAP import); a put creates the contact owned by it, and a write to a
 *  contact a source owns by anyone else is refused (`owned-by-source`). */
export type WriteOp =
  | {
      op: "put";
      uid: string;
      contact: Contact;
      ifMatch?: string;
      ifNoneMatch?: boolean;
      href?: string;
      source?: string;
    }
  | { op: "delete"; uid: string; ifMatch?: string; source?: string };

/** Where a write came from: each surface names itself (the add-in by `X-Concord-Client`). */
export const SURFACES = [
  "rest",
  "outlook-addin",
  "web",
  "import",
  "ldap-import",
  "carddav",
  "syncml",
  "admin-cli",
] as const;
export type Surface = (typeof SURFACES)[number];
/** Who writes, through which surface: the audit log records it, and a deletion remembers who made it. */
export type WriteContext = { user: string; surface: Surface };
/** `retrySafe`: see applyWrites. `context`: who writes (audited when given). `restore`: the writes
 *  bring deleted contacts back (audited as restores). */
export type WriteOptions = { retrySafe?: boolean; context?: WriteContext; restore?: boolean };

export type OpStatus = "created" | "updated" | "deleted" | "unchanged" | "conflict" | "error";
/** `missing`: a delete found no contact at all; `busy`: the write was undone, as another writer
 *  took over (retry it). `kind` and `details`: why an op was refused, as a StoreError would say
 *  (e.g. `owned-by-source` with `{source}`), for protocols that answer one op at a time. */
export type OpResult = {
  uid: string;
  status: OpStatus;
  etag?: string;
  error?: string;
  missing?: boolean;
  busy?: boolean;
  kind?: "owned-by-source" | "quota-exceeded";
  details?: Record<string, unknown>;
  /** The names of the contact fields the write changed (for the audit log; not sent to clients). */
  fields?: string[];
};

/** A live contact. `seq` orders versions within a book (higher is newer). */
export type StoredContact = {
  uid: string;
  etag: string;
  seq: number;
  contact: Contact;
  href?: string;
  source?: string;
};
/** One entry of a change feed or lookup: a live version, or a tombstone (`deleted`, no contact). */
export type Change = {
  uid: string;
  etag: string;
  deleted: boolean;
  modifiedAt: string;
  contact?: Contact;
  href?: string;
};
export type ChangePage = { changes: Change[]; token: string; more: boolean };
export type ContactPage = { contacts: StoredContact[]; cursor: string | null };

// A store that keeps contacts as JSON text may give a page the text of each item's contact, and
// parse a contact only when it is read: a protocol that sends JSON then splices the text in, and
// a full read turns no contact into an object and back (a third of its time, 40,000 contacts).
const contactTexts = Symbol("contactTexts");
/** Gives `page` the JSON text of each of its items' contacts (null: a tombstone, or none at hand),
 *  exactly what JSON.stringify of that contact gives. It is not enumerable: the page compares and
 *  serializes as it did. */
export function withContactTexts<P extends ChangePage | ContactPage>(page: P, texts: (string | null)[]): P {
  Object.defineProperty(page, contactTexts, { value: texts });
  return page;
}
/** The texts withContactTexts gave `page`, if any. They stand for the records as the store gave
 *  them: a caller that changes a record's contact must not send them. */
export const contactTextsOf = (page: ChangePage | ContactPage): readonly (string | null)[] | undefined =>
  (page as { [contactTexts]?: (string | null)[] })[contactTexts];

/** One book's contacts and their change log. Every method throws not-found for a book that
 *  does not exist, and busy when the book's writer lease cannot be had in time. */
export interface ContactStore {
  /** Creates the book's (empty) log, then the book: a listed book always has a log. */
  createBook(init: BookInit): Promise<void>;
  /** Applies each op on its own (one op's failure never blocks another) and answers each in
   *  order; preconditions (ifMatch, ifNoneMatch) fail as status `conflict`, never as a throw.
   *  With `retrySafe`, a put whose content is stored already is `unchanged` whatever its
   *  ifMatch, so a retried batch answers as its first try did. */
  applyWrites(book: string, ops: WriteOp[], options?: WriteOptions): Promise<OpResult[]>;
  /** The live contact, or null (never a tombstone). */
  getContact(book: string, uid: string): Promise<StoredContact | null>;
  /** The stored version of each uid the book knows, live or tombstone; unknown uids are left out. */
  lookup(book: string, uids: string[]): Promise<Change[]>;
  /** Every live contact, `limit` at a time, by an opaque cursor; a foreign cursor is token-expired. */
  listContacts(book: string, cursor: string | undefined, limit: number): Promise<ContactPage>;
  /** RFC 6578-style feed: without a token every live contact (and the deletions made while the
   *  pages are read); from a token, every change since, each uid's newest version once, tombstones
   *  included. A token that is unknown, foreign, or older than purged tombstones is token-expired. */
  changesSince(book: string, since: string | undefined, limit: number): Promise<ChangePage>;
}

/** Work that is not a request: run by the server's daily pass. */
export interface ContactMaintenance {
  /** Drops tombstones deleted before `before`; tokens older than them then expire. Returns how many. */
  purgeTombstones(book: string, before: Date): Promise<number>;
  /** Drops log entries no reader would deliver; every token stays valid. Returns how many. */
  compactLog(book: string): Promise<number>;
  /** The photo hashes every contact and tombstone of every book references (for photo GC). */
  photoHashes(): Promise<Set<string>>;
}

/** What a contact search asks: `text` as a case- and accent-insensitive substring of the display
 *  name, a name part, an e-mail address or the company (or, when it reads as a phone number, of a
 *  phone number's digits); `category` as one of the contact's categories (case and accents
 *  ignored). Either may be left out; with neither, every live contact matches. */
export type SearchQuery = {
  text?: string;
  category?: string;
  /** The order: `name` (the default) by file-as, else display name; `company` by company, then by
   *  name within each company, contacts without a company last. */
  sort?: SearchSort;
  /** The A–Z jump: without a cursor, the page starts at the first contact whose sort key (folded like
   *  the text, for `company` the company) is at or past `from`; a cursor continues from there. */
  from?: string;
};
export type SearchSort = "name" | "company";
/** `cursor` continues after the last contact of the page (null: the last page). */
export type SearchPage = { contacts: StoredContact[]; cursor: string | null };

/** Looking contacts up by what they say, for the web page, address lookups and directory
 *  protocols (LDAP). Results come sorted by file-as (else display name), then uid, and page by a
 *  cursor that names the last contact given, so a page stays put while the book changes. On the
 *  database it runs over the instance's cache of the book (store/contact-cache.ts), brought up to
 *  date first: it never scans the book's documents. */
export interface ContactSearch {
  /** Live contacts that match, `limit` at a time; a cursor this store did not hand out is invalid. */
  search(book: string, query: SearchQuery, limit: number, cursor?: string): Promise<SearchPage>;
  /** How many live contacts the book holds (what a search with no text and no category lists). On
   *  the database it is the instance cache's count of the book, brought up to date like a search. */
  countLive(book: string): Promise<number>;
}

/** Deleted contacts a user can bring back (the restore work, implemented after this contract).
 *  Restoring writes the last live version again as a new change, so every feed sees it. */
export type DeletedItem = { uid: string; displayName: string; deletedAt: string; deletedBy: string | null };

/** Deleted contacts: a tombstone keeps the deleted version until it is purged (the tombstone
 *  retention), so it can be listed and restored. */
export interface ContactRecovery {
  /** Tombstones still kept, newest deletion first, paged by an opaque cursor (null: no more).
   *  Maintenance-grade: it may scan the book's contacts. */
  deletedItems(
    book: string,
    limit: number,
    cursor?: string,
  ): Promise<{ deleted: DeletedItem[]; cursor: string | null }>;
  /** The deleted version of a uid. not-found when no tombstone with content is kept; conflict when
   *  the uid was created again since (it is live). */
  deletedVersion(book: string, uid: string): Promise<Contact>;
}

// ---------------------------------------------------------------- accounts and sessions

export type PublicUser = z.infer<typeof userSchema>;

/** What sign-in and token checks need of a user; never sent to a client. */
export type SessionUser = {
  username: string;
  admin: boolean;
  disabled: boolean;
  passwordHash: string;
  primaryBook: string;
  /** Bumped by a password change or a disable: tokens carrying an older version are refused. */
  tokenVersion: number;
};

/** Users and mailing lists (and the Local Directory entries derived from them). Throws not-found
 *  for a missing user or list, conflict for one that exists already. */
export interface Accounts {
  findUser(username: string): Promise<PublicUser>;
  listUsers(): Promise<PublicUser[]>;
  /** The user and their first PAB; the Directory lists them. */
  createUser(input: z.infer<typeof newUserSchema>): Promise<PublicUser>;
  /** Changes the fields the patch names; the Directory follows (a disabled or hidden user leaves it). */
  updateUser(username: string, patch: z.infer<typeof userPatchSchema>): Promise<PublicUser>;
  /** A user's display name, their username when they have none; null for no such user. */
  displayNameOf(username: string | null | undefined): Promise<string | null>;
  /** The user as sign-in needs them, or null. */
  sessionUser(username: string): Promise<SessionUser | null>;
  /** The user a name typed at sign-in names, as sessionUser gives them: a user name in any case, or an
   *  e-mail address (any case) exactly one user has. Null for no such user, and for an address two
   *  users share: it must not sign in as either. */
  signInUser(typed: string): Promise<SessionUser | null>;
  /** The user `caller` may share a book with; not-found alike for a missing, disabled or hidden user
   *  (admins see every user), so sharing never reveals which user names exist. */
  findShareableUser(caller: { admin?: boolean | null }, username: string): Promise<PublicUser>;
  /** Deletes a user, their Local Directory entry and the shares they were given. Their PABs are
   *  kept (listed in `keptBooks`, for an administrator to give away) unless `deleteBooks`. The last
   *  enabled administrator cannot be deleted (conflict). */
  deleteUser(username: string, opts?: { deleteBooks?: boolean }): Promise<DeletedUser>;
  listLists(): Promise<MailingList[]>;
  findList(address: string): Promise<MailingList>;
  createList(input: z.infer<typeof newListSchema>): Promise<MailingList>;
  updateList(address: string, patch: z.infer<typeof listPatchSchema>): Promise<MailingList>;
  deleteList(address: string): Promise<void>;
}
export type DeletedUser = {
  username: string;
  keptBooks: { id: string; name: string; primary: boolean }[];
  deletedBooks: { id: string; name: string; primary: boolean }[];
};
export type MailingList = { address: string; name: string; members: string[]; visibleInDirectory: boolean };

// ---------------------------------------------------------------- device sessions

/** A signed-in device, as its user and administrators see it. It never holds a refresh token. */
export type SessionRecord = {
  id: string;
  username: string;
  /** The name the device gave at sign-in ("Outlook on Dora's laptop"); may be empty. */
  device: string;
  /** What signed in (the X-Concord-Client header, else the User-Agent). */
  client: string;
  createdAt: Date;
  /** The last refresh: a device refreshes every few minutes while it works. */
  lastUsedAt: Date;
  /** When the current refresh token lapses unless the device refreshes first. */
  expiresAt: Date;
  /** The user's token version when the session began: a password change or a disable moves the
   *  user's version on, and every session begun under an older one is over, with no scan. */
  tokenVersion: number;
};

export type SessionStart = {
  username: string;
  device: string;
  client: string;
  tokenVersion: number;
  lifetimeMs: number;
};

/** `reused`: the token had been rotated already, so a copy of it is in someone else's hands; the
 *  session is ended (OAuth 2.0 Security BCP §4.14.2, RFC 6819 §5.2.2.3). */
export type Rotation =
  | { ok: true; session: SessionRecord; refreshToken: string }
  | { ok: false; reason: "unknown" | "expired" | "ended" | "reused" };

/** Refresh-token sessions, one per signed-in device. Refresh tokens are random, shown once, and
 *  stored only as hashes; each is good for one rotation. */
export interface Sessions {
  /** Begins a session and hands out its first refresh token, good for `lifetimeMs`. */
  start(input: SessionStart): Promise<{ session: SessionRecord; refreshToken: string }>;
  /** Trades a refresh token for the next one (good for `lifetimeMs` from now); the old one is spent.
   *  Of two rotations of one token at most one succeeds; the other ends the session as reused. An end
   *  (or a reuse) that races a rotation stays ended. */
  rotate(refreshToken: string, lifetimeMs: number): Promise<Rotation>;
  /** The session while it lasts (neither ended nor expired), else null. */
  get(id: string): Promise<SessionRecord | null>;
  /** The user's lasting sessions begun under `tokenVersion`, most recently used first. */
  list(username: string, tokenVersion: number): Promise<SessionRecord[]>;
  /** Ends one of the user's sessions; not-found when the user has no such lasting session. */
  end(username: string, id: string): Promise<void>;
  /** Ends every session of the user, whatever its token version: a user deleted and created again under
   *  the same name starts with no session. The stores' Accounts.deleteUser calls it. */
  endAll(username: string): Promise<void>;
}

// ---------------------------------------------------------------- sync states and pair claims

/** The largest sync state kept: a status for a 100,000-contact book runs to tens of megabytes. */
export const MAX_SYNC_STATE_BYTES = 128 * 1024 * 1024;

/** Per user, device and pair: the add-in's opaque sync status (the exact JSON text it sent). */
export interface SyncStates {
  /** The newest state, or null. */
  get(username: string, device: string, pair: string): Promise<{ json: string; etag: string } | null>;
  /** Stores a new state; ifMatch only over that version, ifNoneMatch only when none exists, else
   *  precondition-failed; too-large past MAX_SYNC_STATE_BYTES. */
  put(
    username: string,
    device: string,
    pair: string,
    json: string,
    pre: { ifMatch?: string; ifNoneMatch?: boolean },
  ): Promise<{ etag: string }>;
  /** Forgets the state (a device no longer used), freeing its place in the user's device and byte
   *  quotas; ifMatch only over that version, else precondition-failed; not-found when none is kept.
   *  A later put starts afresh (ifNoneMatch holds), and no etag handed out before matches again. */
  delete(username: string, device: string, pair: string, pre: { ifMatch?: string }): Promise<void>;
}

/** Who is syncing a pair right now, so two Outlooks of one mailbox never sync it at once. */
export interface PairClaims {
  /** Claims (or renews) the pair for `seconds`; conflict with details {claim: "pair", until} when
   *  another holder's claim is live; busy when the claim keeps changing. */
  claim(
    username: string,
    device: string,
    pair: string,
    holder: string,
    seconds: number,
  ): Promise<{ holder: string; until: Date }>;
  /** Ends the holder's claim; anyone else's claim (or none) is left as it is. */
  release(username: string, device: string, pair: string, holder: string): Promise<void>;
}

// ---------------------------------------------------------------- photos

/** Photo bytes, stored once under the SHA-256 of their bytes, apart from contacts. */
/** An inline photo taken out of a contact, to be stored once the contact's write succeeds. */
export type PendingPhoto = { hash: string; bytes: Buffer };

/** Photo bytes, stored once under their SHA-256 apart from contacts. The media type is not the
 *  photo's: each contact keeps its own, with the hash, so no uploader fixes it for another. */
export interface Photos {
  /** Takes inline photo bytes out of a contact: the contact with the hash only, and the bytes to
   *  `save` once the write succeeded (a refused write stores nothing). Invalid (with `fields`)
   *  when the data is not base64; `field` names the photo in that error. Pure: stores nothing. */
  takeInline(contact: Contact, field?: string): { contact: Contact; photo?: PendingPhoto };
  /** Stores photo bytes; storing one already there is fine. */
  save(photos: PendingPhoto[]): Promise<void>;
  /** The photo's bytes, or null. */
  load(hash: string): Promise<Buffer | null>;
  /** Drops photos stored before `before` that `referenced` (hashes of live contacts and tombstones)
   *  does not hold; returns how many. Maintenance: it may scan. */
  collect(referenced: Set<string>, before: Date): Promise<number>;
}

// ---------------------------------------------------------------- audit

/** Who changed what, for administrators (the audit work, implemented after this contract).
 *  Recording never fails a write: a lost audit entry is logged, the write stands. */
export type AuditOp = "create" | "update" | "delete" | "restore";
export type AuditEntry = {
  at: string;
  user: string;
  surface: Surface;
  book: string;
  uid: string;
  op: AuditOp;
  fields: string[];
};
export type AuditQuery = {
  book?: string;
  user?: string;
  surface?: Surface;
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
};

/** Every contact write with a WriteContext, recorded after the write. Recording never fails a
 *  write: an audit record that cannot be written is logged and dropped. */
export interface Audit {
  record(entries: AuditEntry[]): Promise<void>;
  /** Newest first, paged by an opaque cursor (null: no more). Maintenance-grade: it may scan. */
  list(query: AuditQuery): Promise<{ entries: AuditEntry[]; cursor: string | null }>;
  /** Drops entries older than `before` (AUDIT_RETENTION_DAYS); returns how many records (a
   *  request's writes are recorded together) it dropped. */
  purge(before: Date): Promise<number>;
}

// ---------------------------------------------------------------- imports

export type ImportState = "ready" | "running" | "done" | "failed" | "cancelled" | "undoing" | "undone";
/** An import job, as its newest version says. `holder` and `until`: the runner's lease (a runner
 *  takes a job whose lease ran out, so a job whose runner died is resumed by another).
 *  `chunks`: how many chunks of `chunkRows` records are written and recorded. */
export type ImportJob = {
  id: string;
  user: string;
  book: string;
  createdAt: string;
  expiresAt: string;
  bytes: number;
  /** The upload is stored packed (server/imports/compressed-bytes.ts); a job uploaded before
   *  uploads were packed has its bytes as they came. */
  packed?: boolean;
  settings: { format?: string; charset?: string; delimiter?: string; mapping?: Record<string, string> };
  state: ImportState;
  duplicates?: "skip" | "update" | "add";
  chunkRows: number;
  chunks: number;
  done: number;
  total: number;
  created: number;
  updated: number;
  skipped: number;
  /** The first errors (at most 1000); `errorCount` counts them all. */
  errors: { row: number; message: string }[];
  errorCount: number;
  cancelRequested: boolean;
  /** What an undo did: contacts removed, versions put back, and those left as they were because
   *  someone changed them after the import. */
  undone?: { removed: number; restored: number; kept: number };
  /** Who asked for the undo (its writes are audited as theirs), and how many chunks it has undone. */
  undoBy?: string;
  undoChunks?: number;
  holder: string | null;
  until: string | null;
  failure?: string;
  /** Until when the job can be undone (TOMBSTONE_RETENTION_DAYS after the upload): what undo
   *  needs is kept that long, while the upload and the chunks' plans go after a day
   *  (`uploadRemoved`). */
  undoUntil?: string;
  uploadRemoved?: boolean;
};
export type ImportVersion = { n: number; job: ImportJob };
export type ImportMapping = { name: string; shared: boolean; mapping: Record<string, string> };

/** Import uploads and jobs. A job changes only by compare-and-set on its version number, so of two
 *  instances that read one version only one moves it on (the database does it by inserting the
 *  next version under a unique _id: store/version-chain.ts). Blobs (the upload, each chunk's plan
 *  and results) are written once: the first writer's blob stands, later ones get it back. */
export interface Imports {
  /** Stores the upload and the job's first version. conflict if the id is taken. */
  create(job: ImportJob, upload: Uint8Array): Promise<void>;
  /** The newest version of a job, or null. */
  get(id: string): Promise<ImportVersion | null>;
  /** Writes `job` as version n + 1; false when another writer got there first (read it again). */
  update(id: string, n: number, job: ImportJob): Promise<boolean>;
  /** The uploaded bytes, or null once removed. */
  upload(id: string): Promise<Uint8Array | null>;
  /** Stores a blob under `key` of import `id` unless one is there; answers the one that stands. */
  putOnce(id: string, key: string, data: Uint8Array): Promise<Uint8Array>;
  /** The blob under `key`, or null. */
  blob(id: string, key: string): Promise<Uint8Array | null>;
  /** Every job's id, for the resume and expiry passes. Maintenance-grade: it may scan. */
  ids(): Promise<string[]>;
  /** Removes the job, its upload and its blobs. */
  remove(id: string): Promise<void>;
  /** Removes the blobs of import `id` under these keys ("upload" among them), keeping the job
   *  and its other blobs; keys without a blob are passed over. */
  dropBlobs(id: string, keys: string[]): Promise<void>;
  /** The user's own mapping of that name, else the shared one; null for none. */
  mapping(user: string, name: string): Promise<ImportMapping | null>;
  /** The user's mappings and the shared ones. */
  mappings(user: string): Promise<ImportMapping[]>;
  /** Stores a mapping: the user's own, or (owner null) one shared with everyone. */
  putMapping(owner: string | null, name: string, mapping: Record<string, string>): Promise<ImportMapping>;
  /** Removes it; false when there was none. */
  deleteMapping(owner: string | null, name: string): Promise<boolean>;
}

// ---------------------------------------------------------------- activity (the admin console)

/** How a sync of one pair ended, as the add-in reports it: synced, stopped by the user between
 *  chunks, or failed (`message` says why). */
export type SyncResult = "synced" | "stopped" | "failed";
export type SyncSideCounts = { created: number; updated: number; deleted: number };
export type SyncReportCounts = {
  outlook: SyncSideCounts;
  server: SyncSideCounts;
  conflicts: number;
  errors: number;
};
/** One finished sync of one pair (a server book and an Outlook folder) on one device. */
export type SyncReport = {
  device: string;
  pair: string;
  book: string;
  finishedAt: string;
  result: SyncResult;
  counts: SyncReportCounts;
  message?: string;
  /** The device session the report came through (routes/sync-reports.ts fills it from the caller's
   *  token), so the admin console shows each signed-in device with its syncs. */
  session?: string;
};
/** The newest report of a user's device and pair, with the last sync of it that did not fail. */
export type SyncActivity = SyncReport & { user: string; lastSyncedAt: string | null };
/** One run of a maintenance job (main.ts's pass): when, and whether it finished. */
export type JobRun = { job: string; startedAt: string; finishedAt: string; result: "ok" | "failed"; message?: string };
/** Live contacts and tombstones of one book. */
export type BookSize = { book: string; contacts: number; tombstones: number };

/** Device-and-pair keys a user's sync reports may fill (QUOTA_DEVICES' 20 devices with ten books each). */
export const MAX_SYNC_REPORTS = 200;

/** What the admin console shows about the server at work, the same from every instance. */
export interface Activity {
  /** Keeps the report as its device and pair's newest; one finished earlier than the kept one is
   *  ignored (a late retry). `lastSyncedAt` moves with every report that did not fail. A user keeps
   *  reports of at most MAX_SYNC_REPORTS device-and-pair keys: a new one past that is quota-exceeded. */
  reportSync(user: string, report: SyncReport): Promise<void>;
  /** Drops a user's sync reports (the user was deleted: a new user of that name starts with none).
   *  The stores' Accounts.deleteUser calls it. */
  forgetUser(user: string): Promise<void>;
  /** Every user's newest report per device and pair, or one user's. Maintenance-grade: it may scan. */
  syncActivity(user?: string): Promise<SyncActivity[]>;
  /** Keeps the run as its job's last. */
  recordJobRun(run: JobRun): Promise<void>;
  /** The last run of each job that ever ran. */
  jobRuns(): Promise<JobRun[]>;
  /** Each book's live contacts and tombstones (books with neither are left out). It scans. */
  bookSizes(): Promise<BookSize[]>;
}

/** Everything the surfaces use, as built by server/wiring.ts (database) or store/memory (tests). */
export type Store = {
  books: BookStore;
  contacts: ContactStore & ContactMaintenance & ContactRecovery & ContactSearch;
  audit: Audit;
  /** The same object as `contacts`, by the name maintenance passes use. */
  maintenance: ContactMaintenance;
  accounts: Accounts;
  syncStates: SyncStates;
  pairClaims: PairClaims;
  photos: Photos;
  quotas: Quotas;
  imports: Imports;
  sessions: Sessions;
  /** Sync reports, maintenance runs and book sizes for the admin console. */
  activity: Activity;
};

/** Per-user limits on what a user may keep. `contacts`: live contacts across the PABs they own;
 *  `photoBytes`: bytes of the distinct photos those contacts reference. */
export type QuotaLimits = {
  books: number;
  devices: number;
  syncStateBytes: number;
  contacts: number;
  photoBytes: number;
};
/** What a user's PABs hold, as counted for their quotas (store/quotas.ts says how it may drift). */
export type ContactUsage = { contacts: number; photoBytes: number };
/** Quotas checked where a surface creates something a user owns (sync states check their own). */
export interface Quotas {
  limits: QuotaLimits;
  /** Before a new PAB for `owner`: quota-exceeded with both numbers past QUOTA_BOOKS. An
   *  administrator creating books is not held to it. */
  checkNewBook(owner: string, byAdmin: boolean): Promise<void>;
  /** The owner's contacts and photo bytes as counted. Contact writes check them themselves: the
   *  store's applyWrites refuses each op that would take a PAB's owner past QUOTA_CONTACTS or
   *  QUOTA_PHOTO_MIB (status error, kind quota-exceeded, details {used, limit}), applying the
   *  others; whoever writes (an administrator, a share), it is the owner's usage. The GAB and the
   *  Directory count against no one. */
  contactUsage(owner: string): Promise<ContactUsage>;
  /** Maintenance: counts every PAB owner's live contacts and photo bytes afresh from their books
   *  and replaces what was counted, correcting drift. It reads every PAB. Returns the owners counted. */
  recount(): Promise<number>;
}
