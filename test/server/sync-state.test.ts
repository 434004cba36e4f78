import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("sync state store", () => {
  let t: TestApp;
  let auth: Record<string, string>;
  before(async () => {
    t = await testApp();
    auth = (await t.user("sam")).auth;
  });
  after(async () => t.close());

  const url = "/api/sync-state/laptop-1/gab.folder-7";

  it("keeps a state larger than one database document (a 100k-contact book's status) intact", async () => {
    const entries = Array.from({ length: 60_000 }, (_, i) => ({ uid: `uid-${i}`, outlookId: `AAMkAGI2TG93AAA=${"x".repeat(200)}${i}`, hash: i.toString(16).padStart(32, "0") }));
    const body = JSON.stringify({ version: 1, entries });
    assert.ok(body.length > 16 * 1024 * 1024, "bigger than a BSON document");
    const put = await t.http().put(url).set(auth).set("Content-Type", "application/json").send(body).expect(200);
    const got = await t.http().get(url).set(auth).buffer(true).parse((res, cb) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c));
      res.on("end", () => cb(null, text));
    }).expect(200);
    assert.equal(got.headers.etag, `"${put.body.etag}"`);
    assert.equal(got.body, body);
  });

  it("replaces a state only over the version the client read", async () => {
    const first = await t.http().put("/api/sync-state/pc/pair-2").set(auth).set("Content-Type", "application/json").send('{"round":1}').expect(200);
    await t.http().put("/api/sync-state/pc/pair-2").set(auth).set("If-Match", `"${first.body.etag}"`).set("Content-Type", "application/json").send('{"round":2}').expect(200);
    const stale = await t.http().put("/api/sync-state/pc/pair-2").set(auth).set("If-Match", `"${first.body.etag}"`).set("Content-Type", "application/json").send('{"round":3}').expect(412);
    assert.equal(stale.body.error.code, "precondition-failed");
    const got = await t.http().get("/api/sync-state/pc/pair-2").set(auth).expect(200);
    assert.deepEqual(got.body, { round: 2 });
  });

  it("keeps each user's states apart", async () => {
    await t.http().put("/api/sync-state/pc/mine").set(auth).set("Content-Type", "application/json").send('{"owner":"sam"}').expect(200);
    const other = await t.user("tess");
    await t.http().get("/api/sync-state/pc/mine").set(other.auth).expect(404);
  });
});
