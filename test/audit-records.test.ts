// The database audit log's own storage: a request's writes in one record, and records written
// one entry each (before batches were stored whole) still listed.
import assert from "node:assert/strict";
import { createAudit } from "../server/store/audit";
import type { AuditEntry } from "../server/store/contract";
import { freshDatabase } from "./support/database";

describe("audit records in the database", () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeEach(async () => void (db = await freshDatabase()));
  afterEach(() => db.close());

  const entry = (uid: string, at: string): AuditEntry => ({
    at,
    user: "ann",
    surface: "rest",
    book: "gab",
    uid,
    op: "create",
    fields: ["displayName"],
  });

  it("stores a request's writes as one record", async () => {
    const at = new Date().toISOString();
    await createAudit(db.models).record(Array.from({ length: 1000 }, (_, k) => entry(`u${k}`, at)));
    assert.equal(await db.models.AuditEntry.countDocuments(), 1);
  });

  it("lists entries recorded one per document before, with the new ones", async () => {
    const old = "2026-01-01T00:00:00.000Z";
    await db.models.AuditEntry.collection.insertOne({
      _id: `${old}-000000000001abcdefgh`,
      ...entry("legacy", old),
      at: new Date(old),
    } as never);
    const audit = createAudit(db.models);
    await audit.record([entry("fresh", new Date().toISOString())]);
    const { entries } = await audit.list({ limit: 10 });
    assert.deepEqual(
      entries.map((e) => [e.uid, e.op, e.fields]),
      [
        ["fresh", "create", ["displayName"]],
        ["legacy", "create", ["displayName"]],
      ],
    );
  });
});
