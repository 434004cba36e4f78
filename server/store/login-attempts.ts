// Sign-in attempt slots, kept in the database so every instance shares them. A slot is one
// document, taken by inserting it under a unique _id (`window|key|n`), the one write that is
// atomic on FerretDB as on MongoDB; every lookup here is by a lone _id, the only indexed filter.
import { isDuplicateKey } from "../db/duplicate-key";
import type { Models } from "../db/models";

const slotId = (window: number, key: string, slot: number) => `${window}|${key}|${slot}`;

export function createLoginAttempts(models: Models) {
  const { LoginAttempt } = models;

  /** Whether slot `slot` of `key` is taken in `window`. */
  const isTaken = async (window: number, key: string, slot: number) =>
    Boolean(await LoginAttempt.exists({ _id: slotId(window, key, slot) }));

  /** Takes the lowest free slot from `from` to `limit`; undefined when all are taken. */
  async function takeSlot(window: number, key: string, limit: number, from = 1): Promise<string | undefined> {
    for (let slot = from; slot <= limit; slot++) {
      const _id = slotId(window, key, slot);
      try {
        await LoginAttempt.create({ _id, window, key });
        return _id;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return undefined;
  }

  const release = async (ids: string[]) => void (await Promise.all(ids.map((_id) => LoginAttempt.deleteOne({ _id }))));

  /** Forgets the slots of windows before `window` (a scan: call it rarely). */
  const forgetBefore = async (window: number) => void (await LoginAttempt.deleteMany({ window: { $lt: window } }));

  return { isTaken, takeSlot, release, forgetBefore };
}

/** The sign-in budgets' slots, as the login limiter (server/auth) uses them. */
export type LoginAttempts = ReturnType<typeof createLoginAttempts>;
