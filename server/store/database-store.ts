// The whole store over MongoDB or FerretDB: every contract of store/contract.ts, built from
// the models of a connected database (which stay in here).
import type { Models } from "../db/models";
import { createAccounts } from "./accounts";
import { createAudit, withAudit } from "./audit";
import { createBooks } from "./books";
import { createContactStore, type StoreHooks } from "./contact-store";
import type { Store } from "./contract";
import { createImports } from "./imports";
import { createPairClaims } from "./pair-claims";
import { createPhotos } from "./photos";
import { createSyncStates, syncUsageRecord } from "./sync-states";
import {
  createQuotas,
  DEFAULT_QUOTAS,
  type QuotaLimits,
  settingsUsageRecord,
  withContactQuota,
  withSyncStateQuota,
} from "./quotas";
import { createSessions } from "./sessions";
import { endingSessionsOnDelete } from "./session-tokens";
import { createActivity, forgettingReportsOnDelete } from "./activity";

/** `cacheMaxContacts`: cap on the contact versions this instance caches (store/contact-cache.ts). */
export type DatabaseStoreOptions = { cacheMaxContacts?: number; onError?: (err: unknown) => void };

/** `onAuditError`: where an audit record that could not be written is reported (the write stands). */
export async function createDatabaseStore(
  models: Models,
  clock: () => Date,
  hooks?: StoreHooks,
  onAuditError: (err: unknown) => void = (err) => console.error("Concord: an audit record was not written", err),
  quotas: QuotaLimits = DEFAULT_QUOTAS,
  cache: DatabaseStoreOptions = {},
): Promise<Store> {
  const { contacts: audited, audit } = withAudit(
    createContactStore({ models, clock, hooks, ...cache }),
    createAudit(models),
    clock,
    onAuditError,
  );
  const books = createBooks(models, audited);
  const sessions = createSessions(models, clock);
  const activity = createActivity(models);
  const accounts = forgettingReportsOnDelete(
    endingSessionsOnDelete(createAccounts(models, audited, books, clock), sessions),
    activity,
  );
  await books.ensureSystemBooks();
  // Outermost, so an op refused for its owner's quota is neither written nor audited.
  const counted = withContactQuota(audited, {
    books,
    photos: createPhotos(models, clock),
    usage: settingsUsageRecord(models, "contact-usage"),
    limits: quotas,
    clock,
  });
  const { contacts, photos } = counted;
  return {
    books,
    contacts,
    maintenance: contacts,
    accounts,
    audit,
    syncStates: withSyncStateQuota(createSyncStates(models, clock), syncUsageRecord(models), quotas),
    quotas: createQuotas(books, quotas, counted),
    pairClaims: createPairClaims(models, clock),
    photos,
    imports: createImports(models),
    sessions,
    activity,
  };
}
