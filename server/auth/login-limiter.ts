// Failed logins are counted per username and client address in fixed windows.
// Each failure is its own inserted document, because an $inc is not atomic on
// FerretDB; counting them is a scan of a collection that old windows leave.
import { randomUUID } from "node:crypto";
import type { Models } from "../db/models";
import { HttpError } from "../http/errors";

export function createLoginLimiter(models: Models, clock: () => Date, limit: number, windowMs: number) {
  const { LoginAttempt } = models;
  const windowOf = () => Math.floor(clock().getTime() / windowMs);
  const keyOf = (username: string, address: string) => `${username}|${address}`;

  async function check(username: string, address: string) {
    const window = windowOf();
    const failures = await LoginAttempt.countDocuments({ window, key: keyOf(username, address) });
    if (failures < limit) return;
    const retryAfterSeconds = Math.ceil(((window + 1) * windowMs - clock().getTime()) / 1000);
    throw new HttpError(429, "too-many-attempts", "Too many failed sign-ins; wait and try again", { retryAfterSeconds });
  }

  async function recordFailure(username: string, address: string) {
    const window = windowOf();
    await LoginAttempt.create({ _id: randomUUID(), window, key: keyOf(username, address) });
    await LoginAttempt.deleteMany({ window: { $lt: window - 1 } });
  }

  return { check, recordFailure };
}
