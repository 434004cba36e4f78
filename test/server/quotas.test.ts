// Per-user quotas: PABs owned, devices and bytes of sync state, each refused with 413 and the
// numbers in the message; nothing is written past a limit.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("per-user quotas", () => {
  let t: TestApp;
  let eve: Awaited<ReturnType<TestApp["user"]>>;
  let admin: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp({ config: { quotas: { books: 3, devices: 2, syncStateBytes: 2000 } } });
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
});
