// Input the server must refuse up front, before anything is written: hostile vCard
// parameters, bad percent-encoding, over-long list addresses, oversized contacts.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

type Session = Awaited<ReturnType<TestApp["user"]>>;

describe("REST input validation", () => {
  let t: TestApp;
  let me: Session;
  let book: string;
  before(async () => {
    t = await testApp();
    me = await t.user("alice");
    book = me.primaryBook;
  });
  after(async () => t.close());

  const putContact = (uid: string, body: unknown) =>
    t
      .http()
      .put(`/api/books/${book}/contacts/${uid}`)
      .set(me.auth)
      .send(body as object);
  const withParams = (params: Record<string, string[]>) => ({
    displayName: "P",
    extra: [{ source: "vcard", name: "X-A", value: "v", params }],
  });

  describe("vCard parameters", () => {
    it("answers 400 to a PUT whose extra params hold a name or value that would break a vCard line", async () => {
      const hostile: Record<string, string[]>[] = [
        { "x-a:b\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Forged\r\nX-Z": ["1"] },
        { "x-a;b": ["1"] },
        { "x-a": ["a\r\nEND:VCARD"] },
      ];
      for (const params of hostile) {
        const res = await putContact("hostile", withParams(params));
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error.code, "bad-request");
      }
      await t.http().get(`/api/books/${book}/contacts/hostile`).set(me.auth).expect(404);
    });

    it("answers 400 naming __proto__ to a PUT with a __proto__ parameter key, rather than dropping it", async () => {
      const body =
        '{"displayName": "P", "extra": [{"source": "vcard", "name": "X-A", "value": "v", "params": {"__proto__": ["1"]}}]}';
      const res = await t
        .http()
        .put(`/api/books/${book}/contacts/proto`)
        .set(me.auth)
        .set("Content-Type", "application/json")
        .send(body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.error.message, /__proto__/);
      await t.http().get(`/api/books/${book}/contacts/proto`).set(me.auth).expect(404);
    });

    it("stores a parameter value with quotes, ':' and ';', and serves it back as one vCard", async () => {
      await putContact("quoted", withParams({ "x-a": ['say "hi": a;b'] })).expect(201);
      const res = await t
        .http()
        .get(`/api/books/${book}/contacts/quoted`)
        .set(me.auth)
        .set("Accept", "text/vcard")
        .expect(200);
      assert.equal(res.text.match(/BEGIN:VCARD/g)?.length, 1, res.text);
      assert.match(res.text, /X-A;X-A="say \^'hi\^': a;b":v/);
    });
  });

  describe("percent-encoding", () => {
    it("answers 400, not 500, to invalid percent-encoding in a path parameter", async () => {
      for (const path of [
        `/api/books/${book}/contacts/%FF`,
        `/api/books/${book}/contacts/%zz`,
        "/api/books/%E0%A4%A/contacts",
      ]) {
        const res = await t.http().get(path).set(me.auth);
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.equal(res.body.error.code, "bad-request");
      }
    });
  });

  describe("mailing-list addresses", () => {
    let admin: Session;
    before(async () => void (admin = await t.user("root", { admin: true })));

    it("answers 400 to an address over 254 characters or with a local part over 64, and creates no list", async () => {
      const tooLong = `${"a".repeat(60)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.example.com`;
      const longLocal = `${"l".repeat(65)}@example.com`;
      assert.ok(tooLong.length > 254);
      for (const address of [tooLong, longLocal]) {
        const res = await t.http().post("/api/admin/lists").set(admin.auth).send({ address, name: "Long" });
        assert.equal(res.status, 400, `${address.length}: ${res.text}`);
      }
      const { lists } = (await t.http().get("/api/admin/lists").set(admin.auth).expect(200)).body;
      assert.deepEqual(
        lists.filter((l: { address: string }) => [tooLong, longLocal].includes(l.address)),
        [],
      );
    });

    it("still creates a list whose address is exactly 254 characters with a 64-character local part", async () => {
      const address = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
      assert.equal(address.length, 254);
      await t.http().post("/api/admin/lists").set(admin.auth).send({ address, name: "Longest" }).expect(201);
    });
  });

  describe("contact size", () => {
    const many = (n: number, item: (i: number) => unknown) => Array.from({ length: n }, (_, i) => item(i));
    // About 300 KB of JSON in fields that are each within their own cap.
    const bulky = () => ({
      displayName: "Big",
      categories: many(200, (i) => `${i}`.padEnd(250, "c")),
      notes: "n".repeat(250_000),
    });

    it("answers 400 to a PUT whose lists are over their caps", async () => {
      for (const [field, items] of [
        ["emails", many(101, (i) => ({ address: `a${i}@example.com` }))],
        ["phones", many(101, (i) => ({ type: "home", number: `${i}` }))],
        ["addresses", many(101, () => ({ type: "home", city: "C" }))],
        ["urls", many(101, (i) => ({ url: `https://example.com/${i}` }))],
        ["im", many(101, (i) => ({ address: `x${i}` }))],
        ["categories", many(201, (i) => `c${i}`)],
        ["extra", many(501, (i) => ({ source: "vcard", name: `X-${i}`, value: "v" }))],
      ] as const) {
        const res = await putContact("capped", { displayName: "C", [field]: items });
        assert.equal(res.status, 400, `${field}: ${res.text}`);
        assert.match(res.body.error.message, new RegExp(field), res.text);
      }
      await putContact("capped", {
        displayName: "C",
        emails: many(100, (i) => ({ address: `a${i}@example.com` })),
      }).expect(201);
    });

    it("answers 413 to a PUT of a contact over MAX_CONTACT_BYTES (JSON or vCard), and stores nothing", async () => {
      const res = await putContact("bulky", bulky());
      assert.equal(res.status, 413, res.text);
      assert.equal(res.body.error.code, "too-large");
      const { notes, categories } = bulky();
      const vcard = `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bulky\r\nFN:Big\r\nNOTE:${notes}\r\nCATEGORIES:${categories.join(",")}\r\nEND:VCARD\r\n`;
      const asVCard = await t
        .http()
        .put(`/api/books/${book}/contacts/bulky`)
        .set(me.auth)
        .set("Content-Type", "text/vcard")
        .send(vcard);
      assert.equal(asVCard.status, 413, asVCard.text);
      await t.http().get(`/api/books/${book}/contacts/bulky`).set(me.auth).expect(404);
    });

    it("refuses only the oversized op of a batch with a too-large error result, and applies the others", async () => {
      const ops = [
        { op: "put", uid: "small-1", contact: { displayName: "One" } },
        { op: "put", uid: "bulky", contact: bulky() },
        { op: "put", uid: "small-2", contact: { displayName: "Two" } },
      ];
      const res = await t.http().post(`/api/books/${book}/batch`).set(me.auth).send({ ops }).expect(200);
      assert.deepEqual(
        res.body.results.map((r: { status: string }) => r.status),
        ["created", "error", "created"],
        res.text,
      );
      assert.match(res.body.results[1].error, /too-large/);
      await t.http().get(`/api/books/${book}/contacts/bulky`).set(me.auth).expect(404);
      await t.http().get(`/api/books/${book}/contacts/small-2`).set(me.auth).expect(200);
    });

    it("follows MAX_CONTACT_BYTES from the environment", async () => {
      const small = await testApp({ env: { MAX_CONTACT_BYTES: "2048" } });
      try {
        const u = await small.user("bob");
        const put = (notes: string) =>
          small.http().put(`/api/books/${u.primaryBook}/contacts/c`).set(u.auth).send({ displayName: "C", notes });
        assert.equal((await put("n".repeat(3000))).status, 413);
        assert.equal((await put("n".repeat(1000))).status, 201);
      } finally {
        await small.close();
      }
    });
  });
});
