// One sync of one pair: a server address book and an Outlook contacts folder.
//   claim the pair → load its state → read both sides (plus what the last sync left pending)
//   → reconcile → (preview | ask | runSync) → save the state → release the pair
// reconcile (core/sync/reconcile.ts) decides, runSync (core/sync/run-sync.ts) writes; this file only feeds them
// and wires their adapters to the Outlook store and the server API.
import type { Contact } from "../../core/contact/contact";
import { contentHash } from "../../core/contact/content-hash";
import { countSides } from "../../core/sync/counts";
import { modeFor } from "../../core/sync/mode";
import { contactName, reconcile } from "../../core/sync/reconcile";
import { runSync, type ActionError } from "../../core/sync/run-sync";
import type {
  Action,
  ConfirmedDeletes,
  OutlookContact,
  ConflictPolicy,
  OutlookAdapter,
  OutlookItem,
  Plan,
  Refusal,
  SideCounts,
  SyncMode,
} from "../../core/sync/sync-types";
export type { ConfirmedDeletes };
import type { OutlookContactStore } from "../outlook/outlook-store";
import type { Book, ServerApi } from "../server-api";
import type { OutlookCodec } from "./outlook-codec";
import { claimPair, type PairClaim } from "./pair-claim";
import { emptyPairState, pairId, pairStateFromJson, pairStateToJson, type PairState } from "./pair-state";
import { nextPending, tombstonedUids, withPendingOutlook, withPendingServer } from "./pending";
import { outlookSnapshot, serverSnapshot, statusHoldsContent } from "../../core/sync/snapshots";

/** A store and the mapping of its wire form, kept together so their wire types agree. */
export type OutlookConnection<Wire = unknown> = { store: OutlookContactStore<Wire>; codec: OutlookCodec<Wire> };

export type SyncPhase = "loading" | "reading-outlook" | "reading-server" | "planning" | "writing" | "saving";
export type SyncProgress = { phase: SyncPhase; done: number; total?: number };

/** The server calls one sync makes. */
export type SyncApi = Pick<
  ServerApi,
  "getSyncState" | "putSyncState" | "readAllChanges" | "lookup" | "applyBatch" | "claimPair" | "releasePair"
>;

/** The deletions a user saw and confirmed, per side (Concord uids). */

export type SyncRequest = {
  api: SyncApi;
  outlook: OutlookConnection<unknown>;
  deviceId: string;
  book: Book;
  /** Whether the signed-in user administers the server. */
  admin: boolean;
  folderId: string;
  /** Only on the user's explicit "Replace the GAB with this folder": the server book becomes the folder. */
  mode?: "publish";
  policy?: ConflictPolicy;
  /** Plan only: nothing is written, the plan comes back as a preview. */
  dryRun?: boolean;
  /** The deletions the user saw (plan.deletions of the plan shown) and confirmed; the sync deletes
   *  no other item, and asks again when it would. */
  confirmedDeletes?: ConfirmedDeletes;
  /** Actions applied per chunk (one server batch each). */
  chunkSize?: number;
  /** The status is saved after a chunk at most this often, and always at the end. A kill loses at
   *  most this much bookkeeping, which the next sync recovers by matching uids. */
  saveEveryMs?: number;
  onProgress?: (progress: SyncProgress) => void;
  /** Cancel: asked between chunks; true stops after the current chunk, which is applied and saved whole. */
  shouldStop?: () => boolean;
};

// A large book's status runs to megabytes; saving it after every chunk would upload it
// hundreds of times in one sync.
const DEFAULT_CHUNK_SIZE = 200;
const DEFAULT_SAVE_EVERY_MS = 10_000;

export type ConflictReport = {
  uid: string;
  name: string;
  field: string;
  outlook: unknown;
  server: unknown;
  winner: "outlook" | "server";
};

/** An Outlook edit of a read-only book that the sync put back: the user's text, so it is not lost. */
export type RevertedEdit = { uid: string; name: string; contact: OutlookContact };

