// Password hashing runs off the main thread: a burst of sign-in attempts, each a bcrypt,
// must not stall the thread that answers signed-in users' requests.
import assert from "node:assert/strict";
import { threadId } from "node:worker_threads";
import bcrypt from "bcryptjs";
import { burnPasswordCheck, checkPassword, hashPassword } from "../../server/auth/passwords";
import { runInPool } from "../../server/auth/password-pool";

/** The longest gap between ticks of a 1 ms timer while `work` ran: how long the event loop was blocked. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  return longest;
}

describe("password hashing off the main thread", function () {
  this.timeout(60_000);

  it("hashes and checks passwords in a worker thread, not the main one", async () => {
    const hashed = await runInPool({ op: "hash", password: "correct horse", cost: 4 });
    assert.notEqual(hashed.threadId, threadId);
    const checked = await runInPool({ op: "compare", password: "correct horse", hash: hashed.result as string });
    assert.deepEqual([checked.result, checked.threadId === threadId], [true, false]);
  });

  it("keeps hashPassword, checkPassword and the unknown-user decoy check correct", async () => {
    const hash = await hashPassword("s3cret-password");
    assert.equal(await checkPassword("s3cret-password", hash), true);
    assert.equal(await checkPassword("wrong-password", hash), false);
    assert.equal(await burnPasswordCheck("s3cret-password"), false);
    assert.ok(bcrypt.compareSync("s3cret-password", hash), "still a standard bcrypt hash");
  });

  it("keeps the event loop free while eight password checks run", async () => {
    const hash = await hashPassword("s3cret-password");
    // One check done on this thread is the yardstick: on the main thread, each check
    // blocked the loop for about that long.
    const started = performance.now();
    bcrypt.compareSync("s3cret-password", hash);
    const oneCheckMs = performance.now() - started;
    const stall = await longestStall(() =>
      Promise.all(Array.from({ length: 8 }, () => checkPassword("guess-password", hash))),
    );
    assert.ok(
      stall < oneCheckMs / 2,
      `event loop stalled ${stall.toFixed(1)} ms; one check takes ${oneCheckMs.toFixed(1)} ms`,
    );
  });
});
