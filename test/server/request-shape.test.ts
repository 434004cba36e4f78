// Requests the routes do not take get answers that say what to do instead.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("wrong methods and form bodies", () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp();
    alice = await t.user("alice");
  });
  after(async () => t.close());

  it("answers a method a path does not have with 405 and the Allow header", async () => {
    const res = await t.http().delete("/api/books").set(alice.auth).expect(405);
    assert.equal(res.headers.allow, "GET, HEAD, POST");
    assert.equal(res.body.error.code, "method-not-allowed");
    const contact = await t
      .http()
      .post(`/api/books/${alice.primaryBook}/contacts/x`)
      .set(alice.auth)
      .send({})
      .expect(405);
    assert.equal(contact.headers.allow, "DELETE, GET, HEAD, PUT");
    assert.equal((await t.http().post("/healthz").expect(405)).headers.allow, "GET, HEAD");
    await t.http().get("/api/no-such-thing").set(alice.auth).expect(404);
  });

  it('answers a form-encoded or multipart body with 415 "send JSON"', async () => {
    const form = await t.http().post("/api/books").set(alice.auth).type("form").send("name=Work").expect(415);
    assert.match(form.body.error.message, /^Send JSON/);
    await t.http().post("/api/auth/login").type("form").send("username=alice&password=x").expect(415);
    await t.http().post("/api/books").set(alice.auth).field("name", "Work").expect(415);
    await t.http().post("/api/books").set(alice.auth).send({ name: "Work" }).expect(201);
  });

  it("answers a contact listing cursor it never handed out with 400, not 410", async () => {
    for (const cursor of [
      "garbage",
      Buffer.from(JSON.stringify(["other-book", 3])).toString("base64url"),
      Buffer.from(JSON.stringify([alice.primaryBook, 99])).toString("base64url"),
    ]) {
      const res = await t
        .http()
        .get(`/api/books/${alice.primaryBook}/contacts?cursor=${cursor}`)
        .set(alice.auth)
        .expect(400);
      assert.match(res.body.error.message, /cursor/);
    }
  });
});