export type SyncOutcome = {
  /** preview: a dry run. needs-confirmation: refused for deletes; run again with confirmedDeletes.
   *  stopped: cancelled between chunks; what was written is saved, the rest syncs next time. */
  kind: "synced" | "preview" | "needs-confirmation" | "stopped";
  mode: SyncMode;
  /** What was done (synced) or would be done (preview, needs-confirmation), per side. */
  counts: { outlook: SideCounts; server: SideCounts };
  conflicts: ConflictReport[];
  refusals: Refusal[];
  errors: ActionError[];
  plan: Plan;
  /** Edits made in Outlook to a read-only book's contacts that this sync reverted (or would revert). */
  reverted: RevertedEdit[];
  /** Contacts already in the folder that were paired with the book's own (no duplicate made). */
  matched: number;
};

function modeOf(request: SyncRequest): SyncMode {
  if (request.mode !== "publish") return modeFor(request.book);
  if (request.book.access !== "write")
    throw new Error(`You cannot replace ${request.book.name}: it is read-only for you.`);
  return "publish";
}

export async function syncPair(request: SyncRequest): Promise<SyncOutcome> {
  const pair = pairId(request.book.id, request.folderId);
  const mode = modeOf(request);
  // A dry run writes nothing, so it needs no claim.
  if (request.dryRun) return syncClaimed(request, pair, mode);
  const claim = await claimPair(request.api, request.deviceId, pair);
  try {
    return await syncClaimed(request, pair, mode, claim);
  } finally {
    await claim.release();
  }
}

async function syncClaimed(
  request: SyncRequest,
  pair: string,
  mode: SyncMode,
  claim?: PairClaim,
): Promise<SyncOutcome> {
  const { api, book, deviceId, folderId } = request;
  const { store, codec } = request.outlook;
  const progress = request.onProgress ?? (() => {});

  progress({ phase: "loading", done: 0 });
  const saved = await api.getSyncState(deviceId, pair);
  const state: PairState = (saved && pairStateFromJson(saved.json)) || emptyPairState();
  let etag = saved?.etag;
  const incremental = statusHoldsContent(state.status);
  const outlookState = incremental && state.outlookKind === store.kind ? state.outlookState : undefined;
  const serverToken = incremental ? state.serverToken : undefined;
  // A pending list belongs to the positions it was saved with.
  const pending = incremental ? state.pending : undefined;

  progress({ phase: "reading-outlook", done: 0 });
  const delta = await store.readFolder(folderId, outlookState, (done) => progress({ phase: "reading-outlook", done }));
  // No state, or one the store no longer knew: the folder was listed whole.
  const wholeRead = outlookState === undefined || delta.full;
  const read = await withPendingOutlook(store, folderId, delta, pending, state.status, wholeRead);
  progress({ phase: "reading-server", done: 0 });
  const changes = await api.readAllChanges(book.id, serverToken, (done) => progress({ phase: "reading-server", done }));
  const feed = await withPendingServer(api, book.id, changes, pending);
  const deletedUids = await tombstonedUids(api, book.id, state.status, read, feed);

  progress({ phase: "planning", done: 0 });
  const server = serverSnapshot(feed, state.status, deletedUids);
  const serverByUid = new Map(server.items.map((item) => [item.contact.uid, item.contact]));
  const outlook = outlookSnapshot(read, state.status, codec, serverByUid);
  // A whole read that did not hold still may have skipped items the status does not know: matching
  // and creating new items wait for a read that holds (reconcile defers them).
  if (wholeRead && !delta.full) outlook.complete = false;
  const { policy, dryRun, confirmedDeletes } = request;
  const plan = reconcile(state.status, outlook, server, { mode, policy, dryRun, confirmedDeletes });
  const conflicts = plan.conflicts.map(
    (c): ConflictReport => ({ ...c, name: contactName(serverByUid.get(c.uid), c.uid) }),
  );
  const reverted = revertedEdits(plan, new Map(outlook.items.map((item) => [item.id, item])));
  const matched = matchedCount(plan, state.status);
  const planned = (kind: SyncOutcome["kind"]): SyncOutcome => ({
    kind,
    mode,
    counts: plan.counts,
    conflicts,
    refusals: plan.refusals,
    errors: [],
    plan,
    reverted,
    matched,
  });
  if (!plan.dryRun && request.shouldStop?.()) return { ...planned("stopped"), counts: countSides([]), reverted: [] };
  if (plan.dryRun) return planned("preview");
  if (plan.refusals.length) return planned("needs-confirmation");

  const save = async (next: PairState) => {
    claim?.assertHeld();
    progress({ phase: "saving", done: 0 });
    etag = await api.putSyncState(deviceId, pair, pairStateToJson(next), etag);
  };
  const outlookById = new Map(outlook.items.map((item) => [item.id, item]));
  const saveEveryMs = request.saveEveryMs ?? DEFAULT_SAVE_EVERY_MS;
  let lastSave = Date.now();
  const run = await runSync(
    plan,
    {
      outlook: outlookAdapter(request.outlook, folderId, outlookById),
      server: { applyBatch: (ops) => api.applyBatch(book.id, ops) },
    },
    state.status,
    {
      chunkSize: request.chunkSize ?? DEFAULT_CHUNK_SIZE,
      saveStatus: async (status) => {
        claim?.assertHeld();
        // Until the sync is done, the saved positions and pending list stay as they were: a sync
        // killed half-way then reads again everything it had not finished.
        if (Date.now() - lastSave < saveEveryMs) return;
        await save({ ...state, status });
        lastSave = Date.now();
      },
      onProgress: ({ done, total }) => progress({ phase: "writing", done, total }),
      shouldStop: request.shouldStop,
    },
  );
  const succeeded = new Set(run.results.filter((r) => r.ok).map((r) => r.uid));
  const done = {
    mode,
    counts: countSides(plan.actions.filter((a) => succeeded.has(a.uid))),
    conflicts: conflicts.filter((c) => succeeded.has(c.uid)),
    refusals: [],
    errors: run.errors,
    plan,
    reverted: reverted.filter((r) => succeeded.has(r.uid)),
    matched: matchedCount({ actions: plan.actions.filter((a) => succeeded.has(a.uid)) }, state.status),
  };
  if (run.stopped) {
    // Like a sync killed between chunks: the status keeps what was written, the positions stay, and
    // the next sync reads again everything this one had not finished.
    await save({ ...state, status: run.status });
    return { kind: "stopped", ...done };
  }

  // Both sides were read: the positions advance, clean or not, and what this sync did not finish
  // (or wrote to Outlook itself) is read again directly next time.
  const reported = {
    outlookIds: [...read.items.map((item) => item.id), ...read.removed],
    uids: feed.changes.map((c) => c.uid),
  };
  await save({
    status: run.status,
    outlookKind: store.kind,
    // A whole read that did not hold still gives no state to build on: the next sync reads whole again.
    outlookState: wholeRead && !delta.full ? undefined : read.state,
    serverToken: feed.token,
    pending: nextPending(plan, run.results, reported),
  });
  return { kind: "synced", ...done };
}

