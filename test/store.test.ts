import { storeContract } from "./store-contract";
import { SERVICES_QUOTAS, storeServicesContract } from "./store-services-contract";
import { createDatabaseStore } from "../server/store/database-store";
import { createMemoryStore } from "../server/store/memory";
import { freshDatabase } from "./support/database";
import { CHUNK_SIZE, createContactStore } from "../server/store/contact-store";
import { createMemoryContactStore } from "../server/store/memory/contacts";
import { versionChain } from "../server/store/version-chain";

storeContract(
  process.env.TEST_MONGODB_URI ? "MongoDB (TEST_MONGODB_URI)" : "embedded FerretDB on SQLite",
  async () => {
    const db = await freshDatabase();
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);
    let pause: ((book: string, uids: string[]) => Promise<void>) | undefined;
    // While a writer is paused, the writes the test makes come from a second instance: writers in one
    // instance queue behind each other, so only another instance can write during the pause.
    let paused = 0;
    const during = async (book: string, uids: string[]) => {
      paused++;
      try {
        await pause?.(book, uids);
      } finally {
        paused--;
      }
    };
    const first = createContactStore({ models: db.models, clock, hooks: { beforeContactWrite: during } });
    const second = createContactStore({ models: db.models, clock, hooks: { beforeContactWrite: during } });
    const store: typeof first = { ...first, applyWrites: (...args) => (paused ? second : first).applyWrites(...args) };
    return {
      store,
      advance: (ms: number) => void (offset += ms),
      pauseBeforeContactWrite: (hook: typeof pause) => void (pause = hook),
      // What a writer leaves behind when it dies after appending log entries: an
      // unreleased lease, and entries past the head with no contact written.
      async crashMidWrite(book: string, uids: string[]) {
        const leases = versionChain<{
          released: boolean;
          base: number;
          head: number;
          horizon: number;
          owner: string;
          until: Date;
        }>(db.models.BookLease.collection, db.models.BookLeaseHint.collection);
        const cur = (await leases.latest(book))!;
        const head = cur.value.head;
        await leases.append(book, cur.n + 1, {
          ...cur.value,
          owner: "dead-writer",
          released: false,
          base: head,
          until: new Date(clock().getTime() + 30_000),
        });
        for (const [i, u] of uids.entries()) {
          const p = head + 1 + i;
          await db.models.LogChunk.updateOne(
            { _id: `${book}:${Math.floor(p / CHUNK_SIZE)}` },
            { $push: { entries: { p, u } }, $setOnInsert: { book } },
            { upsert: true },
          );
        }
      },
      close: db.close,
    };
  },
  { leases: true },
);

storeContract("memory", async () => {
  let offset = 0;
  const store = createMemoryContactStore(() => new Date(Date.now() + offset));
  return { store, advance: (ms: number) => void (offset += ms), close: async () => undefined };
});

storeServicesContract("database", async () => {
  const db = await freshDatabase();
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const store = await createDatabaseStore(db.models, clock, undefined, undefined, SERVICES_QUOTAS);
  return { store, advance: (ms: number) => void (offset += ms), close: db.close };
});

storeServicesContract("memory", async () => {
  let offset = 0;
  const store = await createMemoryStore(() => new Date(Date.now() + offset), SERVICES_QUOTAS);
  return { store, advance: (ms: number) => void (offset += ms), close: async () => undefined };
});
