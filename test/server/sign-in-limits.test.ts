// Sign-in limits: per address and per user separately, a global budget, X-Forwarded-For only
// from trusted proxies, refusals before any hash, and correct credentials never refused for
// arriving together.
import assert from "node:assert/strict";
import { jobsStarted } from "../../server/auth/password-pool";
import { createLoginLimiter } from "../../server/auth/login-limiter";
import { createLoginAttempts } from "../../server/store/login-attempts";
import { testApp, type TestApp } from "../support/app";

const basic = (username: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` });
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("sign-in limits", function () {
  this.timeout(120_000);
  let t: TestApp;
  // The global budget has its own test below; here it is out of the way of the per-address and per-user counts.
  before(async () => (t = await testApp({ config: { loginChecksPer10s: 10_000 } })));
  after(async () => t.close());
  beforeEach(() => t.advance(t.deps.config.loginWindowMs)); // a fresh window for every case

  const attempt = (username: string, password: string, forwardedFor?: string) => {
    const req = t.http().post("/api/auth/login");
    if (forwardedFor) req.set("X-Forwarded-For", forwardedFor);
    return req.send({ username, password });
  };

  it("limits one password tried against many user names from one address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await attempt(`victim${i}`, "Summer2026!")).status);
    assert.equal(count(statuses, 401), 2 * t.deps.config.loginAttemptsPerWindow);
    assert.equal(count(statuses, 429), 30 - 2 * t.deps.config.loginAttemptsPerWindow);
  });

  it("ignores X-Forwarded-For from a proxy that TRUST_PROXY does not name", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await attempt(`spoof${i}`, "Summer2026!", `203.0.113.${i}`)).status);
    assert.equal(count(statuses, 401), 2 * t.deps.config.loginAttemptsPerWindow, "all 40 came from one address");
  });

  it("refuses an address out of attempts before hashing anything", async () => {
    for (let i = 0; i < 20; i++) await attempt(`nohash${i}`, "wrong-password-1").expect(401);
    const before = jobsStarted();
    for (let i = 0; i < 10; i++) await attempt(`nohash-more${i}`, "wrong-password-1").expect(429);
    assert.equal(jobsStarted(), before);
  });

  it("lets 25 parallel HTTP Basic requests with the right password through, with one password check", async () => {
    const pia = { password: "pia-password-123" };
    await t.deps.accounts.createUser({ username: "pia", password: pia.password }); // never signed in yet
    const before = jobsStarted();
    const statuses = await Promise.all(
      Array.from({ length: 25 }, () => t.http().get("/api/books").set(basic("pia", pia.password)).then((r) => r.status)),
    );
    assert.deepEqual(statuses, Array(25).fill(200));
    assert.equal(jobsStarted() - before, 1, "identical credentials were checked once and then remembered");
    await t.http().get("/api/books").set(basic("pia", pia.password)).expect(200);
    assert.equal(jobsStarted() - before, 1);
  });

  it("forgets remembered Basic credentials once the password changes", async () => {
    const root = await t.user("root", { admin: true });
    const quinn = await t.user("quinn");
    await t.http().get("/api/books").set(basic("quinn", quinn.password)).expect(200);
    await t.http().patch("/api/admin/users/quinn").set(root.auth).send({ password: "a-brand-new-password" }).expect(200);
    await t.http().get("/api/books").set(basic("quinn", quinn.password)).expect(401);
    await t.http().get("/api/books").set(basic("quinn", "a-brand-new-password")).expect(200);
  });

  it("forgets remembered Basic credentials once the user is disabled", async () => {
    const root = await t.user("root2", { admin: true });
    const rex = await t.user("rex");
    await t.http().get("/api/books").set(basic("rex", rex.password)).expect(200);
    await t.http().patch("/api/admin/users/rex").set(root.auth).send({ disabled: true }).expect(200);
    await t.http().get("/api/books").set(basic("rex", rex.password)).expect(401);
  });

  it("keeps a user locked out even for remembered credentials", async () => {
    const sam = await t.user("sam");
    await t.http().get("/api/books").set(basic("sam", sam.password)).expect(200);
    for (let i = 0; i < 10; i++) await t.http().get("/api/books").set(basic("sam", `wrong-${i}-password`)).expect(401);
    await t.http().get("/api/books").set(basic("sam", sam.password)).expect(429);
  });

  describe("behind a trusted proxy (TRUST_PROXY)", () => {
    let proxied: TestApp;
    before(async () => (proxied = await testApp({ env: { TRUST_PROXY: "loopback" }, config: { loginChecksPer10s: 10_000 } })));
    after(async () => proxied.close());

    it("counts each forwarded client address on its own", async () => {
      const tom = await proxied.user("tom");
      const login = (forwardedFor: string, username: string, password: string) =>
        proxied.http().post("/api/auth/login").set("X-Forwarded-For", forwardedFor).send({ username, password });
      for (let i = 0; i < 20; i++) await login("198.51.100.7", `nobody${i}`, "wrong-password-1").expect(401);
      await login("198.51.100.7", "tom", tom.password).expect(429);
      await login("198.51.100.8", "tom", tom.password).expect(200);
    });
  });

  describe("global budget", () => {
    it("refuses password checks beyond the global budget, whatever the address and user, and reuses a slot a success gave back", async () => {
      const clock = () => new Date(Date.UTC(2030, 0, 1, 0, 0, 0));
      const limiter = createLoginLimiter(createLoginAttempts(t.db.models), clock, 10, 300_000, { globalPerWindow: 3 });
      const first = await limiter.begin("u1", "10.0.0.1");
      await limiter.begin("u2", "10.0.0.2");
      await limiter.begin("u3", "10.0.0.3");
      await assert.rejects(limiter.begin("u4", "10.0.0.4"), (err: { status: number; details: { retryAfterSeconds: number } }) => {
        assert.equal(err.status, 429);
        assert.ok(err.details.retryAfterSeconds >= 1);
        return true;
      });
      await first.succeeded();
      await limiter.begin("u4", "10.0.0.4");
    });

    it("answers 429 over HTTP once the global budget of password checks is used up, from any address", async () => {
      const g = await testApp({ env: { TRUST_PROXY: "loopback" }, config: { loginChecksPer10s: 5 } });
      try {
        g.advance(10_000 - (g.deps.clock().getTime() % 10_000)); // start of a 10 s window: all eight fall in it
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const res = await g.http().post("/api/auth/login").set("X-Forwarded-For", `192.0.2.${i}`).send({ username: `u${i}`, password: "wrong-password-1" });
          statuses.push(res.status);
        }
        assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
      } finally {
        await g.close();
      }
    });
  });
});
