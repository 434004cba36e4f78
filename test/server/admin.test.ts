// The admin REST API (users and mailing lists) and the Local Directory that
// follows from it, observed through the Directory's change feed.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

type Change = {
  uid: string;
  etag: string;
  deleted: boolean;
  contact?: { displayName: string; emails: { address: string }[] };
};

describe("REST admin API and the Local Directory", () => {
  let t: TestApp;
  let root: Awaited<ReturnType<TestApp["user"]>>;
  let plain: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp();
    root = await t.user("root", { admin: true });
    plain = await t.user("plain");
  });
  after(async () => t.close());

  const admin = () => ({
    get: (path: string) => t.http().get(path).set(root.auth),
    post: (path: string, body: object) => t.http().post(path).set(root.auth).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set(root.auth).send(body),
    delete: (path: string) => t.http().delete(path).set(root.auth),
  });

  /** The Directory's current token, to read what happens after it. */
  async function directoryToken(): Promise<string> {
    let res = await t.http().get("/api/books/directory/changes?limit=1000").set(plain.auth).expect(200);
    while (res.body.more)
      res = await t
        .http()
        .get(`/api/books/directory/changes?limit=1000&since=${res.body.token}`)
        .set(plain.auth)
        .expect(200);
    return res.body.token;
  }
  async function directoryChangesSince(token: string): Promise<Change[]> {
    const res = await t
      .http()
      .get(`/api/books/directory/changes?limit=1000&since=${token}`)
      .set(plain.auth)
      .expect(200);
    return res.body.changes;
  }
  const directoryEntry = async (uid: string) =>
    (
      await t
        .http()
        .get(`/api/books/directory/contacts/${encodeURIComponent(uid)}`)
        .set(plain.auth)
    ).body;

  describe("users", () => {
    it("creates a user with 201 and returns the public user without a password hash", async () => {
      const res = await admin()
        .post("/api/admin/users", {
          username: "alice",
          password: "alice-password",
          displayName: "Alice A",
          email: "alice@example.com",
        })
        .expect(201);
      assert.deepEqual(
        { ...res.body, primaryBook: typeof res.body.primaryBook },
        {
          username: "alice",
          displayName: "Alice A",
          email: "alice@example.com",
          admin: false,
          disabled: false,
          visibleInDirectory: true,
          primaryBook: "string",
        },
      );
      await t.http().post("/api/auth/login").send({ username: "alice", password: "alice-password" }).expect(200);
    });

    it("answers 409 for a duplicate username and keeps the first user's password", async () => {
      await admin().post("/api/admin/users", { username: "bob", password: "bob-password-1" }).expect(201);
      const res = await admin().post("/api/admin/users", { username: "bob", password: "bob-password-2" }).expect(409);
      assert.equal(res.body.error.code, "conflict");
      await t.http().post("/api/auth/login").send({ username: "bob", password: "bob-password-1" }).expect(200);
      await t.http().post("/api/auth/login").send({ username: "bob", password: "bob-password-2" }).expect(401);
    });

    it("refuses a username with upper-case letters or a slash, naming the field", async () => {
      for (const username of ["Bob", "a/b", ""]) {
        const res = await admin().post("/api/admin/users", { username, password: "long-enough-pw" }).expect(400);
        assert.ok(
          res.body.error.details.some((d: { field: string }) => d.field === "body.username"),
          JSON.stringify(res.body),
        );
      }
    });

    it("lists every user sorted by username, without password hashes", async () => {
      const res = await admin().get("/api/admin/users").expect(200);
      const names = res.body.users.map((u: { username: string }) => u.username);
      assert.deepEqual(names, [...names].sort());
      for (const expected of ["alice", "bob", "plain", "root"]) assert.ok(names.includes(expected), expected);
      assert.ok(res.body.users.every((u: object) => !("passwordHash" in u)));
    });

    it("patches displayName, email, admin, disabled and visibleInDirectory", async () => {
      await admin().post("/api/admin/users", { username: "carol", password: "carol-password" }).expect(201);
      const res = await admin()
        .patch("/api/admin/users/carol", {
          displayName: "Carol C",
          email: "carol@example.com",
          admin: true,
          disabled: true,
          visibleInDirectory: false,
        })
        .expect(200);
      assert.deepEqual(
        {
          displayName: res.body.displayName,
          email: res.body.email,
          admin: res.body.admin,
          disabled: res.body.disabled,
          visibleInDirectory: res.body.visibleInDirectory,
        },
        { displayName: "Carol C", email: "carol@example.com", admin: true, disabled: true, visibleInDirectory: false },
      );
      const listed = (await admin().get("/api/admin/users").expect(200)).body.users.find(
        (u: { username: string }) => u.username === "carol",
      );
      assert.deepEqual(listed, res.body);
    });

    it("makes a patched admin able to use the admin API, and un-admining takes it away", async () => {
      const dave = await t.user("dave");
      await t.http().get("/api/admin/users").set(dave.auth).expect(403);
      await admin().patch("/api/admin/users/dave", { admin: true }).expect(200);
      await t.http().get("/api/admin/users").set(dave.auth).expect(200);
      await admin().patch("/api/admin/users/dave", { admin: false }).expect(200);
      await t.http().get("/api/admin/users").set(dave.auth).expect(403);
    });

    it("changes a password: the new one signs in, the old one no longer does", async () => {
      const erin = await t.user("erin");
      await admin().patch("/api/admin/users/erin", { password: "brand-new-password" }).expect(200);
      await t.http().post("/api/auth/login").send({ username: "erin", password: "brand-new-password" }).expect(200);
      await t.http().post("/api/auth/login").send({ username: "erin", password: erin.password }).expect(401);
    });

    it("refuses a too-short password and an unknown field in a patch, changing nothing", async () => {
      const fay = await t.user("fay");
      const short = await admin().patch("/api/admin/users/fay", { password: "short" }).expect(400);
      assert.ok(short.body.error.details.some((d: { field: string }) => d.field === "body.password"));
      const unknown = await admin().patch("/api/admin/users/fay", { displayName: "F", passwordHash: "x" }).expect(400);
      assert.match(unknown.body.error.message, /passwordHash/);
      await t.http().post("/api/auth/login").send({ username: "fay", password: fay.password }).expect(200);
      assert.equal((await directoryEntry("user-fay")).contact.displayName, "FAY");
    });

    it("answers 404 when patching a user who does not exist", async () => {
      await admin().patch("/api/admin/users/nobody", { displayName: "X" }).expect(404);
    });
  });

  describe("mailing lists", () => {
    it("creates, lists, patches and deletes a mailing list", async () => {
      const created = await admin()
        .post("/api/admin/lists", { address: "Sales@Example.com", name: "Sales", members: ["a@example.com"] })
        .expect(201);
      assert.deepEqual(created.body, {
        address: "sales@example.com",
        name: "Sales",
        members: ["a@example.com"],
        visibleInDirectory: true,
      });
      const listed = await admin().get("/api/admin/lists").expect(200);
      assert.deepEqual(
        listed.body.lists.find((l: { address: string }) => l.address === "sales@example.com"),
        created.body,
      );
      const patched = await admin()
        .patch("/api/admin/lists/sales@example.com", {
          name: "Sales Team",
          members: ["a@example.com", "B@example.com"],
        })
        .expect(200);
      assert.deepEqual(patched.body, {
        address: "sales@example.com",
        name: "Sales Team",
        members: ["a@example.com", "b@example.com"],
        visibleInDirectory: true,
      });
      await admin().delete("/api/admin/lists/sales@example.com").expect(204);
      const after = await admin().get("/api/admin/lists").expect(200);
      assert.ok(!after.body.lists.some((l: { address: string }) => l.address === "sales@example.com"));
      await admin().delete("/api/admin/lists/sales@example.com").expect(404);
    });

    it("keeps the members and visibility of a list when a PATCH changes only its name", async () => {
      await admin()
        .post("/api/admin/lists", {
          address: "hidden@example.com",
          name: "Hidden",
          members: ["x@example.com"],
          visibleInDirectory: false,
        })
        .expect(201);
      const patched = await admin().patch("/api/admin/lists/hidden@example.com", { name: "Still hidden" }).expect(200);
      assert.deepEqual(patched.body, {
        address: "hidden@example.com",
        name: "Still hidden",
        members: ["x@example.com"],
        visibleInDirectory: false,
      });
    });

    it("answers 409 for a duplicate list and 400 for an address that is not an e-mail address", async () => {
      await admin().post("/api/admin/lists", { address: "ops@example.com" }).expect(201);
      await admin().post("/api/admin/lists", { address: "OPS@example.com" }).expect(409);
      const bad = await admin().post("/api/admin/lists", { address: "not-an-address" }).expect(400);
      assert.ok(bad.body.error.details.some((d: { field: string }) => d.field === "body.address"));
      await admin().patch("/api/admin/lists/nobody@example.com", { name: "X" }).expect(404);
    });
  });

  it("answers 403 to a non-admin on every admin route and changes nothing", async () => {
    await admin().post("/api/admin/lists", { address: "keep@example.com", name: "Keep" }).expect(201);
    const calls = {
      "GET users": () => t.http().get("/api/admin/users"),
      "POST users": () => t.http().post("/api/admin/users").send({ username: "sneaky", password: "sneaky-password" }),
      "PATCH own admin flag": () => t.http().patch("/api/admin/users/plain").send({ admin: true }),
      "PATCH root's password": () => t.http().patch("/api/admin/users/root").send({ password: "taken-over-password" }),
      "GET lists": () => t.http().get("/api/admin/lists"),
      "POST lists": () => t.http().post("/api/admin/lists").send({ address: "sneaky@example.com" }),
      "PATCH list": () => t.http().patch("/api/admin/lists/keep@example.com").send({ name: "Changed" }),
      "DELETE list": () => t.http().delete("/api/admin/lists/keep@example.com"),
    };
    for (const [name, call] of Object.entries(calls)) {
      const res = await call().set(plain.auth);
      assert.equal(res.status, 403, `${name}: ${res.text}`);
      assert.equal(res.body.error.code, "forbidden");
    }
    const users = (await admin().get("/api/admin/users").expect(200)).body.users;
    assert.ok(!users.some((u: { username: string }) => u.username === "sneaky"));
    assert.equal(users.find((u: { username: string }) => u.username === "plain").admin, false);
    await t.http().post("/api/auth/login").send({ username: "root", password: root.password }).expect(200);
    const lists = (await admin().get("/api/admin/lists").expect(200)).body.lists;
    assert.deepEqual(lists.find((l: { address: string }) => l.address === "keep@example.com")?.name, "Keep");
    assert.ok(!lists.some((l: { address: string }) => l.address === "sneaky@example.com"));
  });

  describe("Local Directory", () => {
    it("publishes a created user in the Directory change feed, with name and e-mail", async () => {
      const since = await directoryToken();
      await admin()
        .post("/api/admin/users", {
          username: "gus",
          password: "gus-password",
          displayName: "Gus G",
          email: "gus@example.com",
        })
        .expect(201);
      const changes = await directoryChangesSince(since);
      assert.deepEqual(
        changes.map((c) => [c.uid, c.deleted, c.contact?.displayName, c.contact?.emails.map((e) => e.address)]),
        [["user-gus", false, "Gus G", ["gus@example.com"]]],
      );
    });

    it("removes a user hidden from the Directory with a tombstone, and brings them back when shown", async () => {
      await t.user("hal");
      const since = await directoryToken();
      await admin().patch("/api/admin/users/hal", { visibleInDirectory: false }).expect(200);
      assert.deepEqual(
        (await directoryChangesSince(since)).map((c) => [c.uid, c.deleted]),
        [["user-hal", true]],
      );
      await t.http().get("/api/books/directory/contacts/user-hal").set(plain.auth).expect(404);
      const hidden = await directoryToken();
      await admin().patch("/api/admin/users/hal", { visibleInDirectory: true }).expect(200);
      assert.deepEqual(
        (await directoryChangesSince(hidden)).map((c) => [c.uid, c.deleted]),
        [["user-hal", false]],
      );
    });

    it("updates a renamed user's Directory entry", async () => {
      await t.user("ida");
      const since = await directoryToken();
      await admin().patch("/api/admin/users/ida", { displayName: "Ida Renamed" }).expect(200);
      const changes = await directoryChangesSince(since);
      assert.deepEqual(
        changes.map((c) => [c.uid, c.deleted, c.contact?.displayName]),
        [["user-ida", false, "Ida Renamed"]],
      );
      assert.equal((await directoryEntry("user-ida")).contact.displayName, "Ida Renamed");
    });

    it("removes a disabled user from the Directory and restores them when re-enabled", async () => {
      await t.user("jon");
      const since = await directoryToken();
      await admin().patch("/api/admin/users/jon", { disabled: true }).expect(200);
      assert.deepEqual(
        (await directoryChangesSince(since)).map((c) => [c.uid, c.deleted]),
        [["user-jon", true]],
      );
      const disabled = await directoryToken();
      await admin().patch("/api/admin/users/jon", { disabled: false }).expect(200);
      assert.deepEqual(
        (await directoryChangesSince(disabled)).map((c) => [c.uid, c.deleted]),
        [["user-jon", false]],
      );
    });

    it("publishes mailing lists, renames them, and tombstones them when hidden or deleted", async () => {
      let since = await directoryToken();
      await admin().post("/api/admin/lists", { address: "team@example.com", name: "Team" }).expect(201);
      assert.deepEqual(
        (await directoryChangesSince(since)).map((c) => [
          c.uid,
          c.deleted,
          c.contact?.displayName,
          c.contact?.emails.map((e) => e.address),
        ]),
        [["list-team@example.com", false, "Team", ["team@example.com"]]],
      );

      since = await directoryToken();
      await admin().patch("/api/admin/lists/team@example.com", { name: "The Team" }).expect(200);
      assert.deepEqual(
        (await directoryChangesSince(since)).map((c) => [c.uid, c.deleted, c.contact?.displayName]),
        [["list-team@example.com", false, "The Team"]],
      );

      since = await directoryToken();
      await admin().patch("/api/admin/lists/team@example.com", { visibleInDirectory: false }).expect(200);
      assert.deepEqual(
        (await directoryChangesSince(since)).map((c) => [c.uid, c.deleted]),
        [["list-team@example.com", true]],
      );

      since = await directoryToken();
      await admin().patch("/api/admin/lists/team@example.com", { visibleInDirectory: true }).expect(200);
      assert.deepEqual(
        (await directoryChangesSince(since)).map((c) => [c.uid, c.deleted]),
        [["list-team@example.com", false]],
      );

      since = await directoryToken();
      await admin().delete("/api/admin/lists/team@example.com").expect(204);
      assert.deepEqual(
        (await directoryChangesSince(since)).map((c) => [c.uid, c.deleted]),
        [["list-team@example.com", true]],
      );
      await t.http().get("/api/books/directory/contacts/list-team@example.com").set(plain.auth).expect(404);
    });

    it("leaves the Directory feed untouched by a change it does not show, such as a password", async () => {
      await t.user("kay");
      const since = await directoryToken();
      await admin().patch("/api/admin/users/kay", { password: "another-password", admin: true }).expect(200);
      assert.deepEqual(await directoryChangesSince(since), []);
    });

    it("creates a hidden list without any Directory entry", async () => {
      const since = await directoryToken();
      await admin().post("/api/admin/lists", { address: "secret@example.com", visibleInDirectory: false }).expect(201);
      assert.deepEqual(await directoryChangesSince(since), []);
    });
  });
});
