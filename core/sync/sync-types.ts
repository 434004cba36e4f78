// The data that flows between reconcile (which plans) and runSync (which executes):
// snapshots of both sides, the persisted sync status, the plan, and the two
// small adapters runSync writes through.
import { z } from "zod";
import { contactSchema, type Contact } from "../contact/contact";
import type { FieldConflict } from "../contact/merge";

export type Side = "outlook" | "server";

// two-way: edits flow both ways. pull: a read-only book (GAB for non-admins, Local
// Directory, read-only shares); nothing is ever written to the server, so a 403
// cannot loop. publish: an admin publishes a folder; the server book becomes the folder.
export type SyncMode = "two-way" | "pull" | "publish";
export type ConflictPolicy = "server-wins" | "outlook-wins" | "newest-wins";
export type DeleteVsChange = "change-wins" | "delete-wins";

// ---- Snapshots (read fresh on every sync, never persisted) ----

/** Outlook items the user created have no Concord uid until the first sync stamps one. */
export type OutlookContact = Omit<Contact, "uid"> & { uid?: string };

export type OutlookItem = {
  id: string;
  contact: OutlookContact;
  /** Exchange changeKey: equal to the recorded one means unchanged, so the item need not be hashed. */
  changeKey?: string;
  /** contentHash of `contact`, if the adapter already knows it. */
  hash?: string;
  /** ISO 8601 last modification, for the newest-wins policy. */
  modifiedAt?: string;
};

export type ServerItem = {
  contact: Contact;
  etag: string;
  hash?: string;
  modifiedAt?: string;
};

/** `complete: false` marks a failed or partial read: what is missing from it is unknown, never deleted.
 *  `deletedUids`: uids the side is known to have deleted (server tombstones) that the status does not
 *  know; only meaningful for the server snapshot. An Outlook item stamped with one of them was on the
 *  server once, so it is not a new contact (see row server-deleted-before-status in core/reconcile.ts). */
export type Snapshot<Item> = { items: Item[]; complete: boolean; deletedUids?: string[] };

// ---- Persisted status (stored as JSON through the server's sync-state API) ----

export const statusEntrySchema = z.strictObject({
  uid: contactSchema.shape.uid,
  outlookId: z.string().min(1),
  /** The content both sides agreed on at the last sync, the base of the three-way merge, as
   *  compact JSON text (see baseOf). Kept in every mode: the next sync stands it in for items that
   *  neither side reports as changed. Optional for statuses written before that. Text, not a Contact: in V8 a 250-character string takes about a
   *  third of the memory of the same contact as objects, and only items changed on both sides are parsed. */
  baseJson: z.string().refine(isContactJson, "must be the JSON text of a contact").optional(),
  baseHash: z.string(),
  /** contentHash of the Outlook item as Outlook stored it (Outlook may rewrite what we wrote). */
  outlookHash: z.string(),
  outlookChangeKey: z.string().optional(),
  serverEtag: z.string(),
});

export const syncStatusSchema = z.strictObject({
  version: z.literal(1),
  entries: z.array(statusEntrySchema),
});

export type StatusEntry = z.infer<typeof statusEntrySchema>;
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const emptyStatus = (): SyncStatus => ({ version: 1, entries: [] });

// Fields the Contact schema fills with a default when absent, so storing them empty is waste.
const defaulted = new Set(["displayName", "emails", "phones", "addresses", "urls", "im", "categories", "extra"]);

/** A base as the status keeps it: the contact's JSON without its empty defaults. */
export function baseJsonOf(contact: Contact): string {
  const text = JSON.stringify(contact, function (key, value) {
    if (this !== contact || !defaulted.has(key)) return value;
    const empty = Array.isArray(value) ? value.length === 0 : value === "";
    return empty ? undefined : value;
  });
  // V8's JSON.stringify returns a rope of its builder's chunks (32, 64, 128... characters); reading
  // a character flattens it in place and the collector then drops the chunks, a third of the
  // memory of a 250-character base.
  text.charCodeAt(0);
  return text;
}

/** The entry's base as a Contact (defaults filled in), or undefined when the status keeps none. */
export function baseOf(entry: StatusEntry): Contact | undefined {
  return entry.baseJson === undefined ? undefined : contactSchema.parse(JSON.parse(entry.baseJson));
}

