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
  /** A new PAB with its (empty) change log. */
  createPab(name: string, owner: string): Promise<BookRecord>;
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
  | { op: "put"; uid: string; contact: Contact; ifMatch?: string; ifNoneMatch?: boolean; href?: string; source?: string }
  | { op: "delete"; uid: string; ifMatch?: string; source?: string };

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
  kind?: "owned-by-source";
  details?: Record<string, unknown>;
};

/** A live contact. `seq` orders versions within a book (higher is newer). */
export type StoredContact = { uid: string; etag: string; seq: number; contact: Contact; href?: string; source?: string };
/** One entry of a change feed or lookup: a live version, or a tombstone (`deleted`, no contact). */
export type Change = { uid: string; etag: string; deleted: boolean; modifiedAt: string; contact?: Contact; href?: string };
export type ChangePage = { changes: Change[]; token: string; more: boolean };
export type ContactPage = { contacts: StoredContact[]; cursor: string | null };

/** One book's contacts and their change log. Every method throws not-found for a book that
 *  does not exist, and busy when the book's writer lease cannot be had in time. */
export interface ContactStore {
  /** Creates the book's (empty) log, then the book: a listed book always has a log. */
  createBook(init: BookInit): Promise<void>;
  /** Applies each op on its own (one op's failure never blocks another) and answers each in
   *  order; preconditions (ifMatch, ifNoneMatch) fail as status `conflict`, never as a throw.
   *  With `retrySafe`, a put whose content is stored already is `unchanged` whatever its
   *  ifMatch, so a retried batch answers as its first try did. */
  applyWrites(book: string, ops: WriteOp[], options?: { retrySafe?: boolean }): Promise<OpResult[]>;
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
}

/** Looking contacts up by what they say, for directory protocols (LDAP, CardDAV addressbook-query).
 *  Declared for the surfaces that need it; no implementation yet. Must not scan a book per
 *  request on the database: it needs its own index documents. */
export interface ContactSearch {
  search(book: string, query: { text: string; fields?: (keyof Contact)[] }, limit: number): Promise<StoredContact[]>;
}

/** Deleted contacts a user can bring back (the restore work, implemented after this contract).
 *  Restoring writes the last live version again as a new change, so every feed sees it. */
export interface ContactRecovery {
  /** Tombstones still kept, newest first, with the content they had when deleted. */
  deletedItems(book: string, limit: number): Promise<StoredContact[]>;
  /** Brings a deleted contact back; not-found when its tombstone is gone. */
  restore(book: string, uid: string): Promise<OpResult>;
}

// ---------------------------------------------------------------- accounts and sessions

export type PublicUser = z.infer<typeof userSchema>;

/** What sign-in and token checks need of a user; never sent to a client. */
export type SessionUser = {
  username: string; admin: boolean; disabled: boolean; passwordHash: string; primaryBook: string;
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
  /** The user `caller` may share a book with; not-found alike for a missing, disabled or hidden user
   *  (admins see every user), so sharing never reveals which user names exist. */
  findShareableUser(caller: { admin?: boolean | null }, username: string): Promise<PublicUser>;
  listLists(): Promise<MailingList[]>;
  findList(address: string): Promise<MailingList>;
  createList(input: z.infer<typeof newListSchema>): Promise<MailingList>;
  updateList(address: string, patch: z.infer<typeof listPatchSchema>): Promise<MailingList>;
  deleteList(address: string): Promise<void>;
}
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

export type SessionStart = { username: string; device: string; client: string; tokenVersion: number; lifetimeMs: number };

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
   *  Of two rotations of one token exactly one succeeds, and the other ends the session as reused. */
  rotate(refreshToken: string, lifetimeMs: number): Promise<Rotation>;
  /** The session while it lasts (neither ended nor expired), else null. */
  get(id: string): Promise<SessionRecord | null>;
  /** The user's lasting sessions begun under `tokenVersion`, most recently used first. */
  list(username: string, tokenVersion: number): Promise<SessionRecord[]>;
  /** Ends one of the user's sessions; not-found when the user has no such lasting session. */
  end(username: string, id: string): Promise<void>;
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
}

/** Who is syncing a pair right now, so two Outlooks of one mailbox never sync it at once. */
export interface PairClaims {
  /** Claims (or renews) the pair for `seconds`; conflict with details {claim: "pair", until} when
   *  another holder's claim is live; busy when the claim keeps changing. */
  claim(username: string, device: string, pair: string, holder: string, seconds: number): Promise<{ holder: string; until: Date }>;
  /** Ends the holder's claim; anyone else's claim (or none) is left as it is. */
  release(username: string, device: string, pair: string, holder: string): Promise<void>;
}

// ---------------------------------------------------------------- photos

/** Photo bytes, stored once under the SHA-256 of their bytes, apart from contacts. */
export interface Photos {
  /** Moves inline photo bytes into the photo store and returns the contact with the hash only;
   *  invalid (with `fields`) when the data is not base64. `field` names the photo in that error. */
  storeInline(contact: Contact, field?: string): Promise<Contact>;
  /** The photo, or null. */
  load(hash: string): Promise<{ mediaType: string; bytes: Buffer } | null>;
}

// ---------------------------------------------------------------- audit

/** Who changed what, for administrators (the audit work, implemented after this contract).
 *  Recording never fails a write: a lost audit entry is logged, the write stands. */
export interface Audit {
  record(entry: { at: Date; actor: string; book: string; uid?: string; action: string }): Promise<void>;
  list(query: { book?: string; actor?: string; before?: Date; limit: number }): Promise<{ at: Date; actor: string; book: string; uid?: string; action: string }[]>;
}

/** Everything the surfaces use, as built by server/wiring.ts (database) or store/memory (tests). */
export type Store = {
  books: BookStore;
  contacts: ContactStore & ContactMaintenance;
  /** The same object as `contacts`, by the name maintenance passes use. */
  maintenance: ContactMaintenance;
  accounts: Accounts;
  syncStates: SyncStates;
  pairClaims: PairClaims;
  photos: Photos;
  sessions: Sessions;
};
