// What a user may type as their name at sign-in: the user name in any case, or their e-mail
// address. An address two users share names neither of them.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

const basic = (name: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${name}:${password}`).toString("base64")}`,
});

describe("sign-in names", function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    // The global budget of password checks is raised so that only the per-user budget refuses here.
    t = await testApp({ config: { loginChecksPer10s: 1000 } });
  });
  after(async () => t.close());
  beforeEach(() => t.advance(t.deps.config.loginWindowMs)); // a fresh window of attempts for every case

  async function person(username: string, email: string) {
    const password = `pw-${username}-123456`;
    await t.deps.accounts.createUser({ username, password, email });
    return password;
  }
  const login = (username: string, password: string) => t.http().post("/api/auth/login").send({ username, password });

  it("signs in with the e-mail address in any case, as the user it belongs to", async () => {
    const password = await person("nora", "Nora.North@Example.com");
    const res = await login("nora.north@EXAMPLE.com", password).expect(200);
    assert.equal(res.body.user.username, "nora");
    const me = await t
      .http()
      .get("/api/me")
      .set({ Authorization: `Bearer ${res.body.token}` })
      .expect(200);
    assert.equal(me.body.username, "nora");
    const listed = await t
      .http()
      .get("/api/sessions")
      .set({ Authorization: `Bearer ${res.body.token}` })
      .expect(200);
    assert.equal(listed.body.sessions.length, 1);
  });

  it("takes the user name in any case, with spaces around it", async () => {
    const password = await person("otto", "otto@example.com");
    assert.equal((await login(" Otto ", password).expect(200)).body.user.username, "otto");
  });

  it("accepts the e-mail address over HTTP Basic too", async () => {
    const password = await person("pia", "pia@example.com");
    const me = await t.http().get("/api/me").set(basic("PIA@example.com", password)).expect(200);
    assert.equal(me.body.username, "pia");
  });

  it("signs in as neither user with an address two users share, with either one's password", async () => {
    const first = await person("quinn", "desk@example.com");
    const second = await person("rory", "DESK@example.com");
    for (const password of [first, second]) {
      const res = await login("desk@example.com", password).expect(401);
      assert.equal(res.body.error.code, "invalid-credentials");
    }
    await t.http().get("/api/me").set(basic("desk@example.com", first)).expect(401);
    await login("quinn", first).expect(200);
    await login("rory", second).expect(200);
  });

  it("counts wrong passwords sent with the address against the user's own budget", async () => {
    const password = await person("sven", "sven@example.com");
    for (let i = 0; i < t.deps.config.loginAttemptsPerWindow; i++)
      await login("sven@example.com", "wrong-password").expect(401);
    await login("sven", password).expect(429);
  });

  it("accepts an address as long as RFC 5321 allows as the name, and refuses a longer one with 400", async () => {
    const address = `${"l".repeat(64)}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(53)}.example`;
    assert.equal(address.length, 254);
    const password = await person("tova", address);
    assert.equal((await login(address, password).expect(200)).body.user.username, "tova");
    await login(`x${address}`, password).expect(400);
  });
});
