// One sync of one pair: a server address book and an Outlook contacts folder.
//   load the pair's state → read both sides → reconcile → (preview | ask | runSync) → save the state
// reconcile (core/reconcile.ts) decides, runSync (core/run-sync.ts) writes; this file only feeds them
// and wires their adapters to the Outlook store and the server API.
import type { Contact } from "../../core/contact";
import { contentHash } from "../../core/content-hash";
import { reconcile } from "../../core/reconcile";
import { runSync, type ActionError } from "../../core/run-sync";
import type { Action, ConflictPolicy, Counts, OutlookAdapter, OutlookItem, Plan, Refusal, SideCounts, SyncMode } from "../../core/sync-types";
import type { OutlookContactStore } from "../outlook/outlook-store";
import type { Book, ServerApi } from "../server-api";
import type { OutlookCodec } from "./outlook-codec";
import { emptyPairState, pairId, pairStateFromJson, pairStateToJson, type PairState } from "./pair-state";
import { outlookSnapshot, serverSnapshot, statusHoldsContent } from "./snapshots";

/** A store and the mapping of its wire form, kept together so their wire types agree. */
export type OutlookConnection<Wire = unknown> = { store: OutlookContactStore<Wire>; codec: OutlookCodec<Wire> };

export type SyncPhase = "loading" | "reading-outlook" | "reading-server" | "planning" | "writing" | "saving";
export type SyncProgress = { phase: SyncPhase; done: number; total?: number };

export type SyncRequest = {
  api: ServerApi;
  outlook: OutlookConnection<any>;
  deviceId: string;
  book: Book;
  /** Whether the signed-in user administers the server (an admin publishes the GAB). */
  admin: boolean;
  folderId: string;
  policy?: ConflictPolicy;
  /** Plan only: nothing is written, the plan comes back as a preview. */
  dryRun?: boolean;
  /** The user saw the mass-delete warning and wants the deletes. */
  confirmDeletes?: boolean;
  /** Actions applied per chunk (one server batch each). */
  chunkSize?: number;
  /** The status is saved after a chunk at most this often, and always at the end. A kill loses at
   *  most this much bookkeeping, which the next sync recovers by matching uids. */
  saveEveryMs?: number;
  onProgress?: (progress: SyncProgress) => void;
};

// A large book's status runs to megabytes; saving it after every chunk would upload it
// hundreds of times in one sync.
const DEFAULT_CHUNK_SIZE = 200;
const DEFAULT_SAVE_EVERY_MS = 10_000;

export type ConflictReport = { uid: string; name: string; field: string; outlook: unknown; server: unknown; winner: "outlook" | "server" };

export type SyncOutcome = {
  /** preview: a dry run. needs-confirmation: refused for too many deletes; run again with confirmDeletes. */
  kind: "synced" | "preview" | "needs-confirmation";
  mode: SyncMode;
  /** What was done (synced) or would be done (preview, needs-confirmation), per side. */
  counts: { outlook: SideCounts; server: SideCounts };
  conflicts: ConflictReport[];
  refusals: Refusal[];
  errors: ActionError[];
  plan: Plan;
};

/** The mode follows the access: an admin publishes the GAB, a read-only book is pulled, a writable one syncs both ways. */
export function modeFor(book: Pick<Book, "kind" | "access">, admin: boolean): SyncMode {
  if (book.kind === "gab" && admin && book.access === "write") return "publish";
  return book.access === "read" ? "pull" : "two-way";
}

