// Device sessions: a device signs in once and stays signed in with a short-lived access token and
// a refresh token that rotates on use; users and admins see and end sessions; a password change,
// a reset or a disable ends them all.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const DAY = 86_400_000;

describe("device sessions", function () {
  this.timeout(60_000);
  let t: TestApp;
  let rootPassword: string;
  before(async () => {
    t = await testApp({ env: { ACCESS_TOKEN_MINUTES: "15", SESSION_DAYS: "30" } });
    rootPassword = (await t.user("root", { admin: true })).password;
  });
  /** The tests move the clock on by days, so the administrator signs in afresh each time. */
  const admin = async () => bearer(await t.login("root", rootPassword));
  after(async () => t.close());

  type Pair = { token: string; refreshToken: string; sessionId: string };
  async function signIn(
    username: string,
    password: string,
    device = "laptop",
    client = "concord-addin/1.0",
  ): Promise<Pair> {
    const res = await t
      .http()
      .post("/api/auth/login")
      .set("X-Concord-Client", client)
      .send({ username, password, device })
      .expect(200);
    return res.body;
  }
  const refresh = (refreshToken: string) => t.http().post("/api/auth/refresh").send({ refreshToken });
  const me = (token: string) => t.http().get("/api/me").set(bearer(token));
  async function account(username: string) {
    const u = await t.user(username);
    return { ...u, device: (name = "laptop") => signIn(username, u.password, name) };
  }

  it("hands out a 15-minute access token with a refresh token, and trades the refresh token for a working new pair", async () => {
    const ann = await account("ann");
    const res = await t
      .http()
      .post("/api/auth/login")
      .send({ username: "ann", password: ann.password, device: "desk" })
      .expect(200);
    assert.equal(res.body.expiresIn, 15 * 60);
    assert.equal(typeof res.body.sessionId, "string");
    t.advance(16 * 60_000);
    await me(res.body.token).expect(401);
    const next = await refresh(res.body.refreshToken).expect(200);
    assert.notEqual(next.body.refreshToken, res.body.refreshToken);
    assert.equal(next.body.sessionId, res.body.sessionId);
    await me(next.body.token).expect(200);
    await refresh(next.body.refreshToken).expect(200);
  });

  it("ends the session when a spent refresh token comes back: the thief's and the device's tokens are both refused", async () => {
    const bo = await account("bo");
    const first = await bo.device();
    const rotated = (await refresh(first.refreshToken).expect(200)).body as Pair;
    const replay = await refresh(first.refreshToken).expect(401);
    assert.match(replay.body.error.message, /sign in again/);
    await refresh(rotated.refreshToken).expect(401);
    await me(rotated.token).expect(401);
  });

  it("lists the caller's devices with their name, client and last use, marking the one asking", async () => {
    const cy = await account("cy");
    const laptop = await cy.device("laptop");
    t.advance(1000);
    const phone = await signIn("cy", cy.password, "phone", "Outlook on the web");
    const res = await t.http().get("/api/sessions").set(bearer(phone.token)).expect(200);
    // t.user() signed in once too, without a device name.
    const named = res.body.sessions.filter((s: { device: string }) => s.device);
    assert.deepEqual(
      named.map((s: { device: string; client: string; current: boolean }) => [s.device, s.client, s.current]),
      [
        ["phone", "Outlook on the web", true],
        ["laptop", "concord-addin/1.0", false],
      ],
    );
    assert.equal(named[1].id, laptop.sessionId);
    assert.ok(Date.parse(named[0].lastUsedAt) > Date.parse(named[1].lastUsedAt));
    assert.equal(JSON.stringify(res.body).includes(laptop.refreshToken), false);
  });

  it("signs one device out: its access and refresh tokens are refused at once, the other device stays signed in", async () => {
    const di = await account("di");
    const [laptop, phone] = [await di.device("laptop"), await di.device("phone")];
    await t.http().delete(`/api/sessions/${laptop.sessionId}`).set(bearer(phone.token)).expect(204);
    await me(laptop.token).expect(401);
    await refresh(laptop.refreshToken).expect(401);
    await me(phone.token).expect(200);
    await refresh(phone.refreshToken).expect(200);
  });

  it("answers 404 to a user ending someone else's session, and leaves it alone", async () => {
    const [ed, flo] = [await account("ed"), await account("flo")];
    const hers = await flo.device();
    await t.http().delete(`/api/sessions/${hers.sessionId}`).set(ed.auth).expect(404);
    await me(hers.token).expect(200);
  });

  it("signs the current device out on logout", async () => {
    const gus = await account("gus");
    const device = await gus.device();
    await t.http().post("/api/auth/logout").set(bearer(device.token)).expect(204);
    await me(device.token).expect(401);
    await refresh(device.refreshToken).expect(401);
  });

  it("lets an administrator list and end any user's sessions, and no one else", async () => {
    const hal = await account("hal");
    const device = await hal.device("hal's pc");
    const listed = await t
      .http()
      .get("/api/admin/users/hal/sessions")
      .set(await admin())
      .expect(200);
    assert.ok(
      listed.body.sessions.some(
        (s: { id: string; device: string }) => s.id === device.sessionId && s.device === "hal's pc",
      ),
    );
    await t.http().get("/api/admin/users/root/sessions").set(hal.auth).expect(403);
    await t.http().delete(`/api/admin/users/root/sessions/x`).set(hal.auth).expect(403);
    await t
      .http()
      .get("/api/admin/users/nobody/sessions")
      .set(await admin())
      .expect(404);
    await t
      .http()
      .delete(`/api/admin/users/hal/sessions/${device.sessionId}`)
      .set(await admin())
      .expect(204);
    await refresh(device.refreshToken).expect(401);
    const after = await t
      .http()
      .get("/api/admin/users/hal/sessions")
      .set(await admin())
      .expect(200);
    assert.equal(
      after.body.sessions.some((s: { id: string }) => s.id === device.sessionId),
      false,
    );
  });

  it("ends every session of a user whose password is reset: refreshing is refused and none is listed", async () => {
    const ida = await account("ida");
    const [a, b] = [await ida.device("a"), await ida.device("b")];
    await t
      .http()
      .patch("/api/admin/users/ida")
      .set(await admin())
      .send({ password: "a-new-password-1" })
      .expect(200);
    await refresh(a.refreshToken).expect(401);
    await refresh(b.refreshToken).expect(401);
    const fresh = await signIn("ida", "a-new-password-1", "again");
    const listed = await t.http().get("/api/sessions").set(bearer(fresh.token)).expect(200);
    assert.deepEqual(
      listed.body.sessions.map((s: { device: string }) => s.device),
      ["again"],
    );
  });

  it("ends every session of a disabled user, and they stay ended when the user is enabled again", async () => {
    const jo = await account("jo");
    const device = await jo.device();
    await t
      .http()
      .patch("/api/admin/users/jo")
      .set(await admin())
      .send({ disabled: true })
      .expect(200);
    await refresh(device.refreshToken).expect(401);
    await t
      .http()
      .patch("/api/admin/users/jo")
      .set(await admin())
      .send({ disabled: false })
      .expect(200);
    await refresh(device.refreshToken).expect(401);
    await me(device.token).expect(401);
  });

  it("ends the sessions of a deleted user, so a user created again under that name is not signed in on them", async () => {
    const lou = await account("lou");
    const device = await lou.device();
    await t
      .http()
      .delete("/api/admin/users/lou")
      .set(await admin())
      .expect(200);
    await t.user("lou");
    const listed = await t
      .http()
      .get("/api/admin/users/lou/sessions")
      .set(await admin())
      .expect(200);
    assert.ok(!listed.body.sessions.some((s: { id: string }) => s.id === device.sessionId));
    await refresh(device.refreshToken).expect(401);
  });

  it("keeps a device signed in as long as it refreshes within SESSION_DAYS, and refuses a refresh token left unused longer", async () => {
    const kim = await account("kim");
    let pair = await kim.device();
    for (let i = 0; i < 3; i++) {
      t.advance(20 * DAY);
      pair = (await refresh(pair.refreshToken).expect(200)).body;
    }
    t.advance(30 * DAY + 60_000);
    await refresh(pair.refreshToken).expect(401);
  });

  it("refuses a malformed refresh request with 400 and a made-up refresh token with 401", async () => {
    await t.http().post("/api/auth/refresh").send({}).expect(400);
    await t
      .http()
      .post("/api/auth/refresh")
      .send({ refreshToken: { $gt: "" } })
      .expect(400);
    await refresh("abc.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").expect(401);
  });
});
