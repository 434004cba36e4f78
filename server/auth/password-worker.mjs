// Runs bcrypt for server/auth/password-pool.ts in a worker thread, so a burst of sign-in
// attempts keeps this thread busy and never the one that answers requests. Plain JavaScript:
// a worker started by URL loads the same way under `tsx` (npm start) and mocha.
import { parentPort, threadId } from "node:worker_threads";
import bcrypt from "bcryptjs";

parentPort.on("message", ({ id, op, password, hash, cost }) => {
  try {
    const result = op === "hash" ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash);
    parentPort.postMessage({ id, result, threadId });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err), threadId });
  }
});