// A damaged base fails the status as a whole when it is loaded (pair-state then starts a first
// sync), not later in the middle of a reconcile.
function isContactJson(text: string): boolean {
  try {
    return contactSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/** The status as stored through the sync-state API; bases are already compact text. */
export function statusToJson(status: SyncStatus): string {
  return JSON.stringify(status);
}

export function statusFromJson(text: string): SyncStatus {
  return syncStatusSchema.parse(JSON.parse(text));
}

// ---- Plan ----

/** The decision-table row that produced an action; see core/reconcile.ts. */
export type Row =
  | "outlook-changed"
  | "server-changed"
  | "both-changed-alike"
  | "both-changed-merged"
  | "outlook-deleted"
  | "server-deleted"
  | "both-deleted"
  | "outlook-deleted-server-changed"
  | "server-deleted-outlook-changed"
  | "server-etag-moved"
  | "outlook-changekey-moved"
  | "outlook-new"
  | "server-new"
  | "matched-alike"
  | "matched-merged"
  | "server-deleted-before-status"
  | "pull-revert-outlook"
  | "pull-restore-outlook"
  | "pull-delete-outlook"
  | "pull-create-outlook"
  | "publish-overwrite-server"
  | "publish-delete-server"
  | "publish-create-server";

export type Action = {
  uid: string;
  row: Row;
  outlook?: "create" | "update" | "delete";
  server?: "put" | "delete";
  /** True when the server put creates the item (for counts). */
  serverCreates?: boolean;
  /** The Outlook item the pair is bound to (target of update/delete). */
  outlookId?: string;
  /** What both sides hold once the action succeeded; absent → the pair is forgotten. */
  contact?: Contact;
  /** The status's base text, recorded as-is for a pair whose content did not change. */
  baseJson?: string;
  /** contentHash of `contact`, recorded as the new base hash. */
  hash?: string;
  /** Current Outlook hash/changeKey, recorded as-is when Outlook is not written. */
  outlookHash?: string;
  outlookChangeKey?: string;
  /** Current server etag: If-Match for server writes, recorded as-is when the server is not written. */
  serverEtag?: string;
};

export type Conflict = FieldConflict & { uid: string };

export type Refusal =
  | { kind: "side-emptied"; side: Side }
  | { kind: "mass-delete"; side: Side; deletes: number; total: number; threshold: number }
  /** Outlook items the server deleted before the status knew them: deleted only once confirmed by uid. */
  | { kind: "deleted-on-server"; side: "outlook"; uids: string[] };

export type Quarantine = {
  uid: string;
  side: Side | "status";
  reason: "duplicate-uid" | "invalid-uid";
  outlookIds?: string[];
};

export type SideCounts = { created: number; updated: number; deleted: number };
export type Counts = {
  outlook: SideCounts;
  server: SideCounts;
  conflicts: number;
  unchanged: number;
  deferred: number;
};

/** One contact a plan deletes, named so a user can recognise it before confirming. */
export type Deletion = { uid: string; name: string };
/** The deletions a user saw (a plan's `deletions`) and confirmed, by uid per side. */
export type ConfirmedDeletes = { outlook: string[]; server: string[] };
/** An Outlook item kept in place, unsynced: it was never on the server and the mode cannot upload it. */
export type UnsyncedItem = { outlookId: string; name: string };

export type Plan = {
  mode: SyncMode;
  dryRun: boolean;
  actions: Action[];
  conflicts: Conflict[];
  counts: Counts;
  refusals: Refusal[];
  quarantined: Quarantine[];
  /** Every deletion the actions make, per side: what a confirmation dialog shows. */
  deletions: { outlook: Deletion[]; server: Deletion[] };
  unsynced: UnsyncedItem[];
};

// ---- Adapters ----

export type OutlookWriteResult = { hash?: string; changeKey?: string };

export type OutlookAdapter = {
  /** Must store contact.uid on the item (extended property) so an unrecorded create is found again by uid. */
  create(contact: Contact): Promise<OutlookWriteResult & { id: string }>;
  update(id: string, contact: Contact): Promise<OutlookWriteResult | undefined>;
  delete(id: string): Promise<void>;
};

// The wire shape of POST /api/books/:book/batch.
export const serverOpSchema = z.discriminatedUnion("op", [
  z.strictObject({
    op: z.literal("put"),
    uid: contactSchema.shape.uid,
    ifMatch: z.string().optional(),
    contact: contactSchema,
  }),
  z.strictObject({ op: z.literal("delete"), uid: contactSchema.shape.uid, ifMatch: z.string().optional() }),
]);
export const serverBatchRequestSchema = z.strictObject({ ops: z.array(serverOpSchema) });
export const serverOpResultSchema = z.strictObject({
  uid: z.string(),
  status: z.enum(["created", "updated", "deleted", "unchanged", "conflict", "error"]),
  etag: z.string().optional(),
  error: z.string().optional(),
  /** For an op the server refused on its own: the HTTP status it would have had (400 invalid, 413 too large). */
  code: z.number().int().optional(),
});
export const serverBatchResponseSchema = z.strictObject({ results: z.array(serverOpResultSchema) });

export type ServerOp = z.infer<typeof serverOpSchema>;
export type ServerOpResult = z.infer<typeof serverOpResultSchema>;

export type ServerAdapter = {
  applyBatch(ops: ServerOp[]): Promise<ServerOpResult[]>;
};

export type SyncAdapters = { outlook: OutlookAdapter; server: ServerAdapter };
