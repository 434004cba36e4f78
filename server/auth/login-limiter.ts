// Sign-ins are limited per username and client address in fixed windows: each
// window has `limit` slots. An attempt takes a free slot before the password is
// checked, gives it back when the password was right, and keeps it when it was
// wrong. So at most `limit` guesses are checked per window, even when many
// arrive at once. A slot is taken by inserting its document under a unique _id,
// the one write that is atomic on FerretDB as on MongoDB.
import type { Models } from "../db/models";
import { isDuplicateKey } from "../db/duplicate-key";
import { HttpError } from "../http/errors";

export function createLoginLimiter(models: Models, clock: () => Date, limit: number, windowMs: number) {
  const { LoginAttempt } = models;
  const windowOf = () => Math.floor(clock().getTime() / windowMs);

  async function takeSlot(window: number, key: string): Promise<string | undefined> {
    const taken = new Set((await LoginAttempt.find({ window, key }).lean()).map((d) => d._id));
    for (let slot = 1; slot <= limit; slot++) {
      const _id = `${window}|${key}|${slot}`;
      if (taken.has(_id)) continue;
      try {
        await LoginAttempt.create({ _id, window, key });
        return _id;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return undefined;
  }

  /** Takes a slot for one sign-in attempt, or refuses with 429 when none is free. */
  async function begin(username: string, address: string): Promise<{ succeeded(): Promise<void> }> {
    const window = windowOf();
    const slot = await takeSlot(window, `${username}|${address}`);
    if (!slot) {
      const retryAfterSeconds = Math.ceil(((window + 1) * windowMs - clock().getTime()) / 1000);
      throw new HttpError(429, "too-many-attempts", "Too many failed sign-ins; wait and try again", { retryAfterSeconds });
    }
    return {
      async succeeded() {
        await LoginAttempt.deleteOne({ _id: slot });
        await LoginAttempt.deleteMany({ window: { $lt: window - 1 } });
      },
    };
  }

  return { begin };
}
