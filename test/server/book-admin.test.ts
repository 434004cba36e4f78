// Deleting users, and renaming, reassigning and deleting address books, over REST.
import assert from "node:assert/strict";
import { contactSchema } from "../../core/contact/contact";
import { testApp, type TestApp } from "../support/app";

describe("REST: deleting users and managing address books", () => {
  let t: TestApp;
  let root: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp();
    root = await t.user("root", { admin: true });
  });
  after(async () => t.close());

  const contact = (uid: string) => ({
    op: "put" as const,
    uid,
    contact: contactSchema.parse({ uid, displayName: uid.toUpperCase() }),
  });
  const newBook = async (auth: Record<string, string>, name: string, owner?: string) =>
    (
      await t
        .http()
        .post("/api/books")
        .set(auth)
        .send(owner ? { name, owner } : { name })
        .expect(201)
    ).body.id as string;
  const bookData = async (id: string) => ({
    contacts: await t.models.ContactDoc.countDocuments({ book: id }),
    chunks: await t.models.LogChunk.countDocuments({ book: id }),
    shares: await t.models.Share.countDocuments({ book: id }),
    leases: await t.models.BookLease.countDocuments({ key: id }),
  });
  const none = { contacts: 0, chunks: 0, shares: 0, leases: 0 };

  it("deletes a user and keeps their address books, naming them, for an administrator to reassign", async () => {
    const bob = await t.user("bob");
    const extra = await newBook(bob.auth, "Suppliers");
    await t.deps.store.applyWrites(extra, [contact("s1")]);
    const res = await t.http().delete("/api/admin/users/bob").set(root.auth).expect(200);
    assert.deepEqual(res.body.deletedBooks, []);
    assert.deepEqual(
      res.body.keptBooks.map((b: { id: string; primary: boolean }) => [b.id, b.primary]).sort(),
      [
        [bob.primaryBook, true],
        [extra, false],
      ].sort(),
    );
    await t.http().post("/api/auth/login").send({ username: "bob", password: bob.password }).expect(401);
    await t.http().get("/api/me").set(bob.auth).expect(401);
    const all = (await t.http().get("/api/books?scope=all").set(root.auth).expect(200)).body.books;
    assert.ok(
      all.some((b: { id: string }) => b.id === extra),
      "the kept book is still listed for administrators",
    );
    const carol = await t.user("carol");
    const given = await t.http().patch(`/api/books/${extra}`).set(root.auth).send({ owner: "carol" }).expect(200);
    assert.equal(given.body.owner, "carol");
    const carolsBooks = (await t.http().get("/api/books").set(carol.auth).expect(200)).body.books.map(
      (b: { id: string }) => b.id,
    );
    assert.ok(carolsBooks.includes(extra));
    await t.http().get(`/api/books/${extra}/contacts/s1`).set(carol.auth).expect(200);
  });

  it("deletes a user's address books with them on request, contacts, log and shares included", async () => {
    const dan = await t.user("dan");
    const friend = await t.user("friend");
    await t.deps.store.applyWrites(dan.primaryBook, [contact("d1"), contact("d2")]);
    await t
      .http()
      .put(`/api/books/${dan.primaryBook}/shares/friend`)
      .set(dan.auth)
      .send({ access: "read" })
      .expect(200);
    const res = await t.http().delete("/api/admin/users/dan?books=delete").set(root.auth).expect(200);
    assert.deepEqual(res.body.keptBooks, []);
    assert.deepEqual(
      res.body.deletedBooks.map((b: { id: string }) => b.id),
      [dan.primaryBook],
    );
    assert.deepEqual(await bookData(dan.primaryBook), none);
    await t.http().get(`/api/books/${dan.primaryBook}/changes`).set(friend.auth).expect(404);
    await t.http().get(`/api/books/${dan.primaryBook}/changes`).set(root.auth).expect(404);
  });

  it("removes the deleted user's Directory entry and the shares they were given", async () => {
    const owner = await t.user("erin");
    await t.user("fred");
    await t
      .http()
      .put(`/api/books/${owner.primaryBook}/shares/fred`)
      .set(owner.auth)
      .send({ access: "write" })
      .expect(200);
    await t.http().delete("/api/admin/users/fred").set(root.auth).expect(200);
    assert.equal(await t.deps.store.getContact("directory", "user-fred"), null);
    assert.deepEqual(
      (await t.http().get(`/api/books/${owner.primaryBook}/shares`).set(owner.auth).expect(200)).body.shares,
      [],
    );
  });

  it("answers 404 for deleting a user who does not exist, and 403 for a non-administrator", async () => {
    const gina = await t.user("gina");
    await t.http().delete("/api/admin/users/nobody").set(root.auth).expect(404);
    await t.http().delete("/api/admin/users/root").set(gina.auth).expect(403);
    await t.http().delete("/api/admin/users/gina?books=maybe").set(root.auth).expect(400);
  });

  it("refuses to delete the last administrator", async () => {
    const lone = await testApp();
    try {
      const only = await lone.user("only", { admin: true });
      const res = await lone.http().delete("/api/admin/users/only").set(only.auth).expect(409);
      assert.match(res.body.error.message, /only is the last administrator/);
      await lone.user("second", { admin: true });
      await lone.http().delete("/api/admin/users/only").set(only.auth).expect(200);
    } finally {
      await lone.close();
    }
  });

  it("lets the owner rename a book, and refuses a name the owner already uses", async () => {
    const hal = await t.user("hal");
    const id = await newBook(hal.auth, "Work");
    const renamed = await t.http().patch(`/api/books/${id}`).set(hal.auth).send({ name: "Clients" }).expect(200);
    assert.equal(renamed.body.name, "Clients");
    const res = await t.http().patch(`/api/books/${id}`).set(hal.auth).send({ name: "Contacts" }).expect(409);
    assert.match(res.body.error.message, /already has an address book named Contacts/);
    await t.http().post("/api/books").set(hal.auth).send({ name: "Clients" }).expect(409);
    await t.http().patch(`/api/books/${id}`).set(hal.auth).send({}).expect(400);
  });

  it("lets only the owner or an administrator rename, and only an administrator reassign", async () => {
    const ida = await t.user("ida");
    const jon = await t.user("jon");
    const id = await newBook(ida.auth, "Private");
    await t.http().put(`/api/books/${id}/shares/jon`).set(ida.auth).send({ access: "write" }).expect(200);
    await t.http().patch(`/api/books/${id}`).set(jon.auth).send({ name: "Mine now" }).expect(403);
    await t.http().patch(`/api/books/${id}`).set(ida.auth).send({ owner: "jon" }).expect(403);
    await t.http().delete(`/api/books/${id}`).set(jon.auth).expect(403);
    await t.http().patch(`/api/books/gab`).set(root.auth).send({ name: "Everyone" }).expect(403);
    await t.http().delete(`/api/books/directory`).set(root.auth).expect(403);
    const res = await t
      .http()
      .patch(`/api/books/${id}`)
      .set(root.auth)
      .send({ name: "Shared", owner: "nobody" })
      .expect(404);
    assert.match(res.body.error.message, /No user named nobody/);
  });

  it("deletes a book with its contacts, log and shares, and keeps a user's primary book", async () => {
    const kim = await t.user("kim");
    await t.user("lou");
    const id = await newBook(kim.auth, "Old");
    await t.deps.store.applyWrites(id, [contact("o1"), contact("o2")]);
    await t.http().put(`/api/books/${id}/shares/lou`).set(kim.auth).send({ access: "read" }).expect(200);
    await t.http().delete(`/api/books/${id}`).set(kim.auth).expect(204);
    assert.deepEqual(await bookData(id), none);
    await t.http().get(`/api/books/${id}/contacts`).set(kim.auth).expect(404);
    const res = await t.http().delete(`/api/books/${kim.primaryBook}`).set(root.auth).expect(409);
    assert.match(res.body.error.message, /primary address book/);
  });

  it("finishes a book deletion that stopped half-way when it is run again, never showing the half-deleted book", async () => {
    const max = await t.user("max");
    const id = await newBook(max.auth, "Interrupted");
    await t.deps.store.applyWrites(id, [contact("i1")]);
    // What a crash right after the first step leaves: the book document is gone, the rest is not.
    await t.models.Book.deleteOne({ _id: id });
    await t.http().get(`/api/books/${id}/contacts/i1`).set(max.auth).expect(404);
    await t.http().delete(`/api/books/${id}`).set(root.auth).expect(204);
    assert.deepEqual(await bookData(id), none);
    await t.http().delete(`/api/books/${id}`).set(root.auth).expect(404);
  });

  it("refuses a store write to a deleted book and leaves no contact behind", async () => {
    const ned = await t.user("ned");
    const id = await newBook(ned.auth, "Closing");
    await t.deps.books.deletePab(id);
    await assert.rejects(t.deps.store.applyWrites(id, [contact("late")]), /No such address book/);
    assert.equal(await t.models.ContactDoc.countDocuments({ book: id }), 0);
  });

  it("gives a re-created user a fresh primary book when their old one was kept", async () => {
    const old = await t.user("oz");
    await t.http().delete("/api/admin/users/oz").set(root.auth).expect(200);
    const again = await t.user("oz");
    assert.notEqual(again.primaryBook, old.primaryBook);
    const names = (await t.http().get("/api/books").set(again.auth).expect(200)).body.books.map(
      (b: { name: string }) => b.name,
    );
    assert.ok(names.includes("Contacts (2)"), `books: ${names}`);
  });
});
