// The whole store over MongoDB or FerretDB: every contract of store/contract.ts, built from
// the models of a connected database (which stay in here).
import type { Models } from "../db/models";
import { createAccounts } from "./accounts";
import { createBooks } from "./books";
import { createContactStore, type StoreHooks } from "./contact-store";
import type { Store } from "./contract";
import { createPairClaims } from "./pair-claims";
import { createPhotos } from "./photos";
import { createSessions } from "./sessions";
import { createSyncStates } from "./sync-states";

export async function createDatabaseStore(models: Models, clock: () => Date, hooks?: StoreHooks): Promise<Store> {
  const contacts = createContactStore({ models, clock, hooks });
  const books = createBooks(models, contacts);
  const accounts = createAccounts(models, contacts, clock);
  await books.ensureSystemBooks();
  return {
    books,
    contacts,
    maintenance: contacts,
    accounts,
    syncStates: createSyncStates(models, clock),
    pairClaims: createPairClaims(models, clock),
    photos: createPhotos(models),
    sessions: createSessions(models, clock),
  };
}
