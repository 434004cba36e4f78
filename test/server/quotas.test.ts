// Per-user quotas: PABs owned, contacts and photo bytes in them, devices and bytes of sync state,
// each refused with 413 and the numbers in the message; nothing is written past a limit.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { testApp, type TestApp } from "../support/app";

describe("per-user quotas", () => {
  let t: TestApp;
  let eve: Awaited<ReturnType<TestApp["user"]>>;
  let admin: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp({
      config: { quotas: { books: 3, devices: 2, syncStateBytes: 2000, contacts: 3, photoBytes: 1000 } },
    });
    eve = await t.user("eve");
    admin = await t.user("root", { admin: true });
  });
  after(async () => t.close());

  const state = (device: string, pair: string, text: string) =>
    t.http().put(`/api/sync-state/${device}/${pair}`).set(eve.auth).set("Content-Type", "application/json").send(text);

  it("refuses a user's address book past the limit with 413 naming both numbers, and creates nothing", async () => {
    await t.http().post("/api/books").set(eve.auth).send({ name: "Two" }).expect(201);
    await t.http().post("/api/books").set(eve.auth).send({ name: "Three" }).expect(201);
    const res = await t.http().post("/api/books").set(eve.auth).send({ name: "Four" }).expect(413);
    assert.equal(res.body.error.code, "quota-exceeded");
    assert.match(res.body.error.message, /3 address books; the limit is 3/);
    assert.equal((await t.deps.books.pabs("eve")).length, 3);
    // An administrator setting up books for a user is not held to it.
    await t.http().post("/api/books").set(admin.auth).send({ name: "Four", owner: "eve" }).expect(201);
  });

  it("refuses sync state from a device past the device limit, and keeps the others working", async () => {
    await state("laptop", "p1", JSON.stringify({ a: 1 })).expect(200);
    await state("desktop", "p1", JSON.stringify({ a: 1 })).expect(200);
    const res = await state("phone", "p1", JSON.stringify({ a: 1 })).expect(413);
    assert.match(res.body.error.message, /2 devices; the limit is 2/);
    await t.http().get("/api/sync-state/phone/p1").set(eve.auth).expect(404);
    await state("laptop", "p2", JSON.stringify({ a: 2 })).expect(200);
  });

  it("refuses sync state past the user's byte limit, counting a replaced state once", async () => {
    const big = JSON.stringify({ pad: "x".repeat(1500) });
    await state("laptop", "p3", big).expect(200);
    await state("laptop", "p3", big)
      .set("If-Match", (await t.http().get("/api/sync-state/laptop/p3").set(eve.auth)).headers.etag)
      .expect(200);
    const res = await state("desktop", "p4", big).expect(413);
    assert.match(res.body.error.message, /would take \d+ bytes; the limit is 2000 bytes/);
    await t.http().get("/api/sync-state/desktop/p4").set(eve.auth).expect(404);
  });

  it("forgets a device's sync state on DELETE, freeing its place in the device limit", async () => {
    await state("phone", "p1", JSON.stringify({ a: 1 })).expect(413);
    const parts = () => t.models.SyncStatePart.countDocuments({ _id: { $regex: "^eve/desktop/p1@" } });
    assert.equal(await parts(), 1);
    await t.http().delete("/api/sync-state/desktop/p1").set(eve.auth).expect(204);
    await t.http().get("/api/sync-state/desktop/p1").set(eve.auth).expect(404);
    assert.equal(await parts(), 0, "its stored text is dropped");
    await state("phone", "p1", JSON.stringify({ a: 1 })).expect(200);
    await t.http().delete("/api/sync-state/desktop/p1").set(eve.auth).expect(404);
  });

  it("forgets a sync state only over the version named by If-Match, and frees its bytes", async () => {
    const big = JSON.stringify({ pad: "y".repeat(1500) });
    const full = await state("phone", "p4", big).expect(413); // laptop/p3 holds 1500 of the 2000 bytes
    assert.match(full.body.error.message, /the limit is 2000 bytes/);
    const stale = (await t.http().get("/api/sync-state/laptop/p3").set(eve.auth).expect(200)).headers.etag;
    await state("laptop", "p3", JSON.stringify({ pad: "z".repeat(1500) }))
      .set("If-Match", stale)
      .expect(200);
    const res = await t.http().delete("/api/sync-state/laptop/p3").set(eve.auth).set("If-Match", stale).expect(412);
    assert.equal(res.body.error.code, "precondition-failed");
    const current = (await t.http().get("/api/sync-state/laptop/p3").set(eve.auth).expect(200)).headers.etag;
    await t.http().delete("/api/sync-state/laptop/p3").set(eve.auth).set("If-Match", current).expect(204);
    await state("laptop", "p3", big).set("If-Match", current).expect(412); // an etag from before never matches again
    await state("phone", "p4", big).expect(200);
  });

  describe("contacts and photo bytes", () => {
    const put = (who: { auth: Record<string, string> }, book: string, uid: string, contact: object) =>
      t
        .http()
        .put(`/api/books/${book}/contacts/${uid}`)
        .set(who.auth)
        .send({ displayName: uid, ...contact });
    const batch = (who: { auth: Record<string, string> }, book: string, ops: object[]) =>
      t.http().post(`/api/books/${book}/batch`).set(who.auth).send({ ops }).expect(200);
    const person = (uid: string) => ({ op: "put", uid, contact: { displayName: uid } });
    const photo = (fill: string, bytes: number) => ({
      photo: { mediaType: "image/png", data: Buffer.alloc(bytes, fill).toString("base64") },
    });

    it("refuses a contact past the owner's limit with 413 naming both numbers, and stores nothing", async () => {
      const cara = await t.user("cara");
      await batch(cara, cara.primaryBook, [person("a"), person("b"), person("c")]);
      const res = await put(cara, cara.primaryBook, "d", {}).expect(413);
      assert.equal(res.body.error.code, "quota-exceeded");
      assert.match(res.body.error.message, /hold 3 contacts; the limit is 3/);
      await t.http().get(`/api/books/${cara.primaryBook}/contacts/d`).set(cara.auth).expect(404);
      await put(cara, cara.primaryBook, "a", { jobTitle: "changed" }).expect(200);
      await t.http().delete(`/api/books/${cara.primaryBook}/contacts/b`).set(cara.auth).expect(204);
      await put(cara, cara.primaryBook, "d", {}).expect(201);
    });

    it("in a batch refuses only the ops past the limit, in order, and applies the others", async () => {
      const bo = await t.user("bo");
      await batch(bo, bo.primaryBook, [person("x1"), person("x2")]);
      const second = (await t.http().post("/api/books").set(bo.auth).send({ name: "Second" }).expect(201)).body.id;
      const res = await batch(bo, second, [person("y1"), person("y2"), person("y3")]);
      assert.deepEqual(
        res.body.results.map((r: { status: string }) => r.status),
        ["created", "error", "error"],
        "the limit counts every PAB the user owns",
      );
      assert.match(res.body.results[1].error, /^quota-exceeded: .*hold 3 contacts; the limit is 3/);
      assert.equal(res.body.results[1].code, 413, "the status this op alone would have had");
      const mixed = await batch(bo, bo.primaryBook, [
        { ...person("x1"), contact: { displayName: "X1 again" } },
        person("x3"),
        { op: "delete", uid: "x2" },
        person("x4"),
      ]);
      assert.deepEqual(
        mixed.body.results.map((r: { status: string }) => r.status),
        ["updated", "error", "deleted", "created"],
      );
      const listed = await t.http().get(`/api/books/${bo.primaryBook}/contacts`).set(bo.auth).expect(200);
      assert.deepEqual(listed.body.contacts.map((c: { uid: string }) => c.uid).sort(), ["x1", "x4"]);
    });

    it("counts contacts an administrator or a share writes into a PAB for its owner, and GAB writes for no one", async () => {
      const dan = await t.user("dan");
      const pal = await t.user("pal");
      await batch(admin, dan.primaryBook, [person("a1"), person("a2")]);
      await t
        .http()
        .put(`/api/books/${dan.primaryBook}/shares/pal`)
        .set(dan.auth)
        .send({ access: "write" })
        .expect(200);
      await put(pal, dan.primaryBook, "p1", {}).expect(201);
      assert.match((await put(dan, dan.primaryBook, "d1", {}).expect(413)).body.error.message, /hold 3 contacts/);
      await put(admin, dan.primaryBook, "a3", {}).expect(413);
      await put(pal, pal.primaryBook, "mine", {}).expect(201);
      const gab = await batch(admin, "gab", ["g1", "g2", "g3", "g4", "g5"].map(person));
      assert.ok(gab.body.results.every((r: { status: string }) => r.status === "created"));
    });

    it("refuses a restore past the owner's contact limit with 413, not as a conflict", async () => {
      const ida = await t.user("ida");
      await batch(ida, ida.primaryBook, [person("r1"), person("r2"), person("r3")]);
      await t.http().delete(`/api/books/${ida.primaryBook}/contacts/r1`).set(ida.auth).expect(204);
      await put(ida, ida.primaryBook, "r4", {}).expect(201);
      const res = await t.http().post(`/api/books/${ida.primaryBook}/deleted/r1/restore`).set(ida.auth).expect(413);
      assert.equal(res.body.error.code, "quota-exceeded");
      assert.match(res.body.error.message, /hold 3 contacts; the limit is 3/);
    });

    it("refuses a photo past the owner's photo bytes, storing none of it; bytes stored already pass", async () => {
      const fay = await t.user("fay");
      await put(fay, fay.primaryBook, "p1", photo("a", 600)).expect(201);
      await put(fay, fay.primaryBook, "p1", { jobTitle: "same photo", ...photo("a", 600) }).expect(200);
      const res = await put(fay, fay.primaryBook, "p2", photo("b", 600)).expect(413);
      assert.match(res.body.error.message, /photos take 600 bytes and this one 600 bytes; the limit is 1000 bytes/);
      const hashOf = (fill: string) => createHash("sha256").update(Buffer.alloc(600, fill)).digest("hex");
      assert.equal(await t.models.Photo.exists({ _id: hashOf("b") }), null, "a refused photo is not stored");
      await put(fay, fay.primaryBook, "p2", photo("a", 600)).expect(201);
      await put(fay, fay.primaryBook, "p3", {}).expect(201);
      assert.deepEqual(await t.deps.quotas.contactUsage("fay"), { contacts: 3, photoBytes: 600 });
    });

    it("puts drifted counts right in the maintenance recount", async () => {
      const gus = await t.user("gus");
      await put(gus, gus.primaryBook, "g1", photo("c", 700)).expect(201);
      await t.http().delete(`/api/books/${gus.primaryBook}/contacts/g1`).set(gus.auth).expect(204);
      await put(gus, gus.primaryBook, "g2", {}).expect(201);
      // Drift as a lost update would leave it, just after a recount: the record says the user is full.
      const drifted = { contacts: 3, photoBytes: 700, recountedAt: Date.now() };
      await t.models.Setting.replaceOne(
        { _id: "contact-usage:gus" },
        { _id: "contact-usage:gus", value: JSON.stringify(drifted) },
        { upsert: true },
      );
      await put(gus, gus.primaryBook, "g3", {}).expect(413);
      await put(gus, gus.primaryBook, "g3", photo("d", 400)).expect(413);
      assert.ok((await t.deps.quotas.recount()) >= 1);
      assert.deepEqual(await t.deps.quotas.contactUsage("gus"), { contacts: 1, photoBytes: 0 });
      await put(gus, gus.primaryBook, "g3", photo("d", 400)).expect(201);
    });

    it("lets a user who deleted a photo add another at once: a refusal recounts its owner, at most hourly", async () => {
      const hal = await t.user("hal");
      await put(hal, hal.primaryBook, "h1", photo("e", 700)).expect(201);
      await t.http().delete(`/api/books/${hal.primaryBook}/contacts/h1`).set(hal.auth).expect(204);
      await put(hal, hal.primaryBook, "h2", photo("f", 700)).expect(201);
      await t.http().delete(`/api/books/${hal.primaryBook}/contacts/h2`).set(hal.auth).expect(204);
      await put(hal, hal.primaryBook, "h3", photo("g", 700)).expect(413); // counted afresh a moment ago
      t.advance(3601_000);
      const again = { auth: { Authorization: `Bearer ${await t.login("hal", hal.password)}` } }; // past the access token
      await put(again, hal.primaryBook, "h3", photo("g", 700)).expect(201);
    });
  });
});
