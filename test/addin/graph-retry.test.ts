import assert from "node:assert/strict";
import { httpRetryDelay, retrying } from "../../addin/outlook/retry";

const answer = (status: number, retryAfter?: string) => ({
  status,
  headers: { get: (name: string) => (name.toLowerCase() === "retry-after" ? (retryAfter ?? null) : null) },
});

describe("retry of throttled Graph calls", () => {
  it("does not retry answers other than 429 and 503", () => {
    assert.equal(httpRetryDelay(answer(500, "5"), 0), undefined);
    assert.equal(httpRetryDelay(answer(200), 0), undefined);
  });

  it("reads Retry-After as seconds, or as an HTTP-date (RFC 9110 §10.2.3)", () => {
    assert.equal(httpRetryDelay(answer(429, "12"), 0), 12_000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const delay = httpRetryDelay(answer(503, inTenSeconds), 0) ?? 0;
    assert.ok(delay > 8_000 && delay <= 10_000, String(delay));
  });

  it("returns the throttled answer rather than wait longer than maxWaitMs", async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await retrying(
      async () => {
        calls++;
        return answer(429, "600");
      },
      httpRetryDelay,
      { maxWaitMs: 60_000, sleep: async (ms) => void sleeps.push(ms) },
    );
    assert.equal(result.status, 429);
    assert.equal(calls, 1);
    assert.deepEqual(sleeps, []);
  });
});
