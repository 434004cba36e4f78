// What one pair (a server book and an Outlook folder) keeps between syncs, stored as opaque JSON
// through the server's sync-state API: the reconcile status, where each side's change feed stood
// when the last sync read it, so the next sync reads only what changed since, and the items that
// sync left unfinished, which the next sync reads again directly (see pending.ts).
import { z } from "zod";
import { hashText } from "../../core/contact/content-hash";
import { emptyStatus, statusToJson, syncStatusSchema, type SyncStatus } from "../../core/sync/sync-types";

export type PairState = {
  status: SyncStatus;
  /** The store that issued `outlookState`: a Graph deltaLink means nothing to EWS. */
  outlookKind?: "graph" | "ews";
  outlookState?: string;
  serverToken?: string;
  /** Items to read again next time, whatever the change feeds say: Outlook item ids and server uids. */
  pending?: Pending;
};

export type Pending = { outlookIds: string[]; uids: string[] };

const storedSchema = z.object({
  version: z.literal(1),
  outlookKind: z.enum(["graph", "ews"]).optional(),
  outlookState: z.string().optional(),
  serverToken: z.string().optional(),
  // Optional: states saved before it existed load with nothing pending.
  pending: z.object({ outlookIds: z.array(z.string()), uids: z.array(z.string()) }).optional(),
  status: syncStatusSchema,
});

export const emptyPairState = (): PairState => ({ status: emptyStatus() });

export function pairStateToJson(state: PairState): string {
  const { outlookKind, outlookState, serverToken, pending } = state;
  const head = JSON.stringify({ version: 1, outlookKind, outlookState, serverToken, pending });
  // The status keeps its own compact text (core/sync/sync-types statusToJson).
  return `${head.slice(0, -1)}${head.length > 2 ? "," : ""}"status":${statusToJson(state.status)}}`;
}

/** A state this build cannot read (another version, damaged) counts as none: the next sync is a first sync. */
export function pairStateFromJson(json: unknown): PairState | undefined {
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { version: _version, ...state } = parsed.data;
  return state;
}

// The sync-state API takes ids of 1-128 letters, digits, . _ or - (server/http/api-schemas.ts
// pathIdSchema); Exchange folder ids are longer and use + / =, so the folder id is hashed.
export function pairId(bookId: string, folderId: string): string {
  const book = bookId.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64);
  return `${book}.${hashText(`folder:${folderId}`).slice(0, 32)}`;
}
