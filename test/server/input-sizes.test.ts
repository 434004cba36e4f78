// Issue 11 §2: one contact's size is capped (MAX_CONTACT_BYTES without the photo, MAX_PHOTO_BYTES
// for the photo, every array), refused with 413 alone or as one op's result in a batch; bodies are
// read only after authentication, limited to what the caps need, and parsed in turns.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { configFromEnv } from "../../server/config";
import { PAGE_BYTES } from "../../server/http/page-bytes";
import { testApp, type TestApp } from "../support/app";

type Session = Awaited<ReturnType<TestApp["user"]>>;
const KiB = 1024;

describe("contact size caps", () => {
  let t: TestApp;
  let me: Session;
  let book: string;
  before(async () => {
    t = await testApp();
    me = await t.user("alice");
    book = me.primaryBook;
  });
  after(async () => t.close());

  const put = (uid: string, body: unknown) =>
    t
      .http()
      .put(`/api/books/${book}/contacts/${uid}`)
      .set(me.auth)
      .send(body as object);
  const feed = async () =>
    (await t.http().get(`/api/books/${book}/changes`).set(me.auth).expect(200)).body.changes.map(
      (c: { uid: string }) => c.uid,
    );
  const extras = (count: number, bytes: number) =>
    Array.from({ length: count }, (_, i) => ({ source: "graph", name: `p${i}`, value: "v".repeat(bytes) }));
  const photoOf = (bytes: number) => Buffer.alloc(bytes, 9);

  it("answers 413 to a contact over MAX_CONTACT_BYTES without its photo, and stores nothing", async () => {
    const before = await feed();
    const res = await put("fat", { displayName: "Fat", extra: extras(2, 200 * KiB) });
    assert.equal(res.status, 413, res.text);
    assert.equal(res.body.error.code, "too-large");
    assert.match(res.body.error.message, /262144/);
    assert.deepEqual(await feed(), before);
  });

  it("stores a contact just under MAX_CONTACT_BYTES", async () => {
    await put("slim", { displayName: "Slim", extra: extras(2, 120 * KiB) }).expect(201);
  });

  it("answers 413 to a photo over MAX_PHOTO_BYTES, and stores neither the contact nor the photo", async () => {
    const bytes = photoOf(1024 * KiB + 1);
    const res = await put("pic", {
      displayName: "Pic",
      photo: { mediaType: "image/png", data: bytes.toString("base64") },
    });
    assert.equal(res.status, 413, res.text);
    assert.match(res.body.error.message, /photo/);
    assert.equal(await t.db.models.Photo.countDocuments({ _id: createHash("sha256").update(bytes).digest("hex") }), 0);
    await t.http().get(`/api/books/${book}/contacts/pic`).set(me.auth).expect(404);
  });

  it("answers 400 to a contact with more entries than an array's cap", async () => {
    const emails = Array.from({ length: 101 }, (_, i) => ({ address: `a${i}@example.com` }));
    const categories = Array.from({ length: 501 }, (_, i) => `c${i}`);
    for (const body of [{ emails }, { categories }, { extra: extras(501, 1) }]) {
      const res = await put("many", { displayName: "Many", ...body });
      assert.equal(res.status, 400, res.text);
    }
    await t.http().get(`/api/books/${book}/contacts/many`).set(me.auth).expect(404);
  });

  it("gives an oversized op in a batch its own 413 result and applies the other ops", async () => {
    const ops = [
      { op: "put", uid: "b1", contact: { displayName: "B1" } },
      { op: "put", uid: "b2", contact: { displayName: "B2", extra: extras(2, 200 * KiB) } },
      { op: "put", uid: "b3", contact: { displayName: "B3" } },
    ];
    const res = await t.http().post(`/api/books/${book}/batch`).set(me.auth).send({ ops }).expect(200);
    assert.deepEqual(
      res.body.results.map((r: { status: string }) => r.status),
      ["created", "error", "created"],
    );
    assert.equal(res.body.results[1].code, 413);
    assert.match(res.body.results[1].error, /too-large/);
    assert.ok(!(await feed()).includes("b2"));
  });

  it("answers 413 to a single-contact JSON body larger than one contact at the caps can be", async () => {
    const res = await put("huge", { displayName: "Huge", notes: "x".repeat(4 * 1024 * KiB) });
    assert.equal(res.status, 413, res.text);
    assert.equal(res.body.error.code, "payload-too-large");
  });

  it("answers 413 to a vCard body larger than one contact at the caps can be", async () => {
    const card = `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:vbig\r\nFN:V\r\nNOTE:${"y".repeat(3 * 1024 * KiB)}\r\nEND:VCARD\r\n`;
    const res = await t
      .http()
      .put(`/api/books/${book}/contacts/vbig`)
      .set(me.auth)
      .set("Content-Type", "text/vcard")
      .send(card);
    assert.equal(res.status, 413, res.text);
  });

  it("answers 400 naming the line to a vCard with more than 1000 properties", async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => `X-P${i}:v`);
    const card = ["BEGIN:VCARD", "VERSION:3.0", "UID:vmany", "FN:V", ...lines, "END:VCARD", ""].join("\r\n");
    const res = await t
      .http()
      .put(`/api/books/${book}/contacts/vmany`)
      .set(me.auth)
      .set("Content-Type", "text/vcard")
      .send(card);
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.error.message, /line 1002: more than 1000 properties/);
  });

  it("answers 401, not 400, to a malformed JSON body sent without credentials: the body is not read", async () => {
    for (const path of [`/api/books/${book}/batch`, `/api/books/${book}/contacts/x`]) {
      const res = await t.http().post(path).set("Content-Type", "application/json").send('{"ops": [');
      assert.equal(res.status, 401, `${path}: ${res.text}`);
    }
  });

  it("parses a batch larger than 64 KiB as JSON.parse would, a __proto__ parameter key included", async () => {
    const filler = Array.from(
      { length: 40 },
      (_, i) => `{"op":"put","uid":"f${i}","contact":{"displayName":"F","notes":"${"n".repeat(4000)}"}}`,
    );
    const hostile =
      '{"op":"put","uid":"proto","contact":{"displayName":"P","extra":[{"source":"vcard","name":"X-A","value":"v","params":{"__proto__":["1"]}}]}}';
    const text = `{"ops": [${[...filler, hostile].join(",\n")}]}`;
    assert.ok(text.length > 64 * KiB);
    const res = await t
      .http()
      .post(`/api/books/${book}/batch`)
      .set(me.auth)
      .set("Content-Type", "application/json")
      .send(text)
      .expect(200);
    assert.equal(res.body.results.filter((r: { status: string }) => r.status === "created").length, 40);
    assert.deepEqual(res.body.results[40], {
      uid: "proto",
      status: "error",
      code: 400,
      error: res.body.results[40].error,
    });
    assert.match(res.body.results[40].error, /__proto__/);
  });
});

