// Who may see and write which address book, over REST: every role against
// every kind of book, for every operation, generated from one table.
import assert from "node:assert/strict";
import type { Response } from "supertest";
import { testApp, type TestApp } from "../support/app";

type Access = "write" | "read" | "hidden";
type Sharing = "manage" | "refuse" | "hidden";

const roles = ["admin", "owner", "writer", "reader", "stranger"] as const;
type Role = (typeof roles)[number];
// "shared" is the owner's PAB, shared read-write with the writer and read-only
// with the reader; "private" is a PAB nobody in the roles owns or shares.
const books = ["gab", "directory", "own", "shared", "private"] as const;
type BookKey = (typeof books)[number];

const bookLabel: Record<BookKey, string> = {
  gab: "the GAB",
  directory: "the Local Directory",
  own: "their own PAB",
  shared: "the owner's shared PAB",
  private: "another user's unshared PAB",
};

const access: Record<Role, Record<BookKey, Access>> = {
  admin: { gab: "write", directory: "read", own: "write", shared: "write", private: "write" },
  owner: { gab: "read", directory: "read", own: "write", shared: "write", private: "hidden" },
  writer: { gab: "read", directory: "read", own: "write", shared: "write", private: "hidden" },
  reader: { gab: "read", directory: "read", own: "write", shared: "read", private: "hidden" },
  stranger: { gab: "read", directory: "read", own: "write", shared: "hidden", private: "hidden" },
};

// What GET /api/books lists: the books a user works with. An admin can open any PAB by id,
// but only their own and those shared with them are listed (every book with ?scope=all).
const listed = (role: Role, book: BookKey): boolean =>
  access[role][book] !== "hidden" && !(role === "admin" && (book === "shared" || book === "private"));

// The GAB and the Directory are seen by everyone, so they are never shared.
const sharing: Record<Role, Record<BookKey, Sharing>> = {
  admin: { gab: "refuse", directory: "refuse", own: "manage", shared: "manage", private: "manage" },
  owner: { gab: "refuse", directory: "refuse", own: "manage", shared: "manage", private: "hidden" },
  writer: { gab: "refuse", directory: "refuse", own: "manage", shared: "refuse", private: "hidden" },
  reader: { gab: "refuse", directory: "refuse", own: "manage", shared: "refuse", private: "hidden" },
  stranger: { gab: "refuse", directory: "refuse", own: "manage", shared: "hidden", private: "hidden" },
};

type Session = Awaited<ReturnType<TestApp["user"]>>;

