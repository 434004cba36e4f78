// Accounts around sign-in: one user and one address book however many creations race, the
// last enabled administrator kept, and sharing that does not reveal which user names exist.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("accounts around sign-in", function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => (t = await testApp()));
  after(async () => t.close());

  it("leaves one user and one address book when ten creations of that user race", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => t.deps.accounts.createUser({ username: "racer", password: "racer-password-1" })),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of results) if (r.status === "rejected") assert.equal((r.reason as { kind: string }).kind, "conflict");
    const user = await t.deps.accounts.findUser("racer");
    const owned = await t.db.models.Book.find({ owner: "racer" }).lean();
    assert.deepEqual(owned.map((b) => b._id), [user.primaryBook]);
  });

  it("refuses to let the last enabled administrator demote or disable themselves", async () => {
    const t2 = await testApp();
    try {
      const boss = await t2.user("boss", { admin: true });
      const demote = await t2.http().patch("/api/admin/users/boss").set(boss.auth).send({ admin: false }).expect(403);
      assert.match(demote.body.error.message, /last enabled administrator/);
      await t2.http().patch("/api/admin/users/boss").set(boss.auth).send({ disabled: true }).expect(403);
      await t2.user("deputy", { admin: true });
      await t2.http().patch("/api/admin/users/boss").set(boss.auth).send({ admin: false }).expect(200);
    } finally {
      await t2.close();
    }
  });

  it("counts a disabled administrator as no administrator", async () => {
    const t3 = await testApp();
    try {
      const one = await t3.user("one", { admin: true });
      await t3.user("two", { admin: true });
      await t3.http().patch("/api/admin/users/two").set(one.auth).send({ disabled: true }).expect(200);
      await t3.http().patch("/api/admin/users/one").set(one.auth).send({ disabled: true }).expect(403);
    } finally {
      await t3.close();
    }
  });

  it("answers sharing with a missing, a disabled or a hidden user alike, and shares with a visible one", async () => {
    const root = await t.user("root", { admin: true });
    const owner = await t.user("owner");
    await t.user("gone");
    await t.user("hidden");
    await t.user("friend");
    await t.http().patch("/api/admin/users/gone").set(root.auth).send({ disabled: true }).expect(200);
    await t.http().patch("/api/admin/users/hidden").set(root.auth).send({ visibleInDirectory: false }).expect(200);
    const shareWith = (username: string) =>
      t.http().put(`/api/books/${owner.primaryBook}/shares/${username}`).set(owner.auth).send({ access: "read" });
    const answers = await Promise.all(["nosuchuser", "gone", "hidden"].map(async (name) => {
      const res = await shareWith(name);
      return { status: res.status, code: res.body.error?.code, message: String(res.body.error?.message).replace(name, "NAME") };
    }));
    assert.equal(answers[0].status, 404);
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0]);
    await shareWith("friend").expect(200);
  });

  it("does not tell someone who cannot manage a book whether a user exists", async () => {
    const owner = await t.user("owner2");
    await t.user("known");
    const stranger = await t.user("stranger");
    const tryShare = (username: string) =>
      t.http().put(`/api/books/${owner.primaryBook}/shares/${username}`).set(stranger.auth).send({ access: "read" });
    const [missing, existing] = await Promise.all([tryShare("nosuchuser2"), tryShare("known")]);
    assert.equal(missing.status, existing.status);
  });
});
