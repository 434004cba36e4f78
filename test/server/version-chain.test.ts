// The compare-and-set chain under leases, sync states and checkpoints: who holds the newest version.
import assert from "node:assert/strict";
import { versionChain } from "../../server/store/version-chain";
import { freshDatabase } from "../support/database";

describe("version chain", function () {
  this.timeout(60_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let chain: ReturnType<typeof versionChain<{ v: number }>>;

  before(async () => {
    db = await freshDatabase();
    chain = versionChain<{ v: number }>(db.models.BookLease.collection, db.models.BookLeaseHint.collection);
  });
  after(async () => db.close());

  it("finds the newest version whether the hint is current, behind, or names a trimmed version", async () => {
    for (let n = 1; n <= 9; n++) assert.ok(await chain.append("k1", n, { v: n }));
    assert.deepEqual(await chain.latest("k1"), { n: 9, value: { v: 9 } });
    // A hint left behind by writers that have not moved it yet, on a version trimmed away since.
    await db.models.BookLeaseHint.collection.updateOne({ _id: "k1" as never }, { $set: { n: 2 } });
    assert.equal((await chain.latest("k1"))?.n, 9);
    await db.models.BookLeaseHint.collection.updateOne({ _id: "k1" as never }, { $set: { n: 7 } });
    assert.equal((await chain.latest("k1"))?.n, 9);
    assert.equal(await chain.latest("none"), null);
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
});
