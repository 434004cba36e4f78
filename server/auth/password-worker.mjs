// Runs bcrypt for server/auth/password-pool.ts in a worker thread, so a burst of sign-in
// attempts keeps this thread busy and never the one that answers requests. Plain JavaScript:
// a worker started by URL loads the same way under `tsx` (npm start) and mocha.
import { readlinkSync } from "node:fs";
import { constants, setPriority } from "node:os";
import { parentPort, threadId } from "node:worker_threads";
import bcrypt from "bcryptjs";

// On Linux a thread has its own nice value: the lowest priority lets the main thread (and the
// database) run first when cores are scarce, so a flood of guesses slows only other guesses.
try {
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), constants.priority.PRIORITY_LOW);
} catch {
  // not Linux, or not allowed: hashing still runs off the main thread
}

parentPort.on("message", ({ id, op, password, hash, cost }) => {
  try {
    const result = op === "hash" ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash);
    parentPort.postMessage({ id, result, threadId });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err), threadId });
  }
});
