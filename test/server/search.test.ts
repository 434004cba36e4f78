// Contact search over REST: one book through the listing's query, and every book the caller
// can read through /api/search.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("contact search over REST", function () {
  let t: TestApp;
  let ann: Awaited<ReturnType<TestApp["user"]>>;
  let bob: Awaited<ReturnType<TestApp["user"]>>;
  const uids = (res: { body: { contacts: { uid: string }[] } }) => res.body.contacts.map((c) => c.uid);

  before(async () => {
    t = await testApp();
    const admin = await t.user("root", { admin: true });
    ann = await t.user("ann");
    bob = await t.user("bob");
    await t
      .http()
      .post("/api/books/gab/batch")
      .set(admin.auth)
      .send({
        ops: [
          {
            op: "put",
            uid: "g1",
            contact: { displayName: "Renée Dubois", emails: [{ address: "renee@example.com" }], categories: ["Board"] },
          },
          {
            op: "put",
            uid: "g2",
            contact: {
              displayName: "Mark Renner",
              company: "ACME",
              phones: [{ type: "business", number: "+1 (555) 010-9999" }],
            },
          },
          { op: "put", uid: "g3", contact: { displayName: "Zed Quill", name: { fileAs: "Aardvark, Zed" } } },
        ],
      })
      .expect(200);
    await t
      .http()
      .put(`/api/books/${ann.primaryBook}/contacts/a1`)
      .set(ann.auth)
      .send({ displayName: "Irene Renfield" })
      .expect(201);
    await t
      .http()
      .put(`/api/books/${bob.primaryBook}/contacts/b1`)
      .set(bob.auth)
      .send({ displayName: "Bob's Rennie" })
      .expect(201);
  });
  after(async () => t.close());

  it("finds contacts of one book by an accent- and case-insensitive substring, sorted by file-as", async () => {
    assert.deepEqual(uids(await t.http().get("/api/books/gab/contacts?q=REN").set(ann.auth).expect(200)), ["g2", "g1"]);
    assert.deepEqual(uids(await t.http().get("/api/books/gab/contacts?q=renée").set(ann.auth).expect(200)), ["g1"]);
    assert.deepEqual(uids(await t.http().get("/api/books/gab/contacts?q=0109999").set(ann.auth).expect(200)), ["g2"]);
    assert.deepEqual(uids(await t.http().get("/api/books/gab/contacts?category=board").set(ann.auth).expect(200)), [
      "g1",
    ]);
    assert.deepEqual(uids(await t.http().get("/api/books/gab/contacts?sort=name").set(ann.auth).expect(200)), [
      "g3",
      "g2",
      "g1",
    ]);
  });

  it("pages search results with a cursor, and keeps the plain listing when no search is asked", async () => {
    const first = await t.http().get("/api/books/gab/contacts?sort=name&limit=2").set(ann.auth).expect(200);
    assert.deepEqual(uids(first), ["g3", "g2"]);
    const rest = await t
      .http()
      .get(`/api/books/gab/contacts?sort=name&limit=2&cursor=${first.body.cursor}`)
      .set(ann.auth)
      .expect(200);
    assert.deepEqual(uids(rest), ["g1"]);
    assert.equal(rest.body.cursor, null);
    const listing = await t.http().get("/api/books/gab/contacts?limit=10").set(ann.auth).expect(200);
    assert.deepEqual(uids(listing), ["g1", "g2", "g3"], "the listing stays in log order");
    await t.http().get("/api/books/gab/contacts?sort=surname").set(ann.auth).expect(400);
    await t.http().get("/api/books/gab/contacts?q=x&cursor=bogus").set(ann.auth).expect(400);
  });

  it("sorts by company with sort=company, and starts at a letter with from=, paging on from there", async () => {
    const get = (query: string) => t.http().get(`/api/books/gab/contacts?${query}`).set(ann.auth).expect(200);
    // ACME first; the contacts without a company after, by name.
    assert.deepEqual(uids(await get("sort=company")), ["g2", "g3", "g1"]);
    assert.deepEqual(uids(await get("from=M")), ["g2", "g1"]);
    assert.deepEqual(uids(await get("from=r&q=ren")), ["g1"]);
    const first = await get("from=b&limit=1");
    assert.deepEqual(uids(first), ["g2"]);
    assert.deepEqual(uids(await get(`from=b&limit=1&cursor=${first.body.cursor}`)), ["g1"]);
    assert.deepEqual(uids(await get("sort=company&from=z")), ["g3", "g1"], "after every company: the ones without");
    await t.http().get("/api/books/gab/contacts?sort=company&from[$gt]=a").set(ann.auth).expect(400);
  });

  it("lists each of the caller's books with how many live contacts it holds", async () => {
    const res = await t.http().get("/api/books").set(ann.auth).expect(200);
    const counts = Object.fromEntries(res.body.books.map((b: { id: string; count: number }) => [b.id, b.count]));
    assert.equal(counts.gab, 3);
    assert.equal(counts[ann.primaryBook], 1);
    assert.equal(counts[bob.primaryBook], undefined);
  });

  it("refuses a search of a book the caller cannot read, as not found", async () => {
    await t.http().get(`/api/books/${bob.primaryBook}/contacts?q=ren`).set(ann.auth).expect(404);
  });

  it("searches every book the caller can read, and only those, naming each hit's book", async () => {
    const res = await t.http().get("/api/search?q=ren").set(ann.auth).expect(200);
    assert.deepEqual(
      res.body.contacts.map((c: { book: string; uid: string }) => [c.book, c.uid]),
      [
        [ann.primaryBook, "a1"],
        ["gab", "g2"],
        ["gab", "g1"],
      ],
    );
    const limited = await t.http().get("/api/search?q=ren&limit=1").set(ann.auth).expect(200);
    assert.deepEqual(uids(limited), ["a1"]);
    await t.http().get("/api/search?q=ren").expect(401);
  });
});
