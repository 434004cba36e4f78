// The whole store in memory: every contract of store/contract.ts, for protocol and sync tests
// that need no database. Nothing survives the process.
import type { Store } from "../contract";
import { createMemoryAccounts } from "./accounts";
import {
  createQuotas,
  DEFAULT_QUOTAS,
  memoryUsageRecord,
  type QuotaLimits,
  withContactQuota,
  withSyncStateQuota,
} from "../quotas";
import { createMemoryAudit, withAudit } from "../audit";
import { createMemoryBooks } from "./books";
import { createMemoryContactStore } from "./contacts";
import { createMemoryImports } from "./imports";
import { createMemoryPhotos } from "./photos";
import { createMemorySessions } from "./sessions";
import { endingSessionsOnDelete } from "../session-tokens";
import { createMemoryPairClaims, createMemorySyncStates } from "./sync";
import { createMemoryActivity } from "./activity";
import { forgettingReportsOnDelete } from "../activity";

export async function createMemoryStore(
  clock: () => Date = () => new Date(),
  quotas: QuotaLimits = DEFAULT_QUOTAS,
): Promise<Store> {
  const { contacts: audited, audit } = withAudit(createMemoryContactStore(clock), createMemoryAudit(), clock, (err) => {
    throw err;
  });
  let books: ReturnType<typeof createMemoryBooks> | undefined;
  const sessions = createMemorySessions(clock);
  let activity: ReturnType<typeof createMemoryActivity> | undefined;
  const accounts = forgettingReportsOnDelete(
    endingSessionsOnDelete(
      createMemoryAccounts(audited, () => books!),
      sessions,
    ),
    { forgetUser: (user) => activity!.forgetUser(user) },
  );
  books = createMemoryBooks(audited, async (username) => Boolean(await accounts.displayNameOf(username)));
  await books.ensureSystemBooks();
  // Outermost, as in the database store: an op refused for its owner's quota is neither written nor audited.
  const counted = withContactQuota(audited, {
    books,
    photos: createMemoryPhotos(clock),
    usage: memoryUsageRecord(),
    limits: quotas,
    clock,
  });
  const { contacts, photos } = counted;
  activity = createMemoryActivity(books, contacts);
  return {
    books,
    contacts,
    maintenance: contacts,
    accounts,
    audit,
    syncStates: withSyncStateQuota(createMemorySyncStates(), memoryUsageRecord(), quotas),
    quotas: createQuotas(books, quotas, counted),
    pairClaims: createMemoryPairClaims(clock),
    photos,
    imports: createMemoryImports(),
    sessions,
    activity,
  };
}
