// Per user, device and pair: the add-in's opaque sync status, kept on the server
// so that a reinstalled add-in or a second PC resumes instead of duplicating.
//
// A status for a large book runs to tens of megabytes, past what one BSON
// document holds (16 MiB), so the text is stored in parts addressed by their
// hash. The version document that lists the parts is the commit point: a part
// without a version is invisible, and parts shared by successive versions (a
// status mostly grows at the end) are stored once.
import { insertOr } from "../db/duplicate-key";
import { createHash } from "node:crypto";
import type { Models } from "../db/models";
import { storeError } from "./errors";
import { MAX_SYNC_STATE_BYTES, type SyncStates } from "./contract";
import type { UsageRecord } from "./quotas";

export { MAX_SYNC_STATE_BYTES } from "./contract";
import { KEEP_VERSIONS, type Version, versionChain } from "./version-chain";

const PART_CHARS = 4 * 1024 * 1024;

/** `removed`: the state was forgotten (a version listing no parts, so trims drop the older ones'). */
type StateVersion = { parts: string[]; etag: string; updatedAt: Date; removed?: boolean };

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Each user's sync-state usage, in one settings document per user (see store/quotas.ts). */
export function syncUsageRecord(models: Models): UsageRecord {
  const id = (user: string) => `sync-usage:${user}`;
  return {
    read: async (user) =>
      JSON.parse((await models.Setting.findById(id(user)).lean<{ value: string }>())?.value ?? "{}"),
    write: async (user, usage) =>
      void (await models.Setting.replaceOne(
        { _id: id(user) },
        { _id: id(user), value: JSON.stringify(usage) },
        { upsert: true },
      )),
  };
}

export function createSyncStates(models: Models, clock: () => Date): SyncStates {
  const chain = versionChain<StateVersion>(models.SyncState.collection, models.SyncStateHint.collection);
  const Parts = models.SyncStatePart;
  const keyOf = (username: string, device: string, pair: string) => `${username}/${device}/${pair}`;
  const partId = (key: string, hash: string) => `${key}@${hash}`;

  async function readText(key: string, parts: string[]): Promise<string> {
    const docs = await Promise.all(parts.map((hash) => Parts.findById(partId(key, hash)).lean()));
    if (docs.some((d) => !d)) throw new Error("A part of the stored sync state is missing");
    return docs.map((d) => d!.text).join("");
  }

  async function writeParts(key: string, json: string): Promise<string[]> {
    const texts = Array.from({ length: Math.max(1, Math.ceil(json.length / PART_CHARS)) }, (_, i) =>
      json.slice(i * PART_CHARS, (i + 1) * PART_CHARS),
    );
    const hashes = texts.map(sha256);
    for (const [i, hash] of hashes.entries()) {
      if (await Parts.exists({ _id: partId(key, hash) })) continue;
      await insertOr(Parts.create({ _id: partId(key, hash), text: texts[i] }), () => undefined); // a racing writer stored the same bytes
    }
    return hashes;
  }

  async function dropUnused(key: string, old: StateVersion, kept: StateVersion[]) {
    const live = new Set(kept.flatMap((v) => v.parts));
    for (const hash of old.parts) if (!live.has(hash)) await Parts.deleteOne({ _id: partId(key, hash) });
  }

  const live = (v: Version<StateVersion> | null) => (v && !v.value.removed ? v : null);

  async function get(username: string, device: string, pair: string) {
    const key = keyOf(username, device, pair);
    const cur = live(await chain.latest(key));
    return cur && { json: await readText(key, cur.value.parts), etag: cur.value.etag };
  }

  /** Stores a new state; with `ifMatch`, only over that version; with `ifNoneMatch`, only when none exists. */
  async function put(
    username: string,
    device: string,
    pair: string,
    json: string,
    pre: { ifMatch?: string; ifNoneMatch?: boolean },
  ): Promise<{ etag: string }> {
    if (Buffer.byteLength(json) > MAX_SYNC_STATE_BYTES)
      throw storeError("too-large", `A sync state may be at most ${MAX_SYNC_STATE_BYTES} bytes`);
    const key = keyOf(username, device, pair);
    const latest = await chain.latest(key);
    const cur = live(latest);
    if (pre.ifMatch && pre.ifMatch !== "*" && cur?.value.etag !== pre.ifMatch)
      throw storeError("precondition-failed", "The sync state changed since you read it");
    if (pre.ifMatch === "*" && !cur) throw storeError("precondition-failed", "There is no sync state to replace");
    if (pre.ifNoneMatch && cur) throw storeError("precondition-failed", "A sync state already exists");
    const n = (latest?.n ?? 0) + 1;
    const etag = `${n}-${sha256(json).slice(0, 16)}`;
    const parts = await writeParts(key, json);
    // Two writers that read the same version race to insert the next; the loser gets 412.
    if (!(await chain.append(key, n, { parts, etag, updatedAt: clock() }, (old, kept) => dropUnused(key, old, kept)))) {
      if (pre.ifMatch || pre.ifNoneMatch)
        throw storeError("precondition-failed", "The sync state changed since you read it");
      return put(username, device, pair, json, pre);
    }
    // A part found present above may have been dropped by a concurrent trim before our version
    // listed it; now that it is listed, no trim drops it again, so put back any that went.
    await writeParts(key, json);
    return { etag };
  }

  /** Appends a removed version, then as many more as the chain keeps, so trimming drops every
   *  kept version's parts the ordinary way (a put racing in keeps its own, as with any trim). The
   *  version number goes on, so no etag handed out before matches a later state. */
  async function remove(username: string, device: string, pair: string, pre: { ifMatch?: string }): Promise<void> {
    const key = keyOf(username, device, pair);
    const cur = live(await chain.latest(key));
    if (!cur) throw storeError("not-found", "No sync state saved for this device and pair");
    if (pre.ifMatch && pre.ifMatch !== "*" && cur.value.etag !== pre.ifMatch)
      throw storeError("precondition-failed", "The sync state changed since you read it");
    const removed = (): StateVersion => ({ parts: [], etag: "", updatedAt: clock(), removed: true });
    const trim = (old: StateVersion, kept: StateVersion[]) => dropUnused(key, old, kept);
    if (!(await chain.append(key, cur.n + 1, removed(), trim))) {
      if (pre.ifMatch) throw storeError("precondition-failed", "The sync state changed since you read it");
      return remove(username, device, pair, pre);
    }
    for (let n = cur.n + 2; n <= cur.n + KEEP_VERSIONS; n++) {
      if (!(await chain.append(key, n, removed(), trim))) return; // a new state was put meanwhile
    }
  }

  return { get, put, delete: remove };
}
