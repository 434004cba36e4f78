// HTTP Basic remembers a verified password briefly (server/auth/credential-cache.ts) so that each
// request of a script or protocol client does not cost a full bcrypt: bounded, keyed by a hash,
// and forgotten when the password, the token version or the user's state changes.
import assert from "node:assert/strict";
import { createCredentialCache } from "../../server/auth/credential-cache";

const user = (over: Partial<{ passwordHash: string; tokenVersion: number; disabled: boolean }> = {}) => ({
  _id: "uma",
  passwordHash: "$2b$10$hash-one",
  tokenVersion: 0,
  disabled: false,
  ...over,
});

describe("remembered Basic credentials", () => {
  let now = Date.UTC(2030, 0, 1);
  const clock = () => new Date(now);

  it("keys an entry by a keyed hash of name and password, never the password itself", () => {
    const cache = createCredentialCache(clock);
    const key = cache.keyOf("uma", "correct horse battery");
    assert.ok(!key.includes("correct") && !key.includes("uma"));
    assert.match(key, /^[A-Za-z0-9_-]{43}$/, "a SHA-256 HMAC, base64url");
    assert.notEqual(cache.keyOf("uma", "correct horse batterY"), key);
    assert.notEqual(cache.keyOf("um", "acorrect horse battery"), key, "name and password are kept apart");
    assert.notEqual(createCredentialCache(clock).keyOf("uma", "correct horse battery"), key, "per-process key");
  });

  it("holds at most maxEntries, dropping the oldest first", () => {
    const cache = createCredentialCache(clock, { maxEntries: 3 });
    const keys = ["a", "b", "c", "d", "e"].map((p) => cache.keyOf("uma", p));
    for (const key of keys) cache.remember(key, user());
    assert.equal(cache.size(), 3);
    assert.deepEqual(
      keys.map((k) => cache.has(k)),
      [false, false, true, true, true],
    );
  });

  it("forgets an entry once its time is up", () => {
    const cache = createCredentialCache(clock, { ttlMs: 60_000 });
    const key = cache.keyOf("uma", "pw");
    cache.remember(key, user());
    assert.equal(cache.stillValid(key, user()), true);
    now += 60_001;
    assert.equal(cache.stillValid(key, user()), false);
    assert.equal(cache.has(key), false);
  });

  it("drops an entry when the password changed, the token version moved on, or the user was disabled or deleted", () => {
    const changes = [
      user({ passwordHash: "$2b$10$hash-two" }),
      user({ tokenVersion: 1 }),
      user({ disabled: true }),
      null,
      { ...user(), _id: "someone-else" },
    ];
    for (const current of changes) {
      const cache = createCredentialCache(clock);
      const key = cache.keyOf("uma", "pw");
      cache.remember(key, user());
      assert.equal(cache.stillValid(key, current), false, JSON.stringify(current));
      assert.equal(cache.has(key), false, "and it is gone");
    }
  });

  it("checks identical credentials arriving together once", async () => {
    const cache = createCredentialCache(clock);
    let checks = 0;
    const check = async () => {
      checks++;
      await new Promise((r) => setTimeout(r, 10));
      return user();
    };
    const key = cache.keyOf("uma", "pw");
    await Promise.all([cache.once(key, check), cache.once(key, check), cache.once(key, check)]);
    assert.equal(checks, 1);
    await cache.once(key, check);
    assert.equal(checks, 2, "a later check runs again");
  });
});