describe("REST access matrix: roles × books × operations", () => {
  let t: TestApp;
  const sessions = {} as Record<Role, Session>;
  let erin: Session;
  let caseNo = 0;

  const bookId = (role: Role, book: BookKey): string => {
    if (book === "gab" || book === "directory") return book;
    if (book === "own") return sessions[role].primaryBook;
    if (book === "shared") return sessions.owner.primaryBook;
    return erin.primaryBook;
  };

  /** A contact written straight into the store, so even read-only books hold one to read or try to delete. */
  async function seed(book: string, uid: string) {
    const [result] = await t.deps.store.applyWrites(book, [
      {
        op: "put",
        uid,
        contact: {
          uid,
          displayName: `Seed ${uid}`,
          emails: [],
          phones: [],
          addresses: [],
          urls: [],
          im: [],
          categories: [],
          extra: [],
        },
      },
    ]);
    assert.equal(result.status, "created");
  }

  before(async () => {
    t = await testApp();
    sessions.admin = await t.user("root", { admin: true });
    sessions.owner = await t.user("alice");
    sessions.writer = await t.user("bob");
    sessions.reader = await t.user("carol");
    sessions.stranger = await t.user("dave");
    erin = await t.user("erin");
    await t.user("frank");
    const shared = sessions.owner.primaryBook;
    await t
      .http()
      .put(`/api/books/${shared}/shares/bob`)
      .set(sessions.owner.auth)
      .send({ access: "write" })
      .expect(200);
    await t
      .http()
      .put(`/api/books/${shared}/shares/carol`)
      .set(sessions.owner.auth)
      .send({ access: "read" })
      .expect(200);
    for (const book of ["gab", "directory", ...Object.values(sessions).map((s) => s.primaryBook), erin.primaryBook])
      await seed(book, "seed");
  });
  after(async () => t.close());

  const expectReadOnly = (res: Response) => {
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, "forbidden");
    assert.match(res.body.error.message, /read-only/);
  };
  const expectHidden = (res: Response) => {
    assert.equal(res.status, 404, res.text);
    assert.equal(res.body.error.code, "not-found");
  };

  for (const role of roles) {
    for (const book of books) {
      const a = access[role][book];
      const where = bookLabel[book];
      const visible = a !== "hidden";

      const shown = listed(role, book);
      it(`${role}: the book list ${shown ? `shows ${where} with ${a} access` : `does not show ${where}`}`, async () => {
        const res = await t.http().get("/api/books").set(sessions[role].auth).expect(200);
        const entry = res.body.books.find((b: { id: string }) => b.id === bookId(role, book));
        if (!shown) return assert.equal(entry, undefined);
        assert.equal(entry?.access, a);
      });

      for (const [op, path] of [
        ["lists the contacts of", "/contacts"],
        ["reads one contact of", "/contacts/seed"],
        ["reads the change feed of", "/changes"],
      ] as const) {
        it(`${role}: ${op} ${where} → ${visible ? 200 : 404}`, async () => {
          const res = await t
            .http()
            .get(`/api/books/${bookId(role, book)}${path}`)
            .set(sessions[role].auth);
          if (!visible) return expectHidden(res);
          assert.equal(res.status, 200, res.text);
          const uids =
            path === "/contacts"
              ? res.body.contacts.map((c: { uid: string }) => c.uid)
              : path === "/changes"
                ? res.body.changes.map((c: { uid: string }) => c.uid)
                : [res.body.uid];
          assert.ok(uids.includes("seed"), `seed missing from ${JSON.stringify(uids)}`);
        });
      }

      const writeOutcome = a === "write" ? "succeeds" : a === "read" ? "403 read-only" : "404";

      it(`${role}: PUT a contact into ${where} → ${a === "write" ? 201 : writeOutcome}`, async () => {
        const uid = `put-${++caseNo}`;
        const res = await t
          .http()
          .put(`/api/books/${bookId(role, book)}/contacts/${uid}`)
          .set(sessions[role].auth)
          .send({ displayName: "New Person" });
        if (a === "hidden") expectHidden(res);
        if (a === "read") expectReadOnly(res);
        if (a === "write") assert.equal(res.status, 201, res.text);
        assert.equal(Boolean(await t.deps.store.getContact(bookId(role, book), uid)), a === "write");
      });

      it(`${role}: DELETE a contact from ${where} → ${a === "write" ? 204 : writeOutcome}`, async () => {
        const uid = `del-${++caseNo}`;
        await seed(bookId(role, book), uid);
        const res = await t
          .http()
          .delete(`/api/books/${bookId(role, book)}/contacts/${uid}`)
          .set(sessions[role].auth);
        if (a === "hidden") expectHidden(res);
        if (a === "read") expectReadOnly(res);
        if (a === "write") assert.equal(res.status, 204, res.text);
        assert.equal(Boolean(await t.deps.store.getContact(bookId(role, book), uid)), a !== "write");
      });

      it(`${role}: POST a batch to ${where} → ${a === "write" ? 200 : writeOutcome}`, async () => {
        const uid = `batch-${++caseNo}`;
        const res = await t
          .http()
          .post(`/api/books/${bookId(role, book)}/batch`)
          .set(sessions[role].auth)
          .send({ ops: [{ op: "put", uid, contact: { displayName: "Batched" } }] });
        if (a === "hidden") expectHidden(res);
        if (a === "read") expectReadOnly(res);
        if (a === "write") {
          assert.equal(res.status, 200, res.text);
          assert.equal(res.body.results[0].status, "created");
        }
        assert.equal(Boolean(await t.deps.store.getContact(bookId(role, book), uid)), a === "write");
      });

      const s = sharing[role][book];
      it(`${role}: managing the shares of ${where} → ${s === "manage" ? "allowed" : s === "refuse" ? 403 : 404}`, async () => {
        const id = bookId(role, book);
        const auth = sessions[role].auth;
        const put = await t.http().put(`/api/books/${id}/shares/frank`).set(auth).send({ access: "read" });
        const list = await t.http().get(`/api/books/${id}/shares`).set(auth);
        const del = await t.http().delete(`/api/books/${id}/shares/frank`).set(auth);
        for (const res of [put, list, del]) {
          if (s === "hidden") expectHidden(res);
          if (s === "refuse") assert.equal(res.status, 403, res.text);
        }
        if (s !== "manage") return;
        assert.equal(put.status, 200, put.text);
        assert.deepEqual(put.body, { book: id, username: "frank", access: "read" });
        assert.equal(list.status, 200, list.text);
        assert.ok(list.body.shares.some((x: { username: string }) => x.username === "frank"));
        assert.equal(del.status, 204, del.text);
        const after = await t.http().get(`/api/books/${id}/shares`).set(auth).expect(200);
        assert.ok(!after.body.shares.some((x: { username: string }) => x.username === "frank"));
      });
    }
  }

  it("answers 404, not 403, for a book id that does not exist, to admins too", async () => {
    for (const role of roles) {
      expectHidden(await t.http().get("/api/books/pnosuchbook/contacts").set(sessions[role].auth));
      expectHidden(
        await t.http().put("/api/books/pnosuchbook/contacts/x").set(sessions[role].auth).send({ displayName: "X" }),
      );
    }
  });

  it("keeps the Local Directory read-only for an admin, with a message that says so", async () => {
    const res = await t
      .http()
      .put("/api/books/directory/contacts/user-alice")
      .set(sessions.admin.auth)
      .send({ displayName: "Hijacked" });
    expectReadOnly(res);
    assert.match(res.body.error.message, /Local Directory/);
  });

  it("lets an admin create a PAB for another user, which that user then owns and writes", async () => {
    const res = await t
      .http()
      .post("/api/books")
      .set(sessions.admin.auth)
      .send({ name: "Suppliers", owner: "dave" })
      .expect(201);
    assert.equal(res.body.owner, "dave");
    assert.equal(res.body.kind, "pab");
    const daveBooks = await t.http().get("/api/books").set(sessions.stranger.auth).expect(200);
    assert.deepEqual(
      daveBooks.body.books
        .filter((b: { id: string }) => b.id === res.body.id)
        .map((b: { access: string; owner: string }) => `${b.owner}:${b.access}`),
      ["dave:write"],
    );
    await t
      .http()
      .put(`/api/books/${res.body.id}/contacts/s1`)
      .set(sessions.stranger.auth)
      .send({ displayName: "Supplier" })
      .expect(201);
    expectHidden(await t.http().get(`/api/books/${res.body.id}/contacts`).set(sessions.reader.auth));
  });

  it("lists for an admin only their own PABs, shared ones, the GAB and the Directory, each with its owner's name", async () => {
    await t
      .http()
      .put(`/api/books/${erin.primaryBook}/shares/root`)
      .set(erin.auth)
      .send({ access: "read" })
      .expect(200);
    try {
      const res = await t.http().get("/api/books").set(sessions.admin.auth).expect(200);
      const rows = res.body.books.map(
        (b: { id: string; owner: string | null; ownerName: string | null; access: string }) => [
          b.id,
          b.owner,
          b.ownerName,
          b.access,
        ],
      );
      assert.deepEqual(rows, [
        ["gab", null, null, "write"],
        ["directory", null, null, "read"],
        [sessions.admin.primaryBook, "root", "ROOT", "write"],
        [erin.primaryBook, "erin", "ERIN", "write"],
      ]);
    } finally {
      await t.http().delete(`/api/books/${erin.primaryBook}/shares/root`).set(erin.auth).expect(204);
    }
  });

  it("names the owner of a shared PAB in a user's book list", async () => {
    const res = await t.http().get("/api/books").set(sessions.reader.auth).expect(200);
    const shared = res.body.books.find((b: { id: string }) => b.id === sessions.owner.primaryBook);
    assert.deepEqual([shared.owner, shared.ownerName, shared.access], ["alice", "ALICE", "read"]);
  });

  it("lists every book for an admin with ?scope=all, and refuses it to others with 403", async () => {
    const all = (await t.http().get("/api/books?scope=all").set(sessions.admin.auth).expect(200)).body.books;
    const ids = all.map((b: { id: string }) => b.id);
    for (const s of [...Object.values(sessions), erin]) assert.ok(ids.includes(s.primaryBook), s.username);
    assert.ok(ids.includes("gab") && ids.includes("directory"));
    assert.equal(all.find((b: { id: string }) => b.id === erin.primaryBook).ownerName, "ERIN");
    const refused = await t.http().get("/api/books?scope=all").set(sessions.owner.auth).expect(403);
    assert.equal(refused.body.error.code, "forbidden");
    await t.http().get("/api/books?scope=everything").set(sessions.admin.auth).expect(400);
  });

  it("refuses a non-admin creating a PAB for another user with 403, and creates nothing", async () => {
    const before = await t.http().get("/api/books?scope=all").set(sessions.admin.auth).expect(200);
    const res = await t
      .http()
      .post("/api/books")
      .set(sessions.owner.auth)
      .send({ name: "For Bob", owner: "bob" })
      .expect(403);
    assert.match(res.body.error.message, /administrator/);
    const after = await t.http().get("/api/books?scope=all").set(sessions.admin.auth).expect(200);
    assert.equal(after.body.books.length, before.body.books.length);
  });

  it("lets a non-admin create a further PAB of their own", async () => {
    const res = await t.http().post("/api/books").set(sessions.reader.auth).send({ name: "Family" }).expect(201);
    assert.equal(res.body.owner, "carol");
    assert.equal(res.body.access, "write");
  });

  it("answers 404 when an admin creates a PAB for a user who does not exist", async () => {
    expectHidden(await t.http().post("/api/books").set(sessions.admin.auth).send({ name: "Ghost", owner: "nobody" }));
  });

  it("refuses sharing a PAB with its own owner, and with a user who does not exist", async () => {
    const shared = sessions.owner.primaryBook;
    await t
      .http()
      .put(`/api/books/${shared}/shares/alice`)
      .set(sessions.owner.auth)
      .send({ access: "read" })
      .expect(403);
    expectHidden(
      await t.http().put(`/api/books/${shared}/shares/nobody`).set(sessions.owner.auth).send({ access: "read" }),
    );
  });

  it("hides a PAB again once its share is removed, and a read share upgraded to write allows writing", async () => {
    const book = sessions.owner.primaryBook;
    await t.http().put(`/api/books/${book}/shares/dave`).set(sessions.owner.auth).send({ access: "read" }).expect(200);
    expectReadOnly(
      await t.http().put(`/api/books/${book}/contacts/d1`).set(sessions.stranger.auth).send({ displayName: "D" }),
    );
    await t.http().put(`/api/books/${book}/shares/dave`).set(sessions.owner.auth).send({ access: "write" }).expect(200);
    await t
      .http()
      .put(`/api/books/${book}/contacts/d1`)
      .set(sessions.stranger.auth)
      .send({ displayName: "D" })
      .expect(201);
    await t.http().delete(`/api/books/${book}/shares/dave`).set(sessions.owner.auth).expect(204);
    expectHidden(await t.http().get(`/api/books/${book}/contacts/d1`).set(sessions.stranger.auth));
  });
});