// The rows of reconcile's table for an Outlook item and a server contact found to be the same one.
const matchRows = new Set<Action["row"]>([
  "matched-alike",
  "matched-merged",
  "pull-revert-outlook",
  "publish-overwrite-server",
]);

/** Items the status did not know that were matched across the two sides, instead of duplicated. */
function matchedCount(plan: Pick<Plan, "actions">, status: PairState["status"]): number {
  const known = new Set(status.entries.map((entry) => entry.uid));
  return plan.actions.filter((a) => matchRows.has(a.row) && a.outlookId !== undefined && !known.has(a.uid)).length;
}

/** The Outlook side of each item a pull reverts: the user's text, shown so it is not lost. */
function revertedEdits(plan: Plan, outlookById: Map<string, OutlookItem>): RevertedEdit[] {
  const edits: RevertedEdit[] = [];
  for (const action of plan.actions) {
    if (action.row !== "pull-revert-outlook") continue;
    const mine = action.outlookId ? outlookById.get(action.outlookId) : undefined;
    if (!mine) continue;
    edits.push({ uid: action.uid, name: contactName(action.contact, action.uid), contact: mine.contact });
  }
  return edits;
}

function outlookAdapter<Wire>(
  { store, codec }: OutlookConnection<Wire>,
  folderId: string,
  snapshot: Map<string, OutlookItem>,
): OutlookAdapter {
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
