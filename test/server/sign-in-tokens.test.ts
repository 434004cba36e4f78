// Session tokens: exp required, iat issued, and a per-user token version that a password change
// or a disable bumps, checked on every request.
import assert from "node:assert/strict";
import jwt from "jsonwebtoken";
import { testApp, type TestApp } from "../support/app";

const SECRET = "test-secret-that-is-long-enough-for-hs256-xx";
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("session tokens", function () {
  this.timeout(60_000);
  let t: TestApp;
  let root: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp({ env: { JWT_SECRET: SECRET } });
    root = await t.user("root", { admin: true });
  });
  after(async () => t.close());

  it("refuses a correctly signed token that has no exp", async () => {
    await t.user("amy");
    const forever = jwt.sign({ sub: "amy", tv: 0, iat: Math.floor(Date.now() / 1000) }, SECRET, { algorithm: "HS256" });
    await t.http().get("/api/me").set(bearer(forever)).expect(401);
  });

  it("issues tokens with iat and exp one TTL apart", async () => {
    const ben = await t.user("ben");
    const claims = jwt.decode(ben.token) as { iat?: number; exp?: number };
    assert.equal(typeof claims.iat, "number");
    assert.equal(claims.exp! - claims.iat!, t.deps.config.tokenTtlSeconds);
  });

  it("refuses tokens issued before the user's password changed", async () => {
    const cat = await t.user("cat");
    await t.http().get("/api/me").set(cat.auth).expect(200);
    await t.http().patch("/api/admin/users/cat").set(root.auth).send({ password: "another-password-1" }).expect(200);
    await t.http().get("/api/me").set(cat.auth).expect(401);
    const fresh = await t.login("cat", "another-password-1");
    await t.http().get("/api/me").set(bearer(fresh)).expect(200);
  });

  it("refuses tokens issued before a disable, also after the user is enabled again", async () => {
    const dan = await t.user("dan");
    await t.http().patch("/api/admin/users/dan").set(root.auth).send({ disabled: true }).expect(200);
    await t.http().patch("/api/admin/users/dan").set(root.auth).send({ disabled: false }).expect(200);
    await t.http().get("/api/me").set(dan.auth).expect(401);
  });

  it("keeps tokens valid across changes that do not touch the password or the account's state", async () => {
    const eve = await t.user("eve");
    await t.http().patch("/api/admin/users/eve").set(root.auth).send({ displayName: "Eve E." }).expect(200);
    await t.http().get("/api/me").set(eve.auth).expect(200);
  });
});
