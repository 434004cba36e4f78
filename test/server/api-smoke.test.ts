import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("REST API basics", () => {
  let t: TestApp;
  before(async () => (t = await testApp()));
  after(async () => t.close());

  it("signs in and lists the GAB, the Local Directory and the caller's own PAB", async () => {
    const alice = await t.user("alice");
    const res = await t.http().get("/api/books").set(alice.auth).expect(200);
    assert.deepEqual(
      res.body.books.map((b: { kind: string; access: string }) => `${b.kind}:${b.access}`),
      ["gab:read", "directory:read", "pab:write"],
    );
  });

  it("stores a contact in a PAB and reads it back as JSON and as vCard", async () => {
    const bob = await t.user("bob");
    await t
      .http()
      .put(`/api/books/${bob.primaryBook}/contacts/c1`)
      .set(bob.auth)
      .send({ displayName: "Carol Doe", emails: [{ type: "work", address: "carol@example.com" }] })
      .expect(201);
    const json = await t.http().get(`/api/books/${bob.primaryBook}/contacts/c1`).set(bob.auth).expect(200);
    assert.equal(json.body.contact.displayName, "Carol Doe");
    const vcard = await t
      .http()
      .get(`/api/books/${bob.primaryBook}/contacts/c1`)
      .set(bob.auth)
      .set("Accept", "text/vcard")
      .expect(200);
    assert.match(vcard.text, /BEGIN:VCARD\r\nVERSION:3\.0/);
    assert.match(vcard.text, /FN:Carol Doe/);
  });

  it("serves the OpenAPI document and a health check", async () => {
    const doc = await t.http().get("/api/openapi.json").expect(200);
    assert.equal(doc.body.openapi, "3.1.0");
    assert.ok(doc.body.paths["/api/books/{book}/batch"].post);
    await t.http().get("/healthz").expect(200, { status: "ok" });
  });
});
