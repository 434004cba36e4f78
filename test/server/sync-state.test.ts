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
    const entries = Array.from({ length: 60_000 }, (_, i) => ({
      uid: `uid-${i}`,
      outlookId: `AAMkAGI2TG93AAA=${"x".repeat(200)}${i}`,
      hash: i.toString(16).padStart(32, "0"),
    }));
    const body = JSON.stringify({ version: 1, entries });
    assert.ok(body.length > 16 * 1024 * 1024, "bigger than a BSON document");
    const put = await t.http().put(url).set(auth).set("Content-Type", "application/json").send(body).expect(200);
    const got = await t
      .http()
      .get(url)
      .set(auth)
      .buffer(true)
      .parse((res, cb) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c));
        res.on("end", () => cb(null, text));
      })
      .expect(200);
    assert.equal(got.headers.etag, `"${put.body.etag}"`);
    assert.equal(got.body, body);
  });

  it("replaces a state only over the version the client read", async () => {
    const first = await t
      .http()
      .put("/api/sync-state/pc/pair-2")
      .set(auth)
      .set("Content-Type", "application/json")
      .send('{"round":1}')
      .expect(200);
    await t
      .http()
      .put("/api/sync-state/pc/pair-2")
      .set(auth)
      .set("If-Match", `"${first.body.etag}"`)
      .set("Content-Type", "application/json")
      .send('{"round":2}')
      .expect(200);
    const stale = await t
      .http()
      .put("/api/sync-state/pc/pair-2")
      .set(auth)
      .set("If-Match", `"${first.body.etag}"`)
      .set("Content-Type", "application/json")
      .send('{"round":3}')
      .expect(412);
    assert.equal(stale.body.error.code, "precondition-failed");
    const got = await t.http().get("/api/sync-state/pc/pair-2").set(auth).expect(200);
    assert.deepEqual(got.body, { round: 2 });
  });

  it("keeps each user's states apart", async () => {
    await t
      .http()
      .put("/api/sync-state/pc/mine")
      .set(auth)
      .set("Content-Type", "application/json")
      .send('{"owner":"sam"}')
      .expect(200);
    const other = await t.user("tess");
    await t.http().get("/api/sync-state/pc/mine").set(other.auth).expect(404);
  });

  describe("pair claims", () => {
    const claimUrl = (pair: string) => `/api/sync-state/pc/${pair}/claim`;
    const claim = (pair: string, holder: string, seconds = 60, who = auth) =>
      t.http().post(claimUrl(pair)).set(who).send({ holder, seconds });
    const release = (pair: string, holder: string) =>
      t
        .http()
        .delete(`${claimUrl(pair)}?holder=${holder}`)
        .set(auth);

    it("lets exactly one of two holders racing for a free pair win; the other gets 409 pair-busy", async () => {
      for (let round = 0; round < 5; round++) {
        const pair = `race-${round}`;
        const [a, b] = await Promise.all([claim(pair, "outlook-a"), claim(pair, "outlook-b")]);
        assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.text} ${b.text}`);
        const [won, lost] = a.status === 200 ? [a, b] : [b, a];
        assert.equal(lost.body.error.code, "pair-busy");
        assert.ok(["outlook-a", "outlook-b"].includes(won.body.holder));
        assert.ok(Date.parse(won.body.until) > Date.now());
      }
    });

    it("renews a claim for the same holder and refuses others until it expires, then lets them take it", async () => {
      const first = (await claim("renew", "outlook-a", 30).expect(200)).body;
      const renewed = (await claim("renew", "outlook-a", 120).expect(200)).body;
      assert.equal(renewed.holder, "outlook-a");
      assert.ok(Date.parse(renewed.until) > Date.parse(first.until));
      await claim("renew", "outlook-b").expect(409);
      t.advance(121_000);
      const taken = (await claim("renew", "outlook-b").expect(200)).body;
      assert.equal(taken.holder, "outlook-b");
      await claim("renew", "outlook-a").expect(409);
    });

    it("releases only for the holder: a release by anyone else does nothing", async () => {
      await claim("rel", "outlook-a").expect(200);
      await release("rel", "outlook-b").expect(204);
      await claim("rel", "outlook-b").expect(409);
      await release("rel", "outlook-a").expect(204);
      await claim("rel", "outlook-b").expect(200);
    });

    it("keeps each user's claims apart", async () => {
      await claim("mine", "outlook-a").expect(200);
      const other = await t.user("una");
      await claim("mine", "outlook-b", 60, other.auth).expect(200);
    });

    it("refuses a holder or seconds out of range, and a release without a holder, with 400", async () => {
      for (const body of [
        { holder: "", seconds: 60 },
        { holder: "x".repeat(129), seconds: 60 },
        { holder: "a", seconds: 0 },
        { holder: "a", seconds: 601 },
        { holder: "a", seconds: 1.5 },
        { holder: "a" },
      ]) {
        await t.http().post(claimUrl("bad")).set(auth).send(body).expect(400);
      }
      await t.http().delete(claimUrl("bad")).set(auth).expect(400);
    });
  });
});
