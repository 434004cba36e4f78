// Executes a Plan from core/reconcile.ts through the two adapters, in chunks.
// An item's status entry changes only after every write for that item succeeded,
// so a failed write leaves the old entry and the next reconcile retries it instead
// of reading the half-done state as an edit or a delete. The status is saved after
// each chunk, so a kill loses at most one chunk of bookkeeping, and that chunk is
// recovered on the next run: Outlook creates carry the uid and server puts use
// client-chosen uids, so redone work matches by uid instead of duplicating.
import { contentHash } from "../contact/content-hash";
import { baseJsonOf } from "./sync-types";
import type {
  Action,
  OutlookWriteResult,
  Plan,
  Refusal,
  Row,
  ServerOp,
  ServerOpResult,
  Side,
  StatusEntry,
  SyncAdapters,
  SyncStatus,
} from "./sync-types";

export type RunSyncOptions = {
  /** Items per chunk: one server batch and one status save per chunk. */
  chunkSize?: number;
  saveStatus?: (status: SyncStatus) => Promise<void> | void;
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Asked before each chunk: true stops the run there, every chunk before it fully applied and saved. */
  shouldStop?: () => boolean;
};

export type ActionResult = {
  uid: string;
  row: Row;
  ok: boolean;
  outlookId?: string;
  server?: ServerOpResult["status"];
};
export type ActionError = { uid: string; side: Side; message: string };
/** `stopped`: shouldStop ended the run before every action was tried; the untried ones have no result. */
export type SyncRun = { status: SyncStatus; results: ActionResult[]; errors: ActionError[]; stopped: boolean };

export class PlanRefusedError extends Error {
  constructor(
    readonly reason: "dry-run" | "refused" | "server-write-in-pull",
    readonly refusals: Refusal[] = [],
  ) {
    super(`plan not applied: ${reason}${refusals.length ? ` (${refusals.map((r) => r.kind).join(", ")})` : ""}`);
    this.name = "PlanRefusedError";
  }
}

type Outcome = { action: Action; outlook?: OutlookWriteResult & { id?: string }; server?: ServerOpResult };

const serverSucceeded: Record<ServerOp["op"], ReadonlySet<ServerOpResult["status"]>> = {
  put: new Set(["created", "updated", "unchanged"]),
  // Already gone is what a delete wants.
  delete: new Set(["deleted", "unchanged"]),
};

export async function runSync(
  plan: Plan,
  adapters: SyncAdapters,
  status: SyncStatus,
  options: RunSyncOptions = {},
): Promise<SyncRun> {
  if (plan.dryRun) throw new PlanRefusedError("dry-run");
  if (plan.refusals.length) throw new PlanRefusedError("refused", plan.refusals);
  // A read-only book answers writes with 403; never send one.
  if (plan.mode === "pull" && plan.actions.some((a) => a.server)) throw new PlanRefusedError("server-write-in-pull");

  const book = statusBook(status);
  const results: ActionResult[] = [];
  const errors: ActionError[] = [];
  const chunkSize = Math.max(1, options.chunkSize ?? 50);
  const total = plan.actions.length;
  for (let start = 0; start < total; start += chunkSize) {
    if (options.shouldStop?.()) return { status: book.status(), results, errors, stopped: true };
    const chunk = plan.actions.slice(start, start + chunkSize);
    const outcomes = await applyOutlook(chunk, adapters, errors, results);
    for (const outcome of await applyServer(outcomes, adapters, errors, results)) {
      book.commit(outcome);
      results.push({
        uid: outcome.action.uid,
        row: outcome.action.row,
        ok: true,
        outlookId: outcome.outlook?.id ?? outcome.action.outlookId,
        server: outcome.server?.status,
      });
    }
    await options.saveStatus?.(book.status());
    options.onProgress?.({ done: Math.min(start + chunkSize, total), total });
  }
  return { status: book.status(), results, errors, stopped: false };
}

