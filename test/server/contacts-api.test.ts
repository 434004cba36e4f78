// The contacts REST API: preconditions (RFC 9110 §13.1), paging, the change
// feed with tombstones and expired tokens, batches, vCard in and out, photos,
// and the per-device sync state.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { testApp, type TestApp } from "../support/app";

type Session = Awaited<ReturnType<TestApp["user"]>>;
const crlf = (lines: string[]) => lines.join("\r\n") + "\r\n";

describe("REST contacts API", () => {
  let t: TestApp;
  let me: Session;
  let book: string;
  before(async () => {
    t = await testApp();
    me = await t.user("alice");
  });
  after(async () => t.close());
  // A fresh PAB per test keeps feeds and listings about that test only (book names are unique per owner).
  let scratch = 0;
  beforeEach(async () => {
    book = (
      await t
        .http()
        .post("/api/books")
        .set(me.auth)
        .send({ name: `Scratch ${++scratch}` })
        .expect(201)
    ).body.id;
  });

  const url = (path = "") => `/api/books/${book}${path}`;
  const get = (path: string) => t.http().get(url(path)).set(me.auth);
  const put = (uid: string, body: object) =>
    t
      .http()
      .put(url(`/contacts/${uid}`))
      .set(me.auth)
      .send(body);
  const batch = (ops: object[]) => t.http().post(url("/batch")).set(me.auth).send({ ops });
  const listUids = async () =>
    (await get("/contacts?limit=1000").expect(200)).body.contacts.map((c: { uid: string }) => c.uid).sort();
  const feedFrom = async (since?: string) =>
    (await get(`/changes?limit=1000${since ? `&since=${since}` : ""}`).expect(200)).body;

  describe("preconditions", () => {
    it("sends the etag as a quoted ETag header on create, update and read", async () => {
      const created = await put("c1", { displayName: "One" }).expect(201);
      assert.equal(created.headers.etag, `"${created.body.etag}"`);
      const read = await get("/contacts/c1").expect(200);
      assert.equal(read.headers.etag, `"${read.body.etag}"`);
      assert.equal(read.body.etag, created.body.etag);
      const updated = await put("c1", { displayName: "One bis" }).expect(200);
      assert.equal(updated.headers.etag, `"${updated.body.etag}"`);
      assert.notEqual(updated.body.etag, created.body.etag);
    });

    it("creates with If-None-Match: * once, then answers 412 and keeps the first version", async () => {
      await put("c1", { displayName: "First" }).set("If-None-Match", "*").expect(201);
      const again = await put("c1", { displayName: "Second" }).set("If-None-Match", "*").expect(412);
      assert.equal(again.body.error.code, "precondition-failed");
      assert.equal((await get("/contacts/c1").expect(200)).body.contact.displayName, "First");
    });

    it("updates with a matching If-Match and answers 412 to a stale one, keeping the newer version", async () => {
      const v1 = (await put("c1", { displayName: "V1" }).expect(201)).body.etag;
      const v2 = (await put("c1", { displayName: "V2" }).set("If-Match", `"${v1}"`).expect(200)).body.etag;
      await put("c1", { displayName: "Lost update" }).set("If-Match", `"${v1}"`).expect(412);
      await put("c1", { displayName: "V3" }).set("If-Match", `W/"${v2}"`).expect(200);
      assert.equal((await get("/contacts/c1").expect(200)).body.contact.displayName, "V3");
    });

    it("answers 412 to If-Match on a contact that does not exist, with or without *, and creates nothing", async () => {
      await put("ghost", { displayName: "G" }).set("If-Match", '"abc"').expect(412);
      await put("ghost", { displayName: "G" }).set("If-Match", "*").expect(412);
      assert.deepEqual(await listUids(), []);
    });

    it("updates with If-Match: * when the contact exists", async () => {
      await put("c1", { displayName: "A" }).expect(201);
      await put("c1", { displayName: "B" }).set("If-Match", "*").expect(200);
      assert.equal((await get("/contacts/c1").expect(200)).body.contact.displayName, "B");
    });

    it("deletes with a matching If-Match, answers 412 to a stale one and 404 to a missing contact", async () => {
      const v1 = (await put("c1", { displayName: "A" }).expect(201)).body.etag;
      const v2 = (await put("c1", { displayName: "B" }).expect(200)).body.etag;
      await t.http().delete(url("/contacts/c1")).set(me.auth).set("If-Match", `"${v1}"`).expect(412);
      await get("/contacts/c1").expect(200);
      await t.http().delete(url("/contacts/c1")).set(me.auth).set("If-Match", `"${v2}"`).expect(204);
      await get("/contacts/c1").expect(404);
      await t.http().delete(url("/contacts/never")).set(me.auth).expect(404);
    });

    it("answers 304 to a GET whose If-None-Match names the current etag", async () => {
      const etag = (await put("c1", { displayName: "A" }).expect(201)).body.etag;
      await get("/contacts/c1").set("If-None-Match", `"${etag}"`).expect(304);
      await get("/contacts/c1").set("If-None-Match", '"other"').expect(200);
    });

    it("never duplicates a create retried with the same body", async () => {
      const first = await put("c1", {
        displayName: "Retried",
        emails: [{ type: "work", address: "r@example.com" }],
      }).expect(201);
      const retry = await put("c1", {
        displayName: "Retried",
        emails: [{ type: "work", address: "r@example.com" }],
      }).expect(200);
      assert.equal(retry.body.status, "unchanged");
      assert.equal(retry.body.etag, first.body.etag);
      assert.deepEqual(await listUids(), ["c1"]);
      assert.equal((await feedFrom()).changes.length, 1);
    });

    it("refuses a body whose uid differs from the URL's", async () => {
      const res = await put("c1", { uid: "c2", displayName: "X" }).expect(400);
      assert.match(res.body.error.message, /differs/);
      assert.deepEqual(await listUids(), []);
    });
  });

  describe("paging and the change feed", () => {
    it("pages through the contacts with a cursor, each contact once", async () => {
      await batch(
        Array.from({ length: 25 }, (_, i) => ({
          op: "put",
          uid: `p${String(i).padStart(2, "0")}`,
          contact: { displayName: `P ${i}` },
        })),
      ).expect(200);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { contacts: { uid: string }[]; cursor: string | null } } = await get(
          `/contacts?limit=10${cursor ? `&cursor=${cursor}` : ""}`,
        ).expect(200);
        assert.ok(res.body.contacts.length <= 10);
        seen.push(...res.body.contacts.map((c: { uid: string }) => c.uid));
        cursor = res.body.cursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(
        seen.sort(),
        Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, "0")}`),
      );
    });

    it("lists changes in write order, with tombstones for deletions after a token", async () => {
      const start = (await feedFrom()).token;
      for (const uid of ["a", "b", "c"]) await put(uid, { displayName: uid.toUpperCase() }).expect(201);
      await put("a", { displayName: "A2" }).expect(200);
      await t.http().delete(url("/contacts/b")).set(me.auth).expect(204);
      const feed = await feedFrom(start);
      assert.deepEqual(
        feed.changes.map((c: { uid: string; deleted: boolean; contact?: { displayName: string } }) => [
          c.uid,
          c.deleted,
          c.contact?.displayName,
        ]),
        [
          ["c", false, "C"],
          ["a", false, "A2"],
          ["b", true, undefined],
        ],
      );
      assert.equal(feed.more, false);
      assert.deepEqual((await feedFrom(feed.token)).changes, []);
      // Without a token the feed is a full listing: live contacts only.
      assert.deepEqual(
        (await feedFrom()).changes.map((c: { uid: string }) => c.uid),
        ["c", "a"],
      );
    });

    it("pages the change feed with `more` and a token per page", async () => {
      const start = (await feedFrom()).token;
      for (let i = 0; i < 7; i++) await put(`f${i}`, { displayName: `F${i}` }).expect(201);
      const uids: string[] = [];
      let since = start;
      for (;;) {
        const page = (await get(`/changes?limit=3&since=${since}`).expect(200)).body;
        uids.push(...page.changes.map((c: { uid: string }) => c.uid));
        since = page.token;
        if (!page.more) break;
      }
      assert.deepEqual(uids, ["f0", "f1", "f2", "f3", "f4", "f5", "f6"]);
    });

    it("delivers the tombstone of a contact deleted while a full read (no token) was being paged", async () => {
      await batch(["a", "b", "c"].map((uid) => ({ op: "put", uid, contact: { displayName: uid } }))).expect(200);
      const first = (await get("/changes?limit=2").expect(200)).body;
      assert.deepEqual(
        first.changes.map((c: { uid: string }) => c.uid),
        ["a", "b"],
      );
      await t.http().delete(url("/contacts/a")).set(me.auth).expect(204);
      const rest = (await get(`/changes?limit=2&since=${first.token}`).expect(200)).body;
      assert.deepEqual(
        rest.changes.map((c: { uid: string; deleted: boolean }) => [c.uid, c.deleted]),
        [
          ["c", false],
          ["a", true],
        ],
      );
      assert.equal(rest.more, false);
      assert.deepEqual((await feedFrom(rest.token)).changes, []);
    });

    it("answers 410 sync-token-expired to an unknown token and to another book's token", async () => {
      for (const since of ["garbage", "eyJ4IjoxfQ", Buffer.from(JSON.stringify([book, 99])).toString("base64url")]) {
        const res = await get(`/changes?since=${since}`).expect(410);
        assert.equal(res.body.error.code, "sync-token-expired");
      }
      const other = (await t.http().get(`/api/books/${me.primaryBook}/changes`).set(me.auth).expect(200)).body.token;
      const res = await get(`/changes?since=${other}`).expect(410);
      assert.deepEqual(Object.keys(res.body), ["error"]);
      assert.equal(res.body.error.code, "sync-token-expired");
    });

    it("answers 410 to a token older than purged tombstones, and accepts a token taken after the deletion", async () => {
      await put("x", { displayName: "X" }).expect(201);
      const beforeDelete = (await feedFrom()).token;
      await t.http().delete(url("/contacts/x")).set(me.auth).expect(204);
      const afterDelete = (await feedFrom(beforeDelete)).token;
      await get(`/changes?since=${beforeDelete}`).expect(200);
      assert.equal(await t.deps.store.purgeTombstones(book, new Date(Date.now() + 60_000)), 1);
      const res = await get(`/changes?since=${beforeDelete}`).expect(410);
      assert.equal(res.body.error.code, "sync-token-expired");
      await get(`/changes?since=${afterDelete}`).expect(200);
    });
  });

  describe("batches", () => {
    it("applies a batch of 1000 ops", async () => {
      const ops = Array.from({ length: 1000 }, (_, i) => ({
        op: "put",
        uid: `b${i}`,
        contact: { displayName: `Batch ${i}` },
      }));
      const res = await batch(ops).expect(200);
      assert.equal(res.body.results.length, 1000);
      assert.ok(res.body.results.every((r: { status: string }) => r.status === "created"));
      assert.equal((await listUids()).length, 1000);
    });

    it("refuses a batch of 1001 ops with 400 and stores none of it", async () => {
      const ops = Array.from({ length: 1001 }, (_, i) => ({
        op: "put",
        uid: `b${i}`,
        contact: { displayName: `Batch ${i}` },
      }));
      const res = await batch(ops).expect(400);
      assert.ok(
        res.body.error.details.some((d: { field: string }) => d.field === "body.ops"),
        JSON.stringify(res.body.error.details),
      );
      assert.deepEqual(await listUids(), []);
    });

    it("applies each op on its own: a bad op and a repeated uid fail alone, and a retry ends in the same state", async () => {
      await put("old", { displayName: "Old" }).expect(201);
      const ops = [
        { op: "put", uid: "a", contact: { displayName: "A" } },
        { op: "put", uid: "bad", contact: { displayName: "Bad", emails: [{ type: "work" }] } },
        { op: "put", uid: "c", contact: { displayName: "C" } },
        { op: "put", uid: "a", contact: { displayName: "A again" } },
        { op: "delete", uid: "old" },
      ];
      const first = (await batch(ops).expect(200)).body.results;
      assert.deepEqual(
        first.map((r: { uid: string; status: string }) => `${r.uid}:${r.status}`),
        ["a:created", "bad:error", "c:created", "a:error", "old:deleted"],
      );
      assert.match(first[1].error, /ops\.1\.contact\.emails/);
      assert.match(first[3].error, /twice/);
      const stateAfterFirst = (await get("/contacts?limit=1000").expect(200)).body.contacts;

      const retry = (await batch(ops).expect(200)).body.results;
      assert.deepEqual(
        retry.map((r: { uid: string; status: string }) => `${r.uid}:${r.status}`),
        ["a:unchanged", "bad:error", "c:unchanged", "a:error", "old:unchanged"],
      );
      assert.equal(retry[0].etag, first[0].etag);
      assert.deepEqual((await get("/contacts?limit=1000").expect(200)).body.contacts, stateAfterFirst);
      assert.deepEqual(
        stateAfterFirst
          .map((c: { uid: string; contact: { displayName: string } }) => `${c.uid}:${c.contact.displayName}`)
          .sort(),
        ["a:A", "c:C"],
      );
    });

    it("answers unchanged to every If-Match put of a batch sent again after it landed", async () => {
      const created = (
        await batch(["a", "b"].map((uid) => ({ op: "put", uid, contact: { displayName: uid } }))).expect(200)
      ).body.results;
      const ops = created.map((r: { uid: string; etag: string }) => ({
        op: "put",
        uid: r.uid,
        ifMatch: r.etag,
        contact: { displayName: `${r.uid} edited` },
      }));
      const first = (await batch(ops).expect(200)).body.results;
      assert.deepEqual(
        first.map((r: { status: string }) => r.status),
        ["updated", "updated"],
      );
      const again = (await batch(ops).expect(200)).body.results;
      assert.deepEqual(
        again,
        first.map((r: { uid: string; etag: string }) => ({ uid: r.uid, status: "unchanged", etag: r.etag })),
      );
    });

    it("still answers 412 to a single PUT whose If-Match is stale, even when its content is stored", async () => {
      const v1 = (await put("a", { displayName: "A1" }).expect(201)).body.etag;
      await put("a", { displayName: "A2" }).set("If-Match", `"${v1}"`).expect(200);
      await put("a", { displayName: "A2" }).set("If-Match", `"${v1}"`).expect(412);
    });

    it("reports a stale ifMatch in a batch as a conflict for that op only", async () => {
      const v1 = (await put("a", { displayName: "A1" }).expect(201)).body.etag;
      await put("a", { displayName: "A2" }).expect(200);
      const results = (
        await batch([
          { op: "put", uid: "a", ifMatch: v1, contact: { displayName: "A3" } },
          { op: "put", uid: "b", contact: { displayName: "B" } },
        ]).expect(200)
      ).body.results;
      assert.deepEqual(
        results.map((r: { status: string }) => r.status),
        ["conflict", "created"],
      );
      assert.equal((await get("/contacts/a").expect(200)).body.contact.displayName, "A2");
    });
  });

  describe("lookup", () => {
    const lookup = (uids: unknown, auth = me.auth) => t.http().post(url("/lookup")).set(auth).send({ uids });

    it("answers the stored version of each uid: live with its contact, a tombstone without, unknown uids absent", async () => {
      const live = (await put("live", { displayName: "Live" }).expect(201)).body.etag;
      const gone = (await put("gone", { displayName: "Gone" }).expect(201)).body.etag;
      await t.http().delete(url("/contacts/gone")).set(me.auth).expect(204);
      const { results } = (await lookup(["live", "gone", "never"]).expect(200)).body;
      const byUid = new Map(results.map((r: { uid: string }) => [r.uid, r]));
      assert.deepEqual([...byUid.keys()].sort(), ["gone", "live"]);
      const l = byUid.get("live") as {
        etag: string;
        deleted: boolean;
        contact: { displayName: string };
        modifiedAt: string;
      };
      assert.deepEqual([l.etag, l.deleted, l.contact.displayName], [live, false, "Live"]);
      assert.ok(!Number.isNaN(Date.parse(l.modifiedAt)));
      const g = byUid.get("gone") as { etag: string; deleted: boolean; contact?: unknown };
      assert.deepEqual([g.etag, g.deleted, g.contact], [gone, true, undefined]);
    });

    it("lets a reader of a book look up, and answers 404 to a user who cannot see the book", async () => {
      await put("x", { displayName: "X" }).expect(201);
      const reader = await t.user(`reader${Math.random().toString(36).slice(2, 8)}`);
      const stranger = await t.user(`stranger${Math.random().toString(36).slice(2, 8)}`);
      await t
        .http()
        .put(url(`/shares/${reader.username}`))
        .set(me.auth)
        .send({ access: "read" })
        .expect(200);
      const seen = (await lookup(["x"], reader.auth).expect(200)).body.results;
      assert.deepEqual(
        seen.map((r: { uid: string }) => r.uid),
        ["x"],
      );
      const hidden = await lookup(["x"], stranger.auth).expect(404);
      assert.equal(hidden.body.error.code, "not-found");
    });

    it("refuses an empty list, more than 1000 uids, a uid that is not valid, and a missing body field with 400", async () => {
      for (const uids of [[], Array.from({ length: 1001 }, (_, i) => `u${i}`), ["a/b"], [""], "x", undefined]) {
        const res = await lookup(uids).expect(400);
        assert.equal(res.body.error.code, "bad-request");
      }
      await lookup(Array.from({ length: 1000 }, (_, i) => `u${i}`)).expect(200);
    });
  });

  describe("vCard", () => {
    it("stores a vCard 2.1 with QUOTED-PRINTABLE and a legacy charset, sent as text/x-vcard", async () => {
      const card = crlf([
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen",
        "FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller",
        "NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0ALine two",
        "TEL;WORK;VOICE:+49 89 1234-0",
        "EMAIL;PREF;INTERNET:juergen@example.com",
        "END:VCARD",
      ]);
      await t
        .http()
        .put(url("/contacts/v21"))
        .set(me.auth)
        .set("Content-Type", "text/x-vcard")
        .send(Buffer.from(card, "latin1"))
        .expect(201);
      const { contact } = (await get("/contacts/v21").expect(200)).body;
      assert.equal(contact.uid, "v21");
      assert.equal(contact.displayName, "Jürgen Müller");
      assert.equal(contact.name.family, "Müller");
      assert.match(contact.notes, /^Line one\r?\nLine two$/);
      assert.deepEqual(
        contact.emails.map((e: { address: string }) => e.address),
        ["juergen@example.com"],
      );
      assert.deepEqual(contact.phones, [{ type: "business", number: "+49 89 1234-0" }]);
    });

    it("stores vCard 3.0 and 4.0 sent as text/vcard", async () => {
      const v3 = crlf([
        "BEGIN:VCARD",
        "VERSION:3.0",
        "UID:v3",
        "FN:Three Zero",
        "N:Zero;Three;;;",
        "EMAIL;TYPE=INTERNET,WORK:three@example.com",
        "END:VCARD",
      ]);
      const v4 = crlf([
        "BEGIN:VCARD",
        "VERSION:4.0",
        "UID:v4",
        "FN:Four Zero",
        "N:Zero;Four;;;",
        "EMAIL;TYPE=work:four@example.com",
        "BDAY:--04-12",
        "END:VCARD",
      ]);
      await t.http().put(url("/contacts/v3")).set(me.auth).set("Content-Type", "text/vcard").send(v3).expect(201);
      await t
        .http()
        .put(url("/contacts/v4"))
        .set(me.auth)
        .set("Content-Type", "text/vcard; charset=utf-8")
        .send(v4)
        .expect(201);
      const three = (await get("/contacts/v3").expect(200)).body.contact;
      const four = (await get("/contacts/v4").expect(200)).body.contact;
      assert.deepEqual([three.displayName, three.emails[0].address], ["Three Zero", "three@example.com"]);
      assert.deepEqual(
        [four.displayName, four.emails[0].address, four.birthday],
        ["Four Zero", "four@example.com", "--04-12"],
      );
    });

    it("answers vCard 4.0 to Accept: text/vcard;version=4.0 and 3.0 to plain text/vcard", async () => {
      await put("c1", { displayName: "Card Holder", emails: [{ type: "work", address: "holder@example.com" }] }).expect(
        201,
      );
      const v4 = await get("/contacts/c1").set("Accept", "text/vcard;version=4.0").expect(200);
      assert.match(v4.headers["content-type"], /^text\/vcard/);
      assert.match(v4.text, /^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
      assert.match(v4.text, /FN:Card Holder/);
      assert.match(v4.text, /UID:c1/);
      const v3 = await get("/contacts/c1").set("Accept", "text/vcard").expect(200);
      assert.match(v3.text, /^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
    });

    it("refuses a bad vCard with 400 naming the line, and stores nothing", async () => {
      const bad = crlf(["BEGIN:VCARD", "VERSION:3.0", "FN:Broken", "this line has no colon", "END:VCARD"]);
      const res = await t
        .http()
        .put(url("/contacts/broken"))
        .set(me.auth)
        .set("Content-Type", "text/vcard")
        .send(bad)
        .expect(400);
      assert.match(res.body.error.message, /line 4/);
      assert.deepEqual(await listUids(), []);
      const unclosed = crlf(["BEGIN:VCARD", "VERSION:3.0", "FN:Open"]);
      const res2 = await t
        .http()
        .put(url("/contacts/broken"))
        .set(me.auth)
        .set("Content-Type", "text/vcard")
        .send(unclosed)
        .expect(400);
      assert.match(res2.body.error.message, /line 1/);
      assert.deepEqual(await listUids(), []);
    });

    it("refuses a vCard whose UID differs from the URL", async () => {
      const card = crlf(["BEGIN:VCARD", "VERSION:3.0", "UID:other", "FN:X", "END:VCARD"]);
      await t.http().put(url("/contacts/mine")).set(me.auth).set("Content-Type", "text/vcard").send(card).expect(400);
      assert.deepEqual(await listUids(), []);
    });
  });

  const bytesOf = (req: ReturnType<typeof get>) =>
    req.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(null, Buffer.concat(chunks)));
    });

  it("keeps a photo apart: the contact holds its hash, and its photo URL returns the bytes to the book's readers", async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);
    const hash = createHash("sha256").update(bytes).digest("hex");
    await put("pic", {
      displayName: "Pictured",
      photo: { mediaType: "image/png", data: bytes.toString("base64") },
    }).expect(201);
    const { contact } = (await get("/contacts/pic").expect(200)).body;
    assert.deepEqual(contact.photo, { mediaType: "image/png", hash });
    const photo = await bytesOf(get("/contacts/pic/photo")).expect(200);
    assert.equal(photo.headers["content-type"], "image/png");
    assert.deepEqual(photo.body, bytes);
    const vcard = await get("/contacts/pic").set("Accept", "text/vcard").expect(200);
    assert.ok(
      vcard.text.replace(/\r\n /g, "").includes(bytes.toString("base64")),
      "the vCard carries the photo inline",
    );
    await get("/contacts/nobody/photo").expect(404);
    await t.http().get(url("/contacts/pic/photo")).expect(401);
  });

  it("serves a photo only to readers of a book that references it, with that contact's media type", async () => {
    const bytes = Buffer.from("shared photo bytes");
    await put("mine-pic", {
      displayName: "Mine",
      photo: { mediaType: "image/jpeg", data: bytes.toString("base64") },
    }).expect(201);
    const other = await t.user(`other${Date.now()}`);
    // Another user uploads the same bytes under another media type: each contact keeps its own.
    const theirs = `/api/books/${other.primaryBook}/contacts/their-pic`;
    await t
      .http()
      .put(theirs)
      .set(other.auth)
      .send({ displayName: "Theirs", photo: { mediaType: "image/gif", data: bytes.toString("base64") } })
      .expect(201);
    assert.equal((await get("/contacts/mine-pic/photo").expect(200)).headers["content-type"], "image/jpeg");
    assert.equal(
      (await t.http().get(`${theirs}/photo`).set(other.auth).expect(200)).headers["content-type"],
      "image/gif",
    );
    // The other user cannot read this book, so cannot fetch its photo, though they hold the same bytes.
    await t.http().get(url("/contacts/mine-pic/photo")).set(other.auth).expect(404);
  });

  it("stores no photo for a PUT its precondition refused", async () => {
    await put("guarded", { displayName: "Guarded" }).expect(201);
    const bytes = Buffer.from(`refused photo ${Date.now()}`);
    const hash = createHash("sha256").update(bytes).digest("hex");
    const body = { displayName: "Guarded", photo: { mediaType: "image/png", data: bytes.toString("base64") } };
    await t.http().put(url("/contacts/guarded")).set(me.auth).set("If-Match", '"stale"').send(body).expect(412);
    assert.equal(await t.deps.photos.load(hash), null);
    const batch = [{ op: "put", uid: "guarded", ifMatch: "stale", contact: body }];
    const res = await t.http().post(url("/batch")).set(me.auth).send({ ops: batch }).expect(200);
    assert.equal(res.body.results[0].status, "conflict");
    assert.equal(await t.deps.photos.load(hash), null);
  });

  it("never serves an uploaded photo as a page: other media types go out as octet-stream, sandboxed", async () => {
    const html = Buffer.from("<script>steal(localStorage)</script>");
    await put("evil", { displayName: "Evil", photo: { mediaType: "text/html", data: html.toString("base64") } }).expect(
      201,
    );
    const photo = await get("/contacts/evil/photo").expect(200);
    assert.equal(photo.headers["content-type"], "application/octet-stream");
    assert.equal(photo.headers["x-content-type-options"], "nosniff");
    assert.match(photo.headers["content-security-policy"], /sandbox/);
  });

  describe("sync state", () => {
    const state = (path: string) => `/api/sync-state/${path}`;
    const putState = (path: string, json: string) =>
      t.http().put(state(path)).set(me.auth).set("Content-Type", "application/json").send(json);

    it("answers 404, then stores the exact JSON text with an ETag, and guards it with If-Match and If-None-Match", async () => {
      await t.http().get(state("pc1/pair1")).set(me.auth).expect(404);
      const text = '{"items": {"a": 1},  "spaces":  "kept"}';
      const first = await putState("pc1/pair1", text).expect(200);
      const etag1 = first.body.etag;
      assert.equal(first.headers.etag, `"${etag1}"`);

      const read = await t.http().get(state("pc1/pair1")).set(me.auth).expect(200);
      assert.equal(read.headers.etag, `"${etag1}"`);
      assert.equal(read.text, text);

      const second = await putState("pc1/pair1", '{"items": {"a": 2}}').set("If-Match", `"${etag1}"`).expect(200);
      assert.notEqual(second.body.etag, etag1);
      const stale = await putState("pc1/pair1", '{"items": {"a": 3}}').set("If-Match", `"${etag1}"`).expect(412);
      assert.equal(stale.body.error.code, "precondition-failed");
      await putState("pc1/pair1", '{"fresh": true}').set("If-None-Match", "*").expect(412);
      assert.equal((await t.http().get(state("pc1/pair1")).set(me.auth).expect(200)).text, '{"items": {"a": 2}}');
    });

    it("creates with If-None-Match: * when none exists, and keeps each user's state apart", async () => {
      await putState("pc2/pair1", '{"mine": true}').set("If-None-Match", "*").expect(200);
      const bob = await t.user("bob");
      await t.http().get(state("pc2/pair1")).set(bob.auth).expect(404);
    });

    it("refuses a sync state that is not JSON, and a device name outside the allowed characters", async () => {
      const res = await putState("pc3/pair1", "{not json").expect(400);
      assert.equal(res.body.error.code, "malformed-json");
      await t.http().get(state("pc3/pair1")).set(me.auth).expect(404);
      await t.http().get(state("bad%24name/pair1")).set(me.auth).expect(400);
    });
  });
});
