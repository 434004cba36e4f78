// REST's table from store error kinds to answers: today's statuses and codes stay as they were.
import assert from "node:assert/strict";
import express from "express";
import pino from "pino";
import request from "supertest";
import { errorHandler } from "../../server/http/error-handler";
import { storeError, type StoreErrorKind } from "../../server/store/errors";

function appThrowing(err: Error) {
  const app = express();
  app.get("/x", (_req, _res, next) => next(err));
  app.use(errorHandler(pino({ level: "silent" })));
  return request(app);
}

describe("REST answers to store errors", () => {
  const table: [StoreErrorKind, number, string][] = [
    ["not-found", 404, "not-found"],
    ["busy", 503, "busy"],
    ["token-expired", 410, "sync-token-expired"],
    ["read-only", 403, "forbidden"],
    ["forbidden", 403, "forbidden"],
    ["precondition-failed", 412, "precondition-failed"],
    ["too-large", 413, "payload-too-large"],
    ["owned-by-source", 409, "owned-by-source"],
    ["conflict", 409, "conflict"],
    ["invalid", 400, "bad-request"],
    ["quota-exceeded", 413, "quota-exceeded"],
  ];
  for (const [kind, status, code] of table) {
    it(`answers a ${kind} store error with ${status} ${code} and the store's message`, async () => {
      const res = await appThrowing(storeError(kind, `the ${kind} message`)).get("/x");
      assert.equal(res.status, status);
      assert.deepEqual(res.body, { error: { code, message: `the ${kind} message` } });
    });
  }

  it("tells a client answered busy when to retry", async () => {
    const res = await appThrowing(storeError("busy", "busy")).get("/x").expect(503);
    assert.ok(Number(res.headers["retry-after"]) > 0);
  });

  it("answers a retryable quota error with 429", async () => {
    await appThrowing(storeError("quota-exceeded", "slow down", { retryable: true }))
      .get("/x")
      .expect(429);
  });

  it("answers a pair claimed by another holder with 409 pair-busy, as the add-in expects", async () => {
    const res = await appThrowing(storeError("conflict", "held", { claim: "pair" }))
      .get("/x")
      .expect(409);
    assert.equal(res.body.error.code, "pair-busy");
  });

  it("names the owning source of a contact in a 409 owned-by-source answer", async () => {
    const res = await appThrowing(storeError("owned-by-source", "owned by ldap-hq", { source: "ldap-hq" })).get("/x");
    assert.equal(res.status, 409);
    assert.deepEqual(res.body.error.details, { source: "ldap-hq" });
  });

  it("keeps field-level details of invalid input in REST's [{field, message}] shape", async () => {
    const fields = [{ field: "contact.photo.data", message: "not base64" }];
    const res = await appThrowing(storeError("invalid", "bad photo", { fields }))
      .get("/x")
      .expect(400);
    assert.deepEqual(res.body.error.details, fields);
  });
});
