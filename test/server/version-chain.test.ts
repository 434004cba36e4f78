// The compare-and-set chain under leases, sync states and checkpoints: who holds the newest version.
import assert from "node:assert/strict";
import { versionChain } from "../../server/store/version-chain";
import { freshDatabase } from "../support/database";

describe("version chain", function () {
  this.timeout(60_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let chain: ReturnType<typeof versionChain<{ v: number }>>;

  /** The chain as another process sees it: nothing seen yet. */
  const aProcess = () =>
    versionChain<{ v: number }>(db.models.BookLease.collection, db.models.BookLeaseHint.collection);

  before(async () => {
    db = await freshDatabase();
    chain = aProcess();
  });
  after(async () => db.close());

  it("finds the newest version whether the hint is current, behind, or names a trimmed version", async () => {
    for (let n = 1; n <= 9; n++) assert.ok(await chain.append("k1", n, { v: n }));
    assert.deepEqual(await chain.latest("k1"), { n: 9, value: { v: 9 } });
    // A hint left behind by writers that have not moved it yet, on a version trimmed away since.
    await db.models.BookLeaseHint.collection.updateOne({ _id: "k1" as never }, { $set: { n: 2 } });
    assert.equal((await aProcess().latest("k1"))?.n, 9);
    await db.models.BookLeaseHint.collection.updateOne({ _id: "k1" as never }, { $set: { n: 7 } });
    assert.equal((await aProcess().latest("k1"))?.n, 9);
    assert.equal(await chain.latest("none"), null);
  });

  it("finds versions another process wrote after the newest this one saw, the seen ones trimmed or not", async () => {
    const reader = aProcess();
    for (let n = 1; n <= 4; n++) assert.ok(await chain.append("k4", n, { v: n }));
    assert.equal((await reader.latest("k4"))?.n, 4);
    assert.ok(await chain.append("k4", 5, { v: 5 }));
    assert.equal((await reader.latest("k4"))?.n, 5, "one more");
    for (let n = 6; n <= 8; n++) assert.ok(await chain.append("k4", n, { v: n }));
    assert.equal((await reader.latest("k4"))?.n, 8, "three more");
    for (let n = 9; n <= 20; n++) assert.ok(await chain.append("k4", n, { v: n }));
    assert.equal(await db.models.BookLease.exists({ _id: "k4#8" }), null);
    assert.equal((await reader.latest("k4"))?.n, 20, "the seen version trimmed away");
  });

  it("never takes a late insert of a trimmed version for the newest, though it follows the one this process saw", async () => {
    const reader = aProcess();
    for (let n = 1; n <= 4; n++) assert.ok(await chain.append("k5", n, { v: n }));
    assert.equal((await reader.latest("k5"))?.n, 4);
    for (let n = 5; n <= 9; n++) assert.ok(await chain.append("k5", n, { v: n }));
    // A writer that read version 4 long ago inserts 5 again, just before it sees the hint and withdraws it.
    await db.models.BookLease.collection.deleteOne({ _id: "k5#5" as never });
    await db.models.BookLease.collection.insertOne({ _id: "k5#5" as never, key: "k5", n: 5, value: { v: 50 } });
    assert.deepEqual(await reader.latest("k5"), { n: 9, value: { v: 9 } });
  });

  it("tells the holder of version n that it was overtaken, even when the versions after it were trimmed", async () => {
    assert.ok(await chain.append("k2", 1, { v: 1 }));
    assert.ok(await chain.append("k2", 2, { v: 2 }));
    assert.equal(await chain.isLatest("k2", 2), true);
    assert.equal(await chain.isLatest("k2", 1), false, "version 2 follows it");
    // Versions 3 to 6: 3 is trimmed when 6 is inserted, so only the hint says 2 was overtaken.
    for (let n = 3; n <= 6; n++) assert.ok(await chain.append("k2", n, { v: n }));
    assert.equal(await db.models.BookLease.exists({ _id: "k2#3" }), null);
    assert.equal(await chain.isLatest("k2", 2), false);
    assert.equal(await chain.isLatest("k2", 6), true);
  });

  it("lets exactly one of two writers that read the same version insert the next", async () => {
    assert.ok(await chain.append("k3", 1, { v: 1 }));
    const results = await Promise.all([chain.append("k3", 2, { v: 20 }), chain.append("k3", 2, { v: 21 })]);
    assert.deepEqual([...results].sort(), [false, true]);
    assert.equal((await chain.latest("k3"))?.n, 2);
  });

  it("keeps, in a trim that ran late, the versions written while its writer stalled", async () => {
    const versions = db.models.BookLease.collection;
    let stall: (() => Promise<void>) | undefined;
    // The writer stalls right after it took the oldest version away, while another writes on.
    const stalling = new Proxy(versions, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (name !== "findOneAndDelete") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<typeof target.findOneAndDelete>) => {
          const out = await target.findOneAndDelete(...args);
          const pause = stall;
          stall = undefined;
          await pause?.();
          return out;
        };
      },
    });
    const slow = versionChain<{ v: number }>(stalling, db.models.BookLeaseHint.collection);
    const other = aProcess();
    for (let n = 1; n <= 3; n++) assert.ok(await other.append("k6", n, { v: n }));
    stall = async () => {
      for (let n = 5; n <= 9; n++) assert.ok(await other.append("k6", n, { v: n }));
    };
    let trim: { old: number; kept: number[] } | undefined;
    assert.ok(
      await slow.append("k6", 4, { v: 4 }, async (old, kept) => {
        trim = { old: old.v, kept: kept.map((k) => k.v) };
      }),
    );
    assert.equal(trim?.old, 1);
    assert.deepEqual(trim?.kept, [7, 8, 9], "the newest versions, though ours and the two before it are gone");
  });
});