describe("writes the fuzzer found refused half-way", () => {
  let t: TestApp;
  let me: Session;
  before(async () => {
    t = await testApp();
    me = await t.user("carol");
  });
  after(async () => t.close());

  it("answers 412 to a PUT with a photo whose If-Match is stale, and stores no photo", async () => {
    const at = (uid: string) => t.http().put(`/api/books/${me.primaryBook}/contacts/${uid}`).set(me.auth);
    await at("p").send({ displayName: "P" }).expect(201);
    const bytes = Buffer.from("a photo that must not be kept");
    const photo = { mediaType: "image/png", data: bytes.toString("base64") };
    await at("p").set("If-Match", '"stale"').send({ displayName: "P", photo }).expect(412);
    await at("p").set("If-None-Match", "*").send({ displayName: "P", photo }).expect(412);
    await at("q").set("If-Match", '"stale"').send({ displayName: "Q", photo }).expect(412);
    assert.equal(await t.db.models.Photo.countDocuments(), 0);
  });

  it("refuses a uid holding a control character, which a vCard would give back changed", async () => {
    const ops = [
      { op: "put", uid: "a\rb", contact: { displayName: "CR" } },
      { op: "put", uid: "a\u0000b", contact: { displayName: "NUL" } },
    ];
    const res = await t.http().post(`/api/books/${me.primaryBook}/batch`).set(me.auth).send({ ops });
    assert.equal(res.status, 400, res.text);
    const feed = await t.http().get(`/api/books/${me.primaryBook}/changes`).set(me.auth).expect(200);
    assert.deepEqual(
      feed.body.changes.filter((c: { uid: string }) => /[\x00-\x1f]/.test(c.uid)),
      [],
    );
  });
});

