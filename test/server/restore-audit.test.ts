// Deleted contacts can be listed and restored by the book's writers, and every contact write is
// audited with who, through which surface, what and which fields.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("restoring deleted contacts and the audit log", () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp["user"]>>;
  let ann: Awaited<ReturnType<TestApp["user"]>>;
  let ben: Awaited<ReturnType<TestApp["user"]>>;
  let annBook: string;
  before(async () => {
    t = await testApp();
    admin = await t.user("root", { admin: true });
    ann = await t.user("ann");
    ben = await t.user("ben");
    annBook = (await t.deps.accounts.findUser("ann")).primaryBook;
    await t.http().put(`/api/books/${annBook}/shares/ben`).set(ann.auth).send({ access: "read" }).expect(200);
  });
  after(async () => t.close());

  const put = (uid: string, body: object) =>
    t.http().put(`/api/books/${annBook}/contacts/${uid}`).set(ann.auth).send(body);

  it("lists a deleted contact with who deleted it, and restores it as a new change every sync picks up", async () => {
    await put("c1", { displayName: "Carla Cruz", emails: [{ address: "carla@example.com" }] }).expect(201);
    const before = await t.http().get(`/api/books/${annBook}/changes`).set(ann.auth).expect(200);
    await t.http().delete(`/api/books/${annBook}/contacts/c1`).set(ann.auth).expect(204);

    const listed = await t.http().get(`/api/books/${annBook}/deleted`).set(ann.auth).expect(200);
    assert.equal(listed.body.cursor, null);
    assert.deepEqual(
      listed.body.deleted.map((d: { uid: string; displayName: string; deletedBy: string }) => [
        d.uid,
        d.displayName,
        d.deletedBy,
      ]),
      [["c1", "Carla Cruz", "ann"]],
    );
    assert.ok(!Number.isNaN(Date.parse(listed.body.deleted[0].deletedAt)));

    const restored = await t.http().post(`/api/books/${annBook}/deleted/c1/restore`).set(ann.auth).expect(201);
    assert.equal(restored.body.contact.displayName, "Carla Cruz");
    const got = await t.http().get(`/api/books/${annBook}/contacts/c1`).set(ann.auth).expect(200);
    assert.equal(got.body.contact.emails[0].address, "carla@example.com");
    const since = await t
      .http()
      .get(`/api/books/${annBook}/changes`)
      .query({ since: before.body.token })
      .set(ann.auth)
      .expect(200);
    const last = since.body.changes.filter((c: { uid: string }) => c.uid === "c1").at(-1);
    assert.equal(last.deleted, false, "a client synced before the deletion gets the contact back");
    assert.deepEqual((await t.http().get(`/api/books/${annBook}/deleted`).set(ann.auth).expect(200)).body.deleted, []);
  });

  it("answers 409 to a restore of a uid created again since, and keeps the new contact", async () => {
    await put("c2", { displayName: "Old Otto" }).expect(201);
    await t.http().delete(`/api/books/${annBook}/contacts/c2`).set(ann.auth).expect(204);
    await put("c2", { displayName: "New Nora" }).expect(201);
    const res = await t.http().post(`/api/books/${annBook}/deleted/c2/restore`).set(ann.auth).expect(409);
    assert.equal(res.body.error.code, "conflict");
    assert.equal(
      (await t.http().get(`/api/books/${annBook}/contacts/c2`).set(ann.auth)).body.contact.displayName,
      "New Nora",
    );
  });

  it("answers 404 to a restore of a uid that was never deleted here", async () => {
    await t.http().post(`/api/books/${annBook}/deleted/nobody/restore`).set(ann.auth).expect(404);
  });

  it("lets a reader of a shared book list nothing and restore nothing", async () => {
    await put("c3", { displayName: "Shared Sam" }).expect(201);
    await t.http().delete(`/api/books/${annBook}/contacts/c3`).set(ann.auth).expect(204);
    await t.http().get(`/api/books/${annBook}/deleted`).set(ben.auth).expect(403);
    await t.http().post(`/api/books/${annBook}/deleted/c3/restore`).set(ben.auth).expect(403);
  });

  it("pages deleted contacts newest first with a cursor", async () => {
    for (const uid of ["p1", "p2", "p3"]) {
      await put(uid, { displayName: `Page ${uid}` }).expect(201);
      await t.http().delete(`/api/books/${annBook}/contacts/${uid}`).set(ann.auth).expect(204);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t
        .http()
        .get(`/api/books/${annBook}/deleted`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(ann.auth)
        .expect(200);
      seen.push(...page.body.deleted.map((d: { uid: string }) => d.uid));
      cursor = page.body.cursor ?? undefined;
    } while (cursor);
    assert.deepEqual(
      seen.filter((u) => u.startsWith("p")),
      ["p3", "p2", "p1"],
    );
    assert.equal(new Set(seen).size, seen.length);
  });

  it("records each write with user, surface, book, uid, operation and changed fields, for admins only", async () => {
    await put("a1", { displayName: "Audit Amy", jobTitle: "Clerk" })
      .set("X-Concord-Client", "outlook-addin/1.0")
      .expect(201);
    await put("a1", { displayName: "Audit Amy", jobTitle: "Manager" }).expect(200);
    await t.http().delete(`/api/books/${annBook}/contacts/a1`).set(ann.auth).expect(204);
    await t.http().post(`/api/books/${annBook}/deleted/a1/restore`).set(ann.auth).expect(201);
    const batch = [{ op: "put", uid: "a2", contact: { displayName: "Batch Bo" } }];
    await t
      .http()
      .post(`/api/books/${annBook}/batch`)
      .set(ann.auth)
      .set("X-Concord-Client", "import/1")
      .send({ ops: batch })
      .expect(200);

    const res = await t
      .http()
      .get("/api/admin/audit")
      .query({ book: annBook, user: "ann" })
      .set(admin.auth)
      .expect(200);
    const mine = res.body.entries.filter((e: { uid: string }) => e.uid === "a1" || e.uid === "a2").reverse();
    assert.deepEqual(
      mine.map((e: { uid: string; op: string; surface: string; fields: string[] }) => [
        e.uid,
        e.op,
        e.surface,
        e.fields,
      ]),
      [
        ["a1", "create", "outlook-addin", ["displayName", "jobTitle"]],
        ["a1", "update", "rest", ["jobTitle"]],
        ["a1", "delete", "rest", []],
        ["a1", "restore", "rest", ["displayName", "jobTitle"]],
        // A client cannot claim a server-side surface such as "import".
        ["a2", "create", "rest", ["displayName"]],
      ],
    );
    for (const e of mine) assert.equal(e.user, "ann");
    const bySurface = await t
      .http()
      .get("/api/admin/audit")
      .query({ surface: "outlook-addin" })
      .set(admin.auth)
      .expect(200);
    assert.ok(bySurface.body.entries.every((e: { surface: string }) => e.surface === "outlook-addin"));
    assert.ok(bySurface.body.entries.length >= 1);
    await t.http().get("/api/admin/audit").set(ann.auth).expect(403);
  });

  it("pages the audit log with a cursor and filters it by time", async () => {
    const first = await t.http().get("/api/admin/audit").query({ limit: 2 }).set(admin.auth).expect(200);
    assert.equal(first.body.entries.length, 2);
    const second = await t
      .http()
      .get("/api/admin/audit")
      .query({ limit: 2, cursor: first.body.cursor })
      .set(admin.auth)
      .expect(200);
    assert.ok(second.body.entries[0].at <= first.body.entries[1].at);
    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await t.http().get("/api/admin/audit").query({ since: future }).set(admin.auth).expect(200);
    assert.deepEqual(none.body.entries, []);
  });
});
