// Writers on one book in one instance are written together (group commit): the database store's
// own behaviour, beyond the contract every store meets.
import assert from "node:assert/strict";
import type { Contact } from "../core/contact/contact";
import { createContactStore } from "../server/store/contact-store";
import { freshDatabase } from "./support/database";

const person = (uid: string, name: string): Contact => ({ uid, displayName: name }) as Contact;

describe("group commit on the database store", () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let rounds = 0;
  let store: ReturnType<typeof createContactStore>;
  beforeEach(async () => {
    db = await freshDatabase();
    rounds = 0;
    const hooks = { beforeContactWrite: async () => void rounds++ };
    store = createContactStore({ models: db.models, clock: () => new Date(), hooks });
    await store.createBook({ id: "b", kind: "pab", name: "Test", owner: "alice" });
  });
  afterEach(() => db.close());

  it("writes thirty requests that wait on one book in a few rounds, each answered with its own result", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.applyWrites("b", [{ op: "put", uid: `u${i}`, contact: person(`u${i}`, `Person ${i}`) }]),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.map((x) => [x.uid, x.status])),
      Array.from({ length: 30 }, (_, i) => [[`u${i}`, "created"]]),
    );
    assert.ok(rounds <= 3, `${rounds} write rounds for 30 waiting requests`);
    const page = await store.changesSince("b", undefined, 100);
    assert.equal(page.changes.length, 30);
  });

  it("keeps two waiting requests on one uid in order: the second is decided on what the first wrote", async () => {
    const [created] = await store.applyWrites("b", [{ op: "put", uid: "u", contact: person("u", "One") }]);
    const first = store.applyWrites("b", [{ op: "put", uid: "u", contact: person("u", "Two"), ifMatch: created.etag }]);
    const second = store.applyWrites("b", [
      { op: "put", uid: "u", contact: person("u", "Three"), ifMatch: created.etag },
    ]);
    const [[a], [b]] = await Promise.all([first, second]);
    assert.equal(a.status, "updated");
    assert.equal(b.status, "conflict");
    assert.equal((await store.getContact("b", "u"))?.contact.displayName, "Two");
  });

  it("answers a refused op with its own conflict and applies the other requests of its group", async () => {
    await store.applyWrites("b", [{ op: "put", uid: "taken", contact: person("taken", "Taken") }]);
    const [refused, applied] = await Promise.all([
      store.applyWrites("b", [{ op: "put", uid: "taken", contact: person("taken", "Again"), ifNoneMatch: true }]),
      store.applyWrites("b", [{ op: "put", uid: "free", contact: person("free", "Free") }]),
    ]);
    assert.equal(refused[0].status, "conflict");
    assert.equal(applied[0].status, "created");
    assert.equal((await store.getContact("b", "taken"))?.contact.displayName, "Taken");
  });

  it("names changed fields only to requests that carry a write context, and records who deleted", async () => {
    await store.applyWrites("b", [{ op: "put", uid: "gone", contact: person("gone", "Gone") }]);
    const carol = { context: { user: "carol", surface: "rest" as const } };
    const [deleted, named, plain] = await Promise.all([
      store.applyWrites("b", [{ op: "delete", uid: "gone" }], carol),
      store.applyWrites("b", [{ op: "put", uid: "named", contact: person("named", "Named") }], carol),
      store.applyWrites("b", [{ op: "put", uid: "plain", contact: person("plain", "Plain") }]),
    ]);
    assert.deepEqual(deleted[0].fields, []);
    assert.deepEqual(named[0].fields, ["displayName"]);
    assert.equal(plain[0].fields, undefined);
    const tomb = await db.models.ContactDoc.findById("b/gone").lean();
    assert.equal((tomb as { deletedBy?: string } | null)?.deletedBy, "carol");
  });
});
