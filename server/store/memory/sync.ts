// Sync states and pair claims in memory, with the database stores' preconditions and answers.
import { createHash } from "node:crypto";
import { MAX_SYNC_STATE_BYTES, type PairClaims, type SyncStates } from "../contract";
import { storeError } from "../errors";

const keyOf = (username: string, device: string, pair: string) => `${username}/${device}/${pair}`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function createMemorySyncStates(): SyncStates {
  // A forgotten state stays as its version number only, so etags never repeat (as in the database).
  const states = new Map<string, { n: number; json: string; etag: string } | { n: number; removed: true }>();
  const live = (key: string) => {
    const cur = states.get(key);
    return cur && "json" in cur ? cur : undefined;
  };

  async function get(username: string, device: string, pair: string) {
    const cur = live(keyOf(username, device, pair));
    return cur ? { json: cur.json, etag: cur.etag } : null;
  }

  async function put(
    username: string,
    device: string,
    pair: string,
    json: string,
    pre: { ifMatch?: string; ifNoneMatch?: boolean },
  ) {
    if (Buffer.byteLength(json) > MAX_SYNC_STATE_BYTES)
      throw storeError("too-large", `A sync state may be at most ${MAX_SYNC_STATE_BYTES} bytes`);
    const key = keyOf(username, device, pair);
    const cur = live(key);
    if (pre.ifMatch && pre.ifMatch !== "*" && cur?.etag !== pre.ifMatch)
      throw storeError("precondition-failed", "The sync state changed since you read it");
    if (pre.ifMatch === "*" && !cur) throw storeError("precondition-failed", "There is no sync state to replace");
    if (pre.ifNoneMatch && cur) throw storeError("precondition-failed", "A sync state already exists");
    const n = (states.get(key)?.n ?? 0) + 1;
    const etag = `${n}-${sha256(json).slice(0, 16)}`;
    states.set(key, { n, json, etag });
    return { etag };
  }

  async function remove(username: string, device: string, pair: string, pre: { ifMatch?: string }) {
    const key = keyOf(username, device, pair);
    const cur = live(key);
    if (!cur) throw storeError("not-found", "No sync state saved for this device and pair");
    if (pre.ifMatch && pre.ifMatch !== "*" && cur.etag !== pre.ifMatch)
      throw storeError("precondition-failed", "The sync state changed since you read it");
    states.set(key, { n: cur.n, removed: true });
  }

  return { get, put, delete: remove };
}

export function createMemoryPairClaims(clock: () => Date): PairClaims {
  const claims = new Map<string, { holder: string; until: Date }>();
  const live = (c: { until: Date } | undefined) => Boolean(c && c.until.getTime() > clock().getTime());

  async function claim(username: string, device: string, pair: string, holder: string, seconds: number) {
    const key = keyOf(username, device, pair);
    const cur = claims.get(key);
    if (cur && cur.holder !== holder && live(cur)) {
      const until = cur.until.toISOString();
      throw storeError("conflict", `Another Outlook is syncing this pair until ${until}`, { claim: "pair", until });
    }
    const mine = { holder, until: new Date(clock().getTime() + seconds * 1000) };
    claims.set(key, mine);
    return { ...mine };
  }

  async function release(username: string, device: string, pair: string, holder: string) {
    const key = keyOf(username, device, pair);
    if (claims.get(key)?.holder === holder && live(claims.get(key))) claims.delete(key);
  }

  return { claim, release };
}