export async function syncPair(request: SyncRequest): Promise<SyncOutcome> {
  const { api, book, deviceId, folderId } = request;
  const { store, codec } = request.outlook;
  const progress = request.onProgress ?? (() => {});
  const pair = pairId(book.id, folderId);

  progress({ phase: "loading", done: 0 });
  const saved = await api.getSyncState(deviceId, pair);
  const state: PairState = (saved && pairStateFromJson(saved.json)) || emptyPairState();
  let etag = saved?.etag;
  const mode = modeFor(book, request.admin);
  const incremental = statusHoldsContent(state.status);
  const outlookState = incremental && state.outlookKind === store.kind ? state.outlookState : undefined;
  const serverToken = incremental ? state.serverToken : undefined;

  progress({ phase: "reading-outlook", done: 0 });
  const read = await store.readFolder(folderId, outlookState, (done) => progress({ phase: "reading-outlook", done }));
  progress({ phase: "reading-server", done: 0 });
  const feed = await api.readAllChanges(book.id, serverToken, (done) => progress({ phase: "reading-server", done }));

  progress({ phase: "planning", done: 0 });
  const server = serverSnapshot(feed, state.status);
  const serverByUid = new Map(server.items.map((item) => [item.contact.uid, item.contact]));
  const outlook = outlookSnapshot(read, state.status, codec, serverByUid);
  const plan = reconcile(state.status, outlook, server, { mode, policy: request.policy, dryRun: request.dryRun, confirmDeletes: request.confirmDeletes });
  const conflicts = plan.conflicts.map((c): ConflictReport => ({ ...c, name: nameOf(serverByUid.get(c.uid)) ?? c.uid }));
  const planned = (kind: SyncOutcome["kind"]): SyncOutcome => ({ kind, mode, counts: plan.counts, conflicts, refusals: plan.refusals, errors: [], plan });
  if (plan.dryRun) return planned("preview");
  if (plan.refusals.length) return planned("needs-confirmation");

  // Until the sync is done, the saved feed positions stay where they were: a sync killed half-way
  // then re-reads everything it had not finished (see snapshots.ts).
  const save = async (next: PairState) => {
    progress({ phase: "saving", done: 0 });
    etag = await api.putSyncState(deviceId, pair, pairStateToJson(next), etag);
  };
  const outlookById = new Map(outlook.items.map((item) => [item.id, item]));
  const saveEveryMs = request.saveEveryMs ?? DEFAULT_SAVE_EVERY_MS;
  let lastSave = Date.now();
  const run = await runSync(
    plan,
    { outlook: outlookAdapter(request.outlook, folderId, outlookById), server: { applyBatch: (ops) => api.applyBatch(book.id, ops) } },
    state.status,
    {
      chunkSize: request.chunkSize ?? DEFAULT_CHUNK_SIZE,
      saveStatus: async (status) => {
        if (Date.now() - lastSave < saveEveryMs) return;
        await save({ ...state, status });
        lastSave = Date.now();
      },
      onProgress: ({ done, total }) => progress({ phase: "writing", done, total }),
    },
  );

  // Clean: every item of both sides is now in the status, so the next sync may read only changes.
  const clean = run.errors.length === 0 && plan.quarantined.length === 0 && plan.counts.deferred === 0;
  await save({
    status: run.status,
    outlookKind: store.kind,
    outlookState: clean ? read.state : read.full ? undefined : outlookState,
    serverToken: clean ? feed.token : feed.full ? undefined : serverToken,
  });
  const succeeded = new Set(run.results.filter((r) => r.ok).map((r) => r.uid));
  return {
    kind: "synced",
    mode,
    counts: countDone(plan.actions.filter((a) => succeeded.has(a.uid))),
    conflicts: conflicts.filter((c) => succeeded.has(c.uid)),
    refusals: [],
    errors: run.errors,
    plan,
  };
}

function outlookAdapter<Wire>({ store, codec }: OutlookConnection<Wire>, folderId: string, snapshot: Map<string, OutlookItem>): OutlookAdapter {
  // The hash recorded for Outlook is of what Outlook stored, read back the way the next sync reads it,
  // so a field Outlook rewrites does not look like a user's edit next time.
  const stored = (wire: Wire, contact: Contact) => contentHash(codec.read(wire, contact.uid, contact));
  return {
    async create(contact) {
      const item = await store.create(folderId, codec.forCreate(contact), contact.uid);
      return { id: item.id, changeKey: item.changeKey || undefined, hash: stored(item.wire, contact) };
    },
    async update(id, contact) {
      const current = snapshot.get(id);
      const previous = current && ({ ...current.contact, uid: contact.uid } as Contact);
      // The changeKey read at the start: an item the user edits meanwhile fails with a conflict and is
      // synced again next time, rather than overwritten.
      const item = await store.update(id, codec.forUpdate(contact, previous), contact.uid, current?.changeKey);
      return { changeKey: item.changeKey || undefined, hash: stored(item.wire, contact) };
    },
    delete: (id) => store.remove(id),
  };
}

function countDone(actions: Action[]): Counts {
  const counts: Counts = { outlook: { created: 0, updated: 0, deleted: 0 }, server: { created: 0, updated: 0, deleted: 0 }, conflicts: 0, unchanged: 0, deferred: 0 };
  for (const a of actions) {
    if (a.outlook) counts.outlook[a.outlook === "create" ? "created" : a.outlook === "update" ? "updated" : "deleted"]++;
    if (a.server === "delete") counts.server.deleted++;
    else if (a.server) counts.server[a.serverCreates ? "created" : "updated"]++;
  }
  return counts;
}

function nameOf(contact: Contact | undefined): string | undefined {
  if (!contact) return undefined;
  return contact.displayName.trim() || [contact.name?.given, contact.name?.family].filter(Boolean).join(" ") || contact.emails[0]?.address;
}

