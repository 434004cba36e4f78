// A contact a source owns (the coming LDAP import) is that source's to change: REST answers a
// user's write to it with 409 owned-by-source, naming the source.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";
import { person } from "../store-contract";

describe("REST writes to a contact a source owns", () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp();
    admin = await t.user("root", { admin: true });
    await t.deps.store.applyWrites("gab", [
      { op: "put", uid: "imp", contact: person("imp", "Imported"), source: "ldap-hq" },
    ]);
  });
  after(async () => t.close());

  const expectOwned = (res: {
    status: number;
    body: { error: { code: string; message: string; details: unknown } };
  }) => {
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, "owned-by-source");
    assert.match(res.body.error.message, /ldap-hq/);
    assert.deepEqual(res.body.error.details, { source: "ldap-hq" });
  };

  it("answers a PUT with 409 owned-by-source naming the source, and keeps the contact", async () => {
    expectOwned(await t.http().put("/api/books/gab/contacts/imp").set(admin.auth).send({ displayName: "Edited" }));
    const stored = await t.http().get("/api/books/gab/contacts/imp").set(admin.auth).expect(200);
    assert.equal(stored.body.contact.displayName, "Imported");
  });

  it("answers a DELETE with 409 owned-by-source naming the source", async () => {
    expectOwned(await t.http().delete("/api/books/gab/contacts/imp").set(admin.auth));
    await t.http().get("/api/books/gab/contacts/imp").set(admin.auth).expect(200);
  });

  it("answers that op of a batch with an error naming the source, and applies the others", async () => {
    const ops = [
      { op: "put", uid: "imp", contact: { displayName: "Edited" } },
      { op: "put", uid: "mine", contact: { displayName: "Mine" } },
    ];
    const res = await t.http().post("/api/books/gab/batch").set(admin.auth).send({ ops }).expect(200);
    assert.equal(res.body.results[0].status, "error");
    assert.match(res.body.results[0].error, /ldap-hq/);
    assert.equal(res.body.results[1].status, "created");
  });
});
