// Concurrent clients over REST: optimistic read-modify-write with If-Match
// loses no update, and a change feed read in small pages while others write
// neither misses nor repeats a change.
import assert from "node:assert/strict";
import { decodeToken } from "../../server/store/contact-store";
import { testApp, type TestApp } from "../support/app";

type Session = Awaited<ReturnType<TestApp["user"]>>;
type Change = { uid: string; etag: string; deleted: boolean; contact?: { notes?: string } };

describe("REST under concurrent writers", () => {
  let t: TestApp;
  let me: Session;
  before(async () => {
    t = await testApp();
    me = await t.user("alice");
  });
  after(async () => t.close());

  let books = 0;
  async function newBook(): Promise<string> {
    return (
      await t
        .http()
        .post("/api/books")
        .set(me.auth)
        .send({ name: `Busy ${++books}` })
        .expect(201)
    ).body.id;
  }
  const tokenOf = async (book: string): Promise<string> =>
    (await t.http().get(`/api/books/${book}/changes`).set(me.auth).expect(200)).body.token;

  it("loses no update when 20 writers increment one counter with If-Match and retry on 412", async () => {
    const book = await newBook();
    const counter = `/api/books/${book}/contacts/counter`;
    await t.http().put(counter).set(me.auth).send({ displayName: "Counter", notes: "0" }).expect(201);
    const start = await tokenOf(book);

    let writing = true;
    const positions: number[] = [];
    const seenValues: number[] = [];
    const poll = (async () => {
      let since = start;
      while (writing) {
        const page = (await t.http().get(`/api/books/${book}/changes?since=${since}&limit=5`).set(me.auth).expect(200))
          .body;
        if (page.changes.length) {
          positions.push(decodeToken(book, page.token)!.p);
          seenValues.push(...page.changes.map((c: Change) => Number(c.contact?.notes)));
        }
        since = page.token;
      }
    })();

    let conflicts = 0;
    async function increment() {
      for (let attempt = 0; attempt < 200; attempt++) {
        const read = await t.http().get(counter).set(me.auth).expect(200);
        const next = Number(read.body.contact.notes) + 1;
        const write = await t
          .http()
          .put(counter)
          .set(me.auth)
          .set("If-Match", read.headers.etag)
          .send({ displayName: "Counter", notes: String(next) });
        if (write.status === 200) return;
        assert.equal(write.status, 412, write.text);
        conflicts++;
      }
      assert.fail("gave up after 200 attempts");
    }
    try {
      await Promise.all(Array.from({ length: 20 }, increment));
    } finally {
      writing = false;
      await poll;
    }

    const final = await t.http().get(counter).set(me.auth).expect(200);
    assert.equal(final.body.contact.notes, "20");
    assert.ok(conflicts > 0, "the writers really overlapped");
    const listed = (await t.http().get(`/api/books/${book}/contacts?limit=1000`).set(me.auth).expect(200)).body
      .contacts;
    assert.deepEqual(
      listed.map((c: { uid: string }) => c.uid),
      ["counter"],
    );

    const feed = (await t.http().get(`/api/books/${book}/changes?since=${start}`).set(me.auth).expect(200)).body;
    assert.deepEqual(
      feed.changes.map((c: Change) => [c.uid, c.contact?.notes]),
      [["counter", "20"]],
    );
    assert.equal(
      decodeToken(book, feed.token)?.p,
      decodeToken(book, start)!.p + 20,
      "one log position per successful write",
    );
    for (let i = 1; i < positions.length; i++)
      assert.ok(positions[i] > positions[i - 1], `token positions ${positions.join(",")}`);
    for (let i = 1; i < seenValues.length; i++)
      assert.ok(seenValues[i] > seenValues[i - 1], `counter values in the feed ${seenValues.join(",")}`);
  });

  it("creates a contact exactly once when 20 clients race with If-None-Match: *", async () => {
    const book = await newBook();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .put(`/api/books/${book}/contacts/race`)
          .set(me.auth)
          .set("If-None-Match", "*")
          .send({ displayName: `Racer ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(19).fill(412)]);
    const winner = results.find((r) => r.status === 201)!;
    const stored = await t.http().get(`/api/books/${book}/contacts/race`).set(me.auth).expect(200);
    assert.equal(stored.body.etag, winner.body.etag);
    const feed = (await t.http().get(`/api/books/${book}/changes`).set(me.auth).expect(200)).body;
    assert.equal(feed.changes.length, 1);
  });

  it("delivers every change once and each contact's final version when the feed is paged while 5 writers write", async () => {
    const book = await newBook();
    const start = await tokenOf(book);
    const contactUrl = (uid: string) => `/api/books/${book}/contacts/${uid}`;

    // Each writer creates, updates and deletes its own contacts; every write's
    // content is unique, so an etag names exactly one write.
    async function writer(w: number) {
      for (let step = 0; step < 30; step++) {
        const uid = `w${w}-${step % 8}`;
        const res =
          step % 7 === 6
            ? await t.http().delete(contactUrl(uid)).set(me.auth)
            : await t
                .http()
                .put(contactUrl(uid))
                .set(me.auth)
                .send({ displayName: uid, notes: `w${w} step ${step}` });
        assert.ok([200, 201, 204, 404].includes(res.status), res.text);
      }
    }

    const delivered: Change[] = [];
    let writing = true;
    const reader = (async () => {
      let since = start;
      for (;;) {
        const done = !writing;
        const page = (await t.http().get(`/api/books/${book}/changes?since=${since}&limit=3`).set(me.auth).expect(200))
          .body;
        assert.ok(page.changes.length <= 3);
        delivered.push(...page.changes);
        since = page.token;
        // Stop only after a full pass that began once every writer had finished.
        if (done && !page.more) return;
      }
    })();
    try {
      await Promise.all(Array.from({ length: 5 }, (_, w) => writer(w)));
    } finally {
      writing = false;
      await reader;
    }

    const keys = delivered.map((c) => `${c.uid} ${c.etag} ${c.deleted}`);
    assert.equal(new Set(keys).size, keys.length, "no (uid, etag) delivered twice");

    const live = new Map<string, string>();
    let cursor: string | null = null;
    do {
      const page: { body: { contacts: { uid: string; etag: string }[]; cursor: string | null } } = await t
        .http()
        .get(`/api/books/${book}/contacts?limit=7${cursor ? `&cursor=${cursor}` : ""}`)
        .set(me.auth)
        .expect(200);
      for (const c of page.body.contacts) live.set(c.uid, c.etag);
      cursor = page.body.cursor;
    } while (cursor);

    const lastDelivered = new Map<string, Change>();
    for (const c of delivered) lastDelivered.set(c.uid, c);
    const everWritten = Array.from({ length: 5 }, (_, w) => Array.from({ length: 8 }, (_, k) => `w${w}-${k}`)).flat();
    assert.deepEqual([...lastDelivered.keys()].sort(), everWritten.sort());
    for (const uid of everWritten) {
      const last = lastDelivered.get(uid)!;
      if (live.has(uid)) assert.deepEqual([last.deleted, last.etag], [false, live.get(uid)], uid);
      else assert.equal(last.deleted, true, `${uid} was deleted, so its last change is a tombstone`);
    }
    assert.ok(live.size > 0 && live.size < everWritten.length, "some contacts live, some deleted");
  });
});