describe("pages sized by bytes", () => {
  let t: TestApp;
  let me: Session;
  before(async function () {
    this.timeout(120_000);
    t = await testApp();
    me = await t.user("dave");
    // 40 contacts near the cap: 9.6 MB, more than one page may hold.
    const ops = Array.from({ length: 40 }, (_, i) => ({
      op: "put",
      uid: `big${i}`,
      contact: { displayName: `Big ${i}`, notes: "n".repeat(240 * KiB) },
    }));
    const res = await t.http().post(`/api/books/${me.primaryBook}/batch`).set(me.auth).send({ ops }).expect(200);
    assert.ok(
      res.body.results.every((r: { status: string }) => r.status === "created"),
      res.text,
    );
  });
  after(async () => t.close());

  it("answers the change feed in pages of at most PAGE_BYTES, whatever the limit, and loses no contact", async () => {
    const uids: string[] = [];
    let since: string | undefined;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 10);
      const res = await t
        .http()
        .get(`/api/books/${me.primaryBook}/changes`)
        .query({ limit: 1000, ...(since ? { since } : {}) })
        .set(me.auth)
        .expect(200);
      assert.ok(res.text.length <= PAGE_BYTES + 64 * KiB, `a page of ${res.text.length} bytes`);
      uids.push(...res.body.changes.map((c: { uid: string }) => c.uid));
      since = res.body.token;
      if (!res.body.more) break;
      assert.ok(res.body.changes.length > 0 && res.body.changes.length < 40);
    }
    assert.deepEqual(uids.sort(), Array.from({ length: 40 }, (_, i) => `big${i}`).sort());
  });

  it("answers the contact listing in pages of at most PAGE_BYTES, whatever the limit, and loses no contact", async () => {
    const uids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { text: string; body: { contacts: { uid: string }[]; cursor: string | null } } = await t
        .http()
        .get(`/api/books/${me.primaryBook}/contacts`)
        .query({ limit: 1000, ...(cursor ? { cursor } : {}) })
        .set(me.auth)
        .expect(200);
      assert.ok(res.text.length <= PAGE_BYTES + 64 * KiB, `a page of ${res.text.length} bytes`);
      uids.push(...res.body.contacts.map((c: { uid: string }) => c.uid));
      cursor = res.body.cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.ok(pages > 1, "one page held every contact");
    assert.deepEqual(uids.sort(), Array.from({ length: 40 }, (_, i) => `big${i}`).sort());
  });
});

describe("contact size caps from the environment", () => {
  let t: TestApp;
  let me: Session;
  before(async () => {
    t = await testApp({ env: { MAX_CONTACT_BYTES: String(32 * KiB), MAX_PHOTO_BYTES: String(16 * KiB) } });
    me = await t.user("bob");
  });
  after(async () => t.close());

  it("refuses to start with MAX_CONTACT_BYTES or MAX_PHOTO_BYTES past what one database document holds", () => {
    assert.throws(() => configFromEnv({ MAX_CONTACT_BYTES: String(20 * 1024 * KiB) }), /MAX_CONTACT_BYTES/);
    assert.throws(() => configFromEnv({ MAX_PHOTO_BYTES: String(20 * 1024 * KiB) }), /MAX_PHOTO_BYTES/);
  });

  it("follows MAX_CONTACT_BYTES and MAX_PHOTO_BYTES", async () => {
    const at = (uid: string) => t.http().put(`/api/books/${me.primaryBook}/contacts/${uid}`).set(me.auth);
    assert.equal((await at("a").send({ displayName: "A", notes: "n".repeat(33 * KiB) })).status, 413);
    await at("b")
      .send({ displayName: "B", notes: "n".repeat(31 * KiB) })
      .expect(201);
    const photo = (bytes: number) => ({ mediaType: "image/png", data: Buffer.alloc(bytes, 3).toString("base64") });
    assert.equal((await at("c").send({ displayName: "C", photo: photo(16 * KiB + 1) })).status, 413);
    await at("d")
      .send({ displayName: "D", photo: photo(16 * KiB) })
      .expect(201);
  });
});
