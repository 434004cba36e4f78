// Sign-in and session checks over REST: JWT sessions, HTTP Basic, disabled
// users, forged tokens and the failed-login limiter.
import assert from "node:assert/strict";
import jwt from "jsonwebtoken";
import { testApp, type TestApp } from "../support/app";

const SECRET = "test-secret-that-is-long-enough-for-hs256-xx";
const basic = (username: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("REST authentication", () => {
  let t: TestApp;
  before(async () => (t = await testApp({ env: { JWT_SECRET: SECRET } })));
  after(async () => t.close());

  it("returns a token, its expiry and the public user on login", async () => {
    const alice = await t.user("alice");
    const before = Date.now();
    const res = await t
      .http()
      .post("/api/auth/login")
      .send({ username: "alice", password: alice.password })
      .expect(200);
    const session = ["expiresIn", "refreshToken", "sessionExpiresAt", "sessionId"];
    assert.deepEqual(Object.keys(res.body).sort(), ["expiresAt", ...session, "token", "user"].sort());
    assert.equal(res.body.user.username, "alice");
    assert.equal(res.body.user.primaryBook, alice.primaryBook);
    assert.equal(res.body.user.passwordHash, undefined);
    const ttlMs = t.deps.config.tokenTtlSeconds * 1000;
    const expires = Date.parse(res.body.expiresAt);
    assert.ok(expires >= before + ttlMs - 1000 && expires <= Date.now() + ttlMs + 1000, res.body.expiresAt);
    await t
      .http()
      .get("/api/me")
      .set(bearer(res.body.token))
      .expect(200, { username: "alice", admin: false, primaryBook: alice.primaryBook });
  });

  it("answers a wrong username and a wrong password with the same status and body", async () => {
    await t.user("bob");
    const wrongUser = await t.http().post("/api/auth/login").send({ username: "nobody", password: "whatever-123" });
    const wrongPassword = await t.http().post("/api/auth/login").send({ username: "bob", password: "whatever-123" });
    assert.equal(wrongUser.status, 401);
    assert.equal(wrongPassword.status, wrongUser.status);
    assert.deepEqual(wrongPassword.body, wrongUser.body);
    assert.equal(wrongUser.body.error.code, "invalid-credentials");
  });

  it("refuses login, Basic and existing tokens of a user an admin disabled", async () => {
    const root = await t.user("root", { admin: true });
    const carol = await t.user("carol");
    await t.http().patch("/api/admin/users/carol").set(root.auth).send({ disabled: true }).expect(200);
    const login = await t
      .http()
      .post("/api/auth/login")
      .send({ username: "carol", password: carol.password })
      .expect(401);
    assert.equal(login.body.error.code, "invalid-credentials");
    await t.http().get("/api/books").set(basic("carol", carol.password)).expect(401);
    await t.http().get("/api/books").set(carol.auth).expect(401);
    await t.http().patch("/api/admin/users/carol").set(root.auth).send({ disabled: false }).expect(200);
    await t.http().post("/api/auth/login").send({ username: "carol", password: carol.password }).expect(200);
  });

  it("accepts HTTP Basic credentials on API routes and refuses wrong ones with 401 and WWW-Authenticate", async () => {
    const dave = await t.user("dave");
    const ok = await t.http().get("/api/books").set(basic("dave", dave.password)).expect(200);
    assert.ok(ok.body.books.some((b: { id: string }) => b.id === dave.primaryBook));
    await t
      .http()
      .put(`/api/books/${dave.primaryBook}/contacts/b1`)
      .set(basic("dave", dave.password))
      .send({ displayName: "Via Basic" })
      .expect(201);
    const bad = await t.http().get("/api/books").set(basic("dave", "not-the-password")).expect(401);
    assert.match(bad.headers["www-authenticate"], /Basic/);
    await t
      .http()
      .get("/api/books")
      .set({ Authorization: `Basic ${Buffer.from("no-colon").toString("base64")}` })
      .expect(401);
  });

  it("refuses requests without credentials with 401", async () => {
    const res = await t.http().get("/api/books").expect(401);
    assert.equal(res.body.error.code, "unauthorized");
  });

  it("refuses a JWT with alg=none", async () => {
    await t.user("erin");
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: "erin", exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    await t.http().get("/api/books").set(bearer(token)).expect(401);
    const unsignedLib = jwt.sign({ sub: "erin" }, "", { algorithm: "none" });
    await t.http().get("/api/books").set(bearer(unsignedLib)).expect(401);
  });

  it("refuses a JWT signed with another secret, or with a tampered payload", async () => {
    const frank = await t.user("frank");
    const forged = jwt.sign(
      { sub: "frank", exp: Math.floor(Date.now() / 1000) + 3600 },
      "some-other-secret-that-is-long-enough-xx",
      { algorithm: "HS256" },
    );
    await t.http().get("/api/books").set(bearer(forged)).expect(401);
    const [header, , signature] = frank.token.split(".");
    const tampered = `${header}.${b64url({ sub: "root", exp: Math.floor(Date.now() / 1000) + 3600 })}.${signature}`;
    await t.http().get("/api/books").set(bearer(tampered)).expect(401);
  });

  it("refuses a JWT whose exp is in the past", async () => {
    await t.user("gina");
    const expired = jwt.sign(
      { sub: "gina", iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 },
      SECRET,
      { algorithm: "HS256" },
    );
    await t.http().get("/api/books").set(bearer(expired)).expect(401);
    const valid = jwt.sign({ sub: "gina", tv: 0, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET, {
      algorithm: "HS256",
    });
    await t.http().get("/api/books").set(bearer(valid)).expect(200);
  });

  it("refuses a token once the server clock passes its TTL", async () => {
    const hank = await t.user("hank");
    await t.http().get("/api/books").set(hank.auth).expect(200);
    t.advance(t.deps.config.tokenTtlSeconds * 1000 + 1000);
    await t.http().get("/api/books").set(hank.auth).expect(401);
  });

  describe("failed-login limiter", () => {
    let limited: TestApp;
    before(async () => (limited = await testApp()));
    after(async () => limited.close());
    // Every case starts in a fresh window: all of them sign in from the same address, which has its own budget.
    beforeEach(() => limited.advance(limited.deps.config.loginWindowMs));

    const attempt = (username: string, password: string) =>
      limited.http().post("/api/auth/login").send({ username, password });

    it("answers 429 with Retry-After after 10 failures, even for the right password, until the window passes", async () => {
      const ivy = await limited.user("ivy");
      assert.equal(limited.deps.config.loginAttemptsPerWindow, 10);
      for (let i = 0; i < 10; i++) assert.equal((await attempt("ivy", `wrong-${i}-password`)).status, 401);
      const blocked = await attempt("ivy", ivy.password);
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error.code, "too-many-attempts");
      const retryAfter = Number(blocked.headers["retry-after"]);
      assert.ok(
        retryAfter > 0 && retryAfter <= limited.deps.config.loginWindowMs / 1000,
        `Retry-After: ${blocked.headers["retry-after"]}`,
      );
      limited.advance(retryAfter * 1000);
      await attempt("ivy", ivy.password).expect(200);
    });

    it("checks exactly 10 of 30 guesses that arrive at once, and refuses the rest with 429", async () => {
      await limited.user("max");
      const statuses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => attempt("max", `guess-${i}-wrong`).then((r) => r.status)),
      );
      assert.equal(statuses.filter((s) => s === 401).length, 10);
      assert.equal(statuses.filter((s) => s === 429).length, 20);
    });

    it("does not count successful sign-ins against the limit", async () => {
      const nia = await limited.user("nia");
      for (let i = 0; i < 15; i++) await attempt("nia", nia.password).expect(200);
    });

    it("counts failed HTTP Basic attempts too, and blocks Basic with 429", async () => {
      const jay = await limited.user("jay");
      for (let i = 0; i < 10; i++)
        await limited
          .http()
          .get("/api/books")
          .set(basic("jay", `wrong-${i}-password`))
          .expect(401);
      const blocked = await limited.http().get("/api/books").set(basic("jay", jay.password)).expect(429);
      assert.ok(Number(blocked.headers["retry-after"]) > 0);
      await attempt("jay", jay.password).expect(429);
    });

    it("limits per username: another user's sign-in from the same address still works", async () => {
      const kim = await limited.user("kim");
      const lee = await limited.user("lee");
      for (let i = 0; i < 10; i++) await attempt("kim", `wrong-${i}-password`).expect(401);
      await attempt("kim", kim.password).expect(429);
      await attempt("lee", lee.password).expect(200);
    });
  });
});
