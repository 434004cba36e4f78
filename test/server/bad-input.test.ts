// Hostile and broken requests: malformed JSON, oversized bodies, wrong types,
// unknown fields and NoSQL operator injection. Each is refused with a plain
// {error: {code, message, details?}} (never a stack trace, never a 500), and
// none of them writes anything.
import assert from "node:assert/strict";
import type { Response } from "supertest";
import { testApp, type TestApp } from "../support/app";

type Session = Awaited<ReturnType<TestApp["user"]>>;
const OPERATOR = { $gt: "" };

/** Every string field of a contact, as a path into a valid contact that holds a string there. */
const stringFields: (string | number)[][] = [
  ["displayName"],
  ["uid"],
  ["company"],
  ["department"],
  ["jobTitle"],
  ["office"],
  ["manager"],
  ["assistant"],
  ["birthday"],
  ["anniversary"],
  ["notes"],
  ["name", "prefix"],
  ["name", "given"],
  ["name", "middle"],
  ["name", "family"],
  ["name", "suffix"],
  ["name", "nickname"],
  ["name", "fileAs"],
  ["emails", 0, "type"],
  ["emails", 0, "address"],
  ["phones", 0, "type"],
  ["phones", 0, "number"],
  ["addresses", 0, "type"],
  ["addresses", 0, "street"],
  ["addresses", 0, "city"],
  ["addresses", 0, "region"],
  ["addresses", 0, "postalCode"],
  ["addresses", 0, "country"],
  ["addresses", 0, "poBox"],
  ["urls", 0, "type"],
  ["urls", 0, "url"],
  ["im", 0, "type"],
  ["im", 0, "address"],
  ["categories", 0],
  ["photo", "mediaType"],
  ["photo", "data"],
  ["photo", "hash"],
  ["extra", 0, "source"],
  ["extra", 0, "name"],
  ["extra", 0, "value"],
  ["extra", 0, "params", "type", 0],
];

function fullContact(uid: string): Record<string, unknown> {
  return {
    uid,
    displayName: "Full",
    company: "Co",
    department: "Dep",
    jobTitle: "Job",
    office: "Off",
    manager: "Man",
    assistant: "Ass",
    birthday: "1980-01-02",
    anniversary: "--03-04",
    notes: "N",
    name: { prefix: "Dr", given: "G", middle: "M", family: "F", suffix: "Jr", nickname: "Nick", fileAs: "F, G" },
    emails: [{ type: "work", address: "f@example.com" }],
    phones: [{ type: "mobile", number: "+1 555" }],
    addresses: [{ type: "home", street: "S", city: "C", region: "R", postalCode: "P", country: "X", poBox: "B" }],
    urls: [{ type: "work", url: "https://example.com" }],
    im: [{ type: "xmpp", address: "f@im.example" }],
    categories: ["Cat"],
    photo: { mediaType: "image/png", data: "AAEC", hash: "0".repeat(64) },
    extra: [{ source: "vcard", name: "X-FOO", value: "v", params: { type: ["a"] } }],
  };
}

function setPath(target: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
}

