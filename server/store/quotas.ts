// Per-user quotas: how many PABs a user may own, and how many devices and bytes of sync state
// they may keep. Refusals are `quota-exceeded` with the numbers in the message.
//
// Sync-state usage is kept per user in one document (key -> bytes), read, checked and written
// around each accepted state. That is read-then-write, so two of one user's devices saving at the
// same moment can each miss the other's change: the record drifts by at most one state per race,
// and the next save of that state corrects its entry. A quota is a bound on abuse, not an account.
import type { BookStore, QuotaLimits, Quotas, SyncStates } from "./contract";
import { storeError } from "./errors";

export type { QuotaLimits } from "./contract";
export const DEFAULT_QUOTAS: QuotaLimits = { books: 50, devices: 20, syncStateBytes: 256 * 1024 * 1024 };

/** Where each user's sync-state usage (state key -> bytes) is kept. */
export type UsageRecord = {
  read(user: string): Promise<Record<string, number>>;
  write(user: string, usage: Record<string, number>): Promise<void>;
};

const mib = (bytes: number) => (bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

export function createQuotas(books: Pick<BookStore, "pabs">, limits: QuotaLimits): Quotas {
  return {
    limits,
    /** Before a new PAB for `owner`: an administrator creating books is not held to it. */
    async checkNewBook(owner: string, byAdmin: boolean): Promise<void> {
      if (byAdmin) return;
      const owned = (await books.pabs(owner)).length;
      if (owned >= limits.books) {
        throw storeError("quota-exceeded", `You have ${owned} address books; the limit is ${limits.books}`, {
          owned,
          limit: limits.books,
        });
      }
    },
  };
}

/** The sync-state store, held to each user's device count and total bytes. */
export function withSyncStateQuota(states: SyncStates, usage: UsageRecord, limits: QuotaLimits): SyncStates {
  return {
    get: states.get,
    async put(username, device, pair, json, pre) {
      const key = `${device}/${pair}`;
      const bytes = Buffer.byteLength(json);
      const used = await usage.read(username);
      const devices = new Set(Object.keys(used).map((k) => k.split("/")[0]));
      if (!devices.has(device) && devices.size >= limits.devices) {
        throw storeError("quota-exceeded", `You sync from ${devices.size} devices; the limit is ${limits.devices}`);
      }
      const total = Object.values(used).reduce((a, b) => a + b, 0) - (used[key] ?? 0) + bytes;
      if (total > limits.syncStateBytes) {
        throw storeError(
          "quota-exceeded",
          `Your sync states would take ${mib(total)}; the limit is ${mib(limits.syncStateBytes)}`,
        );
      }
      const written = await states.put(username, device, pair, json, pre);
      await usage.write(username, { ...(await usage.read(username)), [key]: bytes });
      return written;
    },
  };
}

export function memoryUsageRecord(): UsageRecord {
  const records = new Map<string, Record<string, number>>();
  return {
    read: async (user) => ({ ...(records.get(user) ?? {}) }),
    write: async (user, usage) => void records.set(user, { ...usage }),
  };
}
