// GET /api/books: for every caller, admins included, each book names its owner by user name
// (`owner`) and by display name (`ownerName`); ?scope=all gives an admin every book.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

type Row = { id: string; kind: string; owner: string | null; ownerName: string | null; access: string };

describe("REST book list owners", () => {
  let t: TestApp;
  let sessions: Record<"admin" | "alice" | "bob", Awaited<ReturnType<TestApp["user"]>>>;
  before(async () => {
    t = await testApp();
    sessions = { admin: await t.user("root", { admin: true }), alice: await t.user("alice"), bob: await t.user("bob") };
    await t
      .http()
      .put(`/api/books/${sessions.alice.primaryBook}/shares/bob`)
      .set(sessions.alice.auth)
      .send({ access: "read" })
      .expect(200);
  });
  after(async () => t.close());

  const owners = { root: "ROOT", alice: "ALICE", bob: "BOB" } as Record<string, string>;
  const assertOwned = (rows: Row[]) => {
    for (const b of rows) {
      assert.ok("owner" in b && "ownerName" in b, `${b.id} carries owner and ownerName`);
      if (b.kind === "pab") assert.equal(b.ownerName, owners[b.owner!], b.id);
      else assert.deepEqual([b.owner, b.ownerName], [null, null], b.id);
    }
  };

  for (const who of ["admin", "alice", "bob"] as const) {
    it(`names every book's owner by user name and display name for ${who}`, async () => {
      const rows: Row[] = (await t.http().get("/api/books").set(sessions[who].auth).expect(200)).body.books;
      assertOwned(rows);
      const own = rows.find((b) => b.id === sessions[who].primaryBook)!;
      assert.equal(own.owner, sessions[who].username);
      assert.ok(rows.some((b) => b.id === "gab") && rows.some((b) => b.id === "directory"));
    });
  }

  it("lists a PAB shared with a user with the sharer as its owner", async () => {
    const rows: Row[] = (await t.http().get("/api/books").set(sessions.bob.auth).expect(200)).body.books;
    const shared = rows.find((b) => b.id === sessions.alice.primaryBook)!;
    assert.deepEqual([shared.owner, shared.ownerName, shared.access], ["alice", "ALICE", "read"]);
  });

  it("counts every book's live contacts in ?scope=all, as in the user's own list", async () => {
    const alice = sessions.alice;
    for (const uid of ["c1", "c2", "c3"])
      await t
        .http()
        .put(`/api/books/${alice.primaryBook}/contacts/${uid}`)
        .set(alice.auth)
        .send({ uid, displayName: `Contact ${uid}` })
        .expect(201);
    await t.http().delete(`/api/books/${alice.primaryBook}/contacts/c3`).set(alice.auth).expect(204);
    const all: (Row & { count?: number })[] = (
      await t.http().get("/api/books?scope=all").set(sessions.admin.auth).expect(200)
    ).body.books;
    const own: (Row & { count?: number })[] = (await t.http().get("/api/books").set(alice.auth).expect(200)).body.books;
    const countIn = (rows: (Row & { count?: number })[], id: string) => rows.find((b) => b.id === id)?.count;
    assert.equal(countIn(all, alice.primaryBook), 2);
    assert.equal(countIn(all, alice.primaryBook), countIn(own, alice.primaryBook));
    assert.equal(countIn(all, sessions.bob.primaryBook), 0);
    assert.ok(
      all.every((b) => typeof b.count === "number"),
      "every book is counted",
    );
  });

  it("gives an admin every book with ?scope=all, each with its owner", async () => {
    const rows: Row[] = (await t.http().get("/api/books?scope=all").set(sessions.admin.auth).expect(200)).body.books;
    assertOwned(rows);
    for (const s of Object.values(sessions)) assert.equal(rows.find((b) => b.id === s.primaryBook)?.owner, s.username);
  });
});
