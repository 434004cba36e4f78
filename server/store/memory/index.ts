// The whole store in memory: every contract of store/contract.ts, for protocol and sync tests
// that need no database. Nothing survives the process.
import type { Store } from "../contract";
import { createMemoryAccounts } from "./accounts";
import { createMemoryBooks } from "./books";
import { createMemoryContactStore } from "./contacts";
import { createMemoryPhotos } from "./photos";
import { createMemorySessions } from "./sessions";
import { createMemoryPairClaims, createMemorySyncStates } from "./sync";

export async function createMemoryStore(clock: () => Date = () => new Date()): Promise<Store> {
  const contacts = createMemoryContactStore(clock);
  const accounts = createMemoryAccounts(contacts);
  const books = createMemoryBooks(contacts, async (username) => Boolean(await accounts.displayNameOf(username)));
  await books.ensureSystemBooks();
  return {
    books,
    contacts,
    maintenance: contacts,
    accounts,
    syncStates: createMemorySyncStates(),
    pairClaims: createMemoryPairClaims(clock),
    photos: createMemoryPhotos(),
    sessions: createMemorySessions(clock),
  };
}
