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
    t.http().put(`/api/books/${book}/contacts/${uid}`).set(me.auth).send(body as object);
  const withParams = (params: Record<string, string[]>) => ({
    displayName: "P",
    extra: [{ source: "vcard", name: "X-A", value: "v", params }],
  });

  describe("vCard parameters", () => {
    it("answers 400 to a PUT whose extra params hold a name or value that would break a vCard line", async () => {
      for (const params of [{ "x-a:b\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Forged\r\nX-Z": ["1"] }, { "x-a;b": ["1"] }, { "x-a": ["a\r\nEND:VCARD"] }]) {
        const res = await putContact("hostile", withParams(params));
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error.code, "bad-request");
      }
      await t.http().get(`/api/books/${book}/contacts/hostile`).set(me.auth).expect(404);
    });

    it("answers 400 naming __proto__ to a PUT with a __proto__ parameter key, rather than dropping it", async () => {
      const body = '{"displayName": "P", "extra": [{"source": "vcard", "name": "X-A", "value": "v", "params": {"__proto__": ["1"]}}]}';
      const res = await t.http().put(`/api/books/${book}/contacts/proto`).set(me.auth).set("Content-Type", "application/json").send(body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.error.message, /__proto__/);
      await t.http().get(`/api/books/${book}/contacts/proto`).set(me.auth).expect(404);
    });

    it("stores a parameter value with quotes, ':' and ';', and serves it back as one vCard", async () => {
      await putContact("quoted", withParams({ "x-a": ['say "hi": a;b'] })).expect(201);
      const res = await t.http().get(`/api/books/${book}/contacts/quoted`).set(me.auth).set("Accept", "text/vcard").expect(200);
      assert.equal(res.text.match(/BEGIN:VCARD/g)?.length, 1, res.text);
      assert.match(res.text, /X-A;X-A="say \^'hi\^': a;b":v/);
    });
  });

  describe("percent-encoding", () => {
    it("answers 400, not 500, to invalid percent-encoding in a path parameter", async () => {
      for (const path of [`/api/books/${book}/contacts/%FF`, `/api/books/${book}/contacts/%zz`, "/api/books/%E0%A4%A/contacts"]) {
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
      assert.deepEqual(lists.filter((l: { address: string }) => [tooLong, longLocal].includes(l.address)), []);
    });

    it("still creates a list whose address is exactly 254 characters with a 64-character local part", async () => {
      const address = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
      assert.equal(address.length, 254);
      await t.http().post("/api/admin/lists").set(admin.auth).send({ address, name: "Longest" }).expect(201);
    });
  });
});
