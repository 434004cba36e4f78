// A checkpoint reuses the parts of the one it was built on. Those parts may have been dropped by
// trims of the chain meanwhile (another instance checkpointed three times since): a checkpoint
// that names them must put them back, or its book no longer loads.
import assert from "node:assert/strict";
import { createCheckpoints, type StoredVersion } from "../../server/store/contacts/checkpoints";
import { freshDatabase } from "../support/database";

const versions = (prefix: string, from: number, count: number): StoredVersion[] =>
  Array.from({ length: count }, (_, k) => ({
    uid: `${prefix}${k}`,
    seq: from + k,
    etag: `"${prefix}${k}"`,
    deleted: false,
    updatedAt: new Date(1_700_000_000_000 + from + k),
    text: JSON.stringify({ uid: `${prefix}${k}`, displayName: `${prefix} ${k}` }),
    href: null,
    source: null,
  }));

describe("checkpoint parts", function () {
  this.timeout(60_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  before(async () => {
    db = await freshDatabase();
  });
  after(async () => db.close());

  it("puts back the reused parts that trims dropped while the checkpoint was being made", async () => {
    const writer = createCheckpoints(db.models);
    const other = createCheckpoints(db.models);
    const kept = versions("a", 1, 40);
    const known = await writer.write("book", 40, 0, kept, null);
    assert.ok(known && known !== "too-costly");
    // Another instance checkpoints three times with other contents: the first one is trimmed.
    for (let k = 1; k <= 3; k++) await other.write("book", 40 + 100 * k, 0, versions(`b${k}-`, 40 + 100 * k, 5), null);
    assert.equal(await db.models.CheckpointPart.exists({ _id: known.groups[0].parts[0] }), null, "trimmed away");

    const mine = await writer.write("book", 500, 0, kept, known);
    assert.ok(mine && mine !== "too-costly");
    assert.deepEqual(
      mine.groups.map((g) => g.id),
      known.groups.map((g) => g.id),
    );
    const loaded = await createCheckpoints(db.models).load("book");
    assert.equal(loaded?.checkpoint.p, 500);
    assert.deepEqual(
      loaded?.versions.map((v) => [v.uid, v.seq, v.text]),
      kept.map((v) => [v.uid, v.seq, v.text]),
    );
  });

  it("puts back a part that the checkpoint before it names but its writer died before putting back", async () => {
    const kept = versions("e", 1, 40);
    const known = await createCheckpoints(db.models).write("book3", 40, 0, kept, null);
    assert.ok(known && known !== "too-costly");
    const other = createCheckpoints(db.models);
    for (let k = 1; k <= 3; k++) await other.write("book3", 40 + 100 * k, 0, versions(`f${k}-`, 40 + 100 * k, 5), null);
    // A writer publishes its checkpoint, which reuses the dropped part, then dies before it looks.
    const dying = Object.assign(Object.create(db.models.CheckpointPart), {
      exists: () => Promise.reject(new Error("the process died")),
    });
    const died = createCheckpoints({ ...db.models, CheckpointPart: dying });
    await assert.rejects(died.write("book3", 400, 0, kept, known), /died/);
    assert.equal(
      (await createCheckpoints(db.models)
        .load("book3")
        .catch(() => null)) ?? "missing",
      "missing",
    );

    const next = await createCheckpoints(db.models).write("book3", 401, 0, kept, known);
    assert.ok(next && next !== "too-costly");
    const loaded = await createCheckpoints(db.models).load("book3");
    assert.equal(loaded?.checkpoint.p, 401);
    assert.equal(loaded?.versions.length, kept.length);
  });
});