/** Outlook first: an item that needs its uid stamped has it before the server hears of it. */
async function applyOutlook(
  chunk: Action[],
  adapters: SyncAdapters,
  errors: ActionError[],
  results: ActionResult[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const action of chunk) {
    try {
      outcomes.push({ action, outlook: await writeOutlook(action, adapters) });
    } catch (error) {
      errors.push({ uid: action.uid, side: "outlook", message: messageOf(error) });
      results.push({ uid: action.uid, row: action.row, ok: false });
    }
  }
  return outcomes;
}

async function writeOutlook(action: Action, adapters: SyncAdapters): Promise<Outcome["outlook"]> {
  switch (action.outlook) {
    case undefined:
      return undefined;
    case "create":
      return adapters.outlook.create(action.contact!);
    case "update":
      return (await adapters.outlook.update(action.outlookId!, action.contact!)) ?? {};
    case "delete":
      await adapters.outlook.delete(action.outlookId!);
      return {};
  }
}

async function applyServer(
  outcomes: Outcome[],
  adapters: SyncAdapters,
  errors: ActionError[],
  results: ActionResult[],
): Promise<Outcome[]> {
  const ops = outcomes.flatMap(({ action }) => (action.server ? [serverOp(action)] : []));
  if (!ops.length) return outcomes;
  let answers = new Map<string, ServerOpResult>();
  let batchError: string | undefined;
  try {
    answers = new Map((await adapters.server.applyBatch(ops)).map((r) => [r.uid, r]));
  } catch (error) {
    batchError = messageOf(error);
  }
  return outcomes.filter((outcome) => {
    const { action } = outcome;
    if (!action.server) return true;
    const answer = answers.get(action.uid);
    if (answer && serverSucceeded[action.server].has(answer.status)) {
      outcome.server = answer;
      return true;
    }
    const message =
      batchError ??
      (answer ? `${answer.status}${answer.error ? `: ${answer.error}` : ""}` : "no result in batch response");
    errors.push({ uid: action.uid, side: "server", message });
    results.push({ uid: action.uid, row: action.row, ok: false, server: answer?.status });
    return false;
  });
}

function serverOp(action: Action): ServerOp {
  // If-Match guards against a server edit made after the snapshot; a create has no etag.
  const ifMatch = action.serverEtag;
  if (action.server === "delete") return { op: "delete", uid: action.uid, ...(ifMatch ? { ifMatch } : {}) };
  return {
    op: "put",
    uid: action.uid,
    contact: action.contact!,
    ...(ifMatch && !action.serverCreates ? { ifMatch } : {}),
  };
}

/** The status as a map that keeps the entry order and any quarantined duplicate entries.
 *  Every entry keeps its base: two-way merges need it, and in every mode it is what lets the
 *  next sync read only what changed instead of both sides whole. */
function statusBook(status: SyncStatus) {
  const entries = new Map<string, StatusEntry>();
  const duplicates: StatusEntry[] = [];
  for (const entry of status.entries) {
    if (entries.has(entry.uid)) duplicates.push(entry);
    else entries.set(entry.uid, entry);
  }
  return {
    commit({ action, outlook, server }: Outcome): void {
      if (!action.contact) {
        entries.delete(action.uid);
        return;
      }
      const baseHash = action.hash ?? contentHash(action.contact);
      const entry: StatusEntry = {
        uid: action.uid,
        outlookId: outlook?.id ?? action.outlookId!,
        baseJson: action.baseJson ?? baseJsonOf(action.contact),
        baseHash,
        outlookHash: outlook ? (outlook.hash ?? baseHash) : action.outlookHash!,
        serverEtag: server ? (server.etag ?? "") : (action.serverEtag ?? ""),
      };
      const changeKey = outlook ? outlook.changeKey : action.outlookChangeKey;
      if (changeKey !== undefined) entry.outlookChangeKey = changeKey;
      entries.set(action.uid, entry);
    },
    status: (): SyncStatus => ({ version: 1, entries: [...entries.values(), ...duplicates] }),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