describe("REST bad input", () => {
  let t: TestApp;
  let me: Session;
  let root: Session;
  let book: string;
  let emptyToken: string;
  before(async () => {
    t = await testApp();
    root = await t.user("root", { admin: true });
    me = await t.user("alice");
    book = me.primaryBook;
    emptyToken = (await t.http().get(`/api/books/${book}/changes`).set(me.auth).expect(200)).body.token;
  });
  after(async () => t.close());

  /** The plain error shape, with nothing a stack trace could hide in. */
  function expectError(res: Response, status: number | number[], code?: string) {
    const statuses = Array.isArray(status) ? status : [status];
    assert.ok(statuses.includes(res.status), `expected ${statuses.join("/")}, got ${res.status}: ${res.text}`);
    assert.deepEqual(Object.keys(res.body), ["error"], res.text);
    assert.ok(
      Object.keys(res.body.error).every((k) => ["code", "message", "details"].includes(k)),
      res.text,
    );
    assert.equal(typeof res.body.error.code, "string");
    assert.equal(typeof res.body.error.message, "string");
    assert.doesNotMatch(res.text, /\bat .*\(.*:\d+:\d+\)|node_modules|\.ts:\d+/, "no stack trace in the body");
    if (code) assert.equal(res.body.error.code, code, res.text);
    return res.body.error as { code: string; message: string; details?: { field: string; message: string }[] };
  }
  const fields = (error: { details?: { field: string }[] }) => (error.details ?? []).map((d) => d.field);

  const putContact = (uid: string, body: unknown) =>
    t
      .http()
      .put(`/api/books/${book}/contacts/${uid}`)
      .set(me.auth)
      .send(body as object);

  describe("malformed JSON", () => {
    for (const [name, send] of [
      ["a contact PUT", (_body: string) => t.http().put(`/api/books/${book}/contacts/m1`).set(me.auth)],
      ["a batch", () => t.http().post(`/api/books/${book}/batch`).set(me.auth)],
      ["a login", () => t.http().post("/api/auth/login")],
      ["a new user", () => t.http().post("/api/admin/users").set(root.auth)],
    ] as const) {
      it(`answers 400 malformed-json to ${name} with broken JSON or a bare JSON string`, async () => {
        for (const text of ['{"displayName": "x",', "{'single': 'quotes'}", '"just a string"', "nul"]) {
          expectError(await send(text).set("Content-Type", "application/json").send(text), 400, "malformed-json");
        }
      });
    }
  });

  describe("oversized bodies", () => {
    it("answers 413 to a 17 MiB JSON body under the default 16 MiB limit", async () => {
      assert.equal(t.deps.config.maxBodyBytes, 16 * 1024 * 1024);
      const body = JSON.stringify({ displayName: "Big", notes: "x".repeat(17 * 1024 * 1024) });
      expectError(await putContact("big", body).set("Content-Type", "application/json"), 413, "payload-too-large");
    });

    it("answers 413 to JSON and vCard bodies over a configured limit, and 2xx just under it", async () => {
      const small = await testApp({ config: { maxBodyBytes: 4096 } });
      try {
        const bob = await small.user("bob");
        const at = (uid: string) => small.http().put(`/api/books/${bob.primaryBook}/contacts/${uid}`).set(bob.auth);
        expectError(await at("j").send({ displayName: "J", notes: "x".repeat(5000) }), 413, "payload-too-large");
        await at("j")
          .send({ displayName: "J", notes: "x".repeat(3000) })
          .expect(201);
        const card = `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:v\r\nFN:V\r\nNOTE:${"y".repeat(5000)}\r\nEND:VCARD\r\n`;
        expectError(await at("v").set("Content-Type", "text/vcard").send(card), 413, "payload-too-large");
        expectError(
          await small
            .http()
            .post(`/api/books/${bob.primaryBook}/batch`)
            .set(bob.auth)
            .send({
              ops: Array.from({ length: 100 }, (_, i) => ({
                op: "put",
                uid: `u${i}`,
                contact: { displayName: "A fairly long display name" },
              })),
            }),
          413,
        );
        const feed = await small.http().get(`/api/books/${bob.primaryBook}/changes`).set(bob.auth).expect(200);
        assert.deepEqual(
          feed.body.changes.map((c: { uid: string }) => c.uid),
          ["j"],
        );
      } finally {
        await small.close();
      }
    });
  });

  describe("wrong types and unknown fields", () => {
    it("names the field whose type is wrong in details[].field", async () => {
      const cases: [unknown, string][] = [
        [{ displayName: 5 }, "body.displayName"],
        [{ emails: "a@example.com" }, "body.emails"],
        [{ emails: [{ type: "work", address: 7 }] }, "body.emails.0.address"],
        [{ phones: [{ type: "cell", number: "1" }] }, "body.phones.0.type"],
        [{ birthday: "yesterday" }, "body.birthday"],
        [{ name: "Just a string" }, "body.name"],
        [{ categories: [1, 2] }, "body.categories.0"],
      ];
      for (const [body, field] of cases) {
        const error = expectError(await putContact("typed", body), 400, "bad-request");
        assert.ok(fields(error).includes(field), `${JSON.stringify(body)} → ${JSON.stringify(error)}`);
      }
      const limit = expectError(await t.http().get(`/api/books/${book}/changes?limit=many`).set(me.auth), 400);
      assert.ok(fields(limit).includes("query.limit"), JSON.stringify(limit));
      const ops = expectError(await t.http().post(`/api/books/${book}/batch`).set(me.auth).send({ ops: "all" }), 400);
      assert.ok(fields(ops).includes("body.ops"), JSON.stringify(ops));
      const op = expectError(
        await t
          .http()
          .post(`/api/books/${book}/batch`)
          .set(me.auth)
          .send({ ops: [{ op: "upsert", uid: "x" }] }),
        400,
      );
      assert.ok(fields(op).includes("body.ops.0.op"), JSON.stringify(op));
      const login = expectError(await t.http().post("/api/auth/login").send({ username: 5, password: true }), 400);
      assert.deepEqual(fields(login).sort(), ["body.password", "body.username"]);
    });

    it("refuses an unknown top-level field, naming it", async () => {
      const contact = expectError(await putContact("unknown", { displayName: "X", favourite: true }), 400);
      assert.ok(fields(contact).includes("body.favourite"), JSON.stringify(contact));
      assert.match(contact.message, /favourite/);
      const batch = expectError(
        await t
          .http()
          .post(`/api/books/${book}/batch`)
          .set(me.auth)
          .send({ ops: [{ op: "delete", uid: "x" }], atomic: true }),
        400,
      );
      assert.match(batch.message, /atomic/);
      const login = expectError(
        await t.http().post("/api/auth/login").send({ username: "alice", password: me.password, remember: true }),
        400,
      );
      assert.match(login.message, /remember/);
      const share = expectError(
        await t.http().put(`/api/books/${book}/shares/root`).set(me.auth).send({ access: "read", until: "tomorrow" }),
        400,
      );
      assert.match(share.message, /until/);
      const query = expectError(await t.http().get(`/api/books/${book}/contacts?limit=5&sort=name`).set(me.auth), 400);
      assert.match(query.message, /sort/);
    });

    it("refuses a __proto__ key rather than letting it reach the contact", async () => {
      const res = await putContact("proto", '{"displayName": "P", "__proto__": {"admin": true}}').set(
        "Content-Type",
        "application/json",
      );
      expectError(res, 400);
    });

    it("refuses an inline photo that is not base64", async () => {
      const error = expectError(
        await putContact("pic", { displayName: "P", photo: { mediaType: "image/png", data: "not base64!!" } }),
        400,
      );
      assert.ok(fields(error).includes("contact.photo.data"), JSON.stringify(error));
    });
  });

  describe("NoSQL operator injection", () => {
    it("refuses {$gt: ''} in every string field of a contact with 400, over PUT and in a batch", async () => {
      // The unpoisoned contact is valid, so each refusal below is the operator's doing.
      await t
        .http()
        .put(`/api/books/${root.primaryBook}/contacts/inj`)
        .set(root.auth)
        .send(fullContact("inj"))
        .expect(201);
      for (const path of stringFields) {
        const body = fullContact("inj");
        setPath(body, path, OPERATOR);
        const res = await putContact("inj", body);
        const error = expectError(res, 400);
        assert.ok(
          fields(error).some((f) => f.startsWith(`body.${path.join(".")}`)),
          `${path.join(".")}: ${res.text}`,
        );
        const batch = await t
          .http()
          .post(`/api/books/${book}/batch`)
          .set(me.auth)
          .send({ ops: [{ op: "put", uid: "inj", contact: body }] });
        assert.equal(batch.status, 200, batch.text);
        assert.deepEqual(
          batch.body.results.map((r: { status: string }) => r.status),
          ["error"],
          `${path.join(".")}: ${batch.text}`,
        );
      }
    });

    it("refuses operator keys at the top level, in extra params and as batch op fields", async () => {
      expectError(await putContact("op", { displayName: "X", $where: "1" }), 400);
      expectError(
        await putContact("op", {
          displayName: "X",
          extra: [{ source: "vcard", name: "X-A", value: "v", params: { $gt: ["a"] } }],
        }),
        400,
      );
      expectError(await putContact("op", { displayName: "X", "emails.0.address": "a@example.com" }), 400);
      expectError(
        await t
          .http()
          .post(`/api/books/${book}/batch`)
          .set(me.auth)
          .send({ ops: [{ op: "delete", uid: OPERATOR }] }),
        400,
      );
      expectError(
        await t
          .http()
          .post(`/api/books/${book}/batch`)
          .set(me.auth)
          .send({ ops: [{ op: "put", uid: "x", ifMatch: OPERATOR, contact: {} }] }),
        400,
      );
    });

    it("refuses operators as login username or password with 400, and never signs in", async () => {
      for (const body of [
        { username: OPERATOR, password: OPERATOR },
        { username: "alice", password: OPERATOR },
        { username: OPERATOR, password: me.password },
        { username: { $ne: null }, password: { $ne: null } },
      ]) {
        const res = await t.http().post("/api/auth/login").send(body);
        expectError(res, 400);
        assert.equal(res.body.token, undefined);
      }
    });

    it("refuses bracketed operator keys and repeated keys in query strings with 400", async () => {
      for (const query of ["since[$gt]=x", "limit[$ne]=1", "since[$ne]=", "since=a&since=b", "limit=1&limit=2"]) {
        expectError(await t.http().get(`/api/books/${book}/changes?${query}`).set(me.auth), 400);
      }
      for (const query of ["cursor[$gt]=", "limit[$ne]=1", "cursor=a&cursor=b"]) {
        expectError(await t.http().get(`/api/books/${book}/contacts?${query}`).set(me.auth), 400);
      }
    });

    it("treats operator-looking path parameters as plain names: 400 or 404, never data", async () => {
      const op = encodeURIComponent(JSON.stringify(OPERATOR));
      const dollar = encodeURIComponent("$gt");
      for (const path of [
        `/api/books/${op}/contacts`,
        `/api/books/${dollar}/changes`,
        `/api/books/${op}/contacts/x`,
        `/api/books/${book}/contacts/${op}`,
        `/api/books/${book}/contacts/${dollar}`,
        `/api/books/${book}/contacts/${op}/photo`,
        `/api/sync-state/${op}/pair`,
        `/api/sync-state/dev/${dollar}`,
      ]) {
        expectError(await t.http().get(path).set(me.auth), [400, 404]);
      }
      expectError(await t.http().delete(`/api/books/${book}/contacts/${op}`).set(me.auth), 404);
      expectError(await t.http().put(`/api/books/${op}/contacts/x`).set(me.auth).send({ displayName: "X" }), 404);
      expectError(await t.http().put(`/api/books/${book}/shares/${op}`).set(me.auth).send({ access: "read" }), 400);
      expectError(await t.http().delete(`/api/books/${book}/shares/${dollar}`).set(me.auth), 400);
      expectError(await t.http().patch(`/api/admin/users/${op}`).set(root.auth).send({ admin: true }), 400);
      expectError(await t.http().patch(`/api/admin/lists/${op}`).set(root.auth).send({ name: "X" }), [400, 404]);
      expectError(await t.http().delete(`/api/admin/lists/${dollar}`).set(root.auth), [400, 404]);
    });

    it("refuses operator-looking Basic credentials with 401", async () => {
      const basic = Buffer.from(`${JSON.stringify(OPERATOR)}:${JSON.stringify(OPERATOR)}`).toString("base64");
      expectError(await t.http().get("/api/books").set("Authorization", `Basic ${basic}`), 401);
    });
  });

  describe("afterwards", () => {
    it("wrote nothing for any rejected request: the book's feed and the users are as before", async () => {
      const feed = await t.http().get(`/api/books/${book}/changes?since=${emptyToken}`).set(me.auth).expect(200);
      assert.deepEqual(feed.body.changes, []);
      const listed = await t.http().get(`/api/books/${book}/contacts`).set(me.auth).expect(200);
      assert.deepEqual(listed.body.contacts, []);
      const users = (await t.http().get("/api/admin/users").set(root.auth).expect(200)).body.users;
      assert.deepEqual(
        users.map((u: { username: string; admin: boolean }) => `${u.username}:${u.admin}`),
        ["alice:false", "root:true"],
      );
      assert.deepEqual((await t.http().get("/api/admin/lists").set(root.auth).expect(200)).body.lists, []);
      const shares = await t.http().get(`/api/books/${book}/shares`).set(me.auth).expect(200);
      assert.deepEqual(shares.body.shares, []);
    });
  });
});
