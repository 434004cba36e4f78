// Per user, device and pair: the add-in's opaque sync status, kept on the server
// so that a reinstalled add-in or a second PC resumes instead of duplicating.
import { createHash } from "node:crypto";
import type { Models } from "../db/models";
import { HttpError, preconditionFailed } from "../http/errors";
import { versionChain } from "./version-chain";

// BSON documents stop at 16 MiB; the state is kept as text inside one.
export const MAX_SYNC_STATE_BYTES = 12 * 1024 * 1024;

type StateVersion = { json: string; etag: string; updatedAt: Date };

export function createSyncStates(models: Models, clock: () => Date) {
  const chain = versionChain<StateVersion>(models.SyncState.collection, models.SyncStateHint.collection);
  const keyOf = (username: string, device: string, pair: string) => `${username}/${device}/${pair}`;

  async function get(username: string, device: string, pair: string) {
    const cur = await chain.latest(keyOf(username, device, pair));
    return cur && { json: cur.value.json, etag: cur.value.etag };
  }

  /** Stores a new state; with `ifMatch`, only over that version; with `ifNoneMatch`, only when none exists. */
  async function put(username: string, device: string, pair: string, json: string, pre: { ifMatch?: string; ifNoneMatch?: boolean }) {
    if (Buffer.byteLength(json) > MAX_SYNC_STATE_BYTES) throw new HttpError(413, "payload-too-large", `A sync state may be at most ${MAX_SYNC_STATE_BYTES} bytes`);
    const key = keyOf(username, device, pair);
    const cur = await chain.latest(key);
    if (pre.ifMatch && pre.ifMatch !== "*" && cur?.value.etag !== pre.ifMatch) throw preconditionFailed("The sync state changed since you read it");
    if (pre.ifMatch === "*" && !cur) throw preconditionFailed("There is no sync state to replace");
    if (pre.ifNoneMatch && cur) throw preconditionFailed("A sync state already exists");
    const n = (cur?.n ?? 0) + 1;
    const etag = `${n}-${createHash("sha256").update(json).digest("hex").slice(0, 16)}`;
    // Two writers that read the same version race to insert the next; the loser gets 412.
    if (!(await chain.append(key, n, { json, etag, updatedAt: clock() }))) {
      if (pre.ifMatch || pre.ifNoneMatch) throw preconditionFailed("The sync state changed since you read it");
      return put(username, device, pair, json, pre);
    }
    return { etag };
  }

  return { get, put };
}
