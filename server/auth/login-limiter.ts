// Sign-ins are limited before any password is hashed, in three budgets, each a set of slots
// in the database (server/store/login-attempts.ts):
// - per user name: `limit` failed attempts per window, from any address (guessing one password);
// - per client address: twice that, for any user names (one password tried against many users);
// - globally: a small number of password checks per few seconds, which bounds the CPU all
//   unauthenticated callers together can spend on bcrypt.
// An attempt takes a slot in each before its password is checked, gives them back when the
// password was right, and keeps them when it was wrong: so correct credentials never count,
// and at most the budget is checked even when many guesses arrive at once. A user or address
// whose budget is used up is refused with 429 even for the right password, until the window ends.
import { HttpError } from "../http/errors";
import type { LoginAttempts } from "../store/login-attempts";
import { createCredentialCache } from "./credential-cache";

const GLOBAL_WINDOW_MS = 10_000;

/** perAddress: failed attempts per address and window; globalPerWindow: password checks per 10 s, all callers. */
export type LimiterOptions = { perAddress?: number; globalPerWindow?: number };

/** `attempts`: the slots in the database (store/login-attempts.ts), built by server/wiring.ts. */
export function createLoginLimiter(
  attempts: LoginAttempts,
  clock: () => Date,
  limit: number,
  windowMs: number,
  options: LimiterOptions = {},
) {
  const perAddress = options.perAddress ?? limit * 2;
  const globalPerWindow = options.globalPerWindow ?? 10;
  const windowOf = () => Math.floor(clock().getTime() / windowMs);
  const budgets = (username: string, address: string) =>
    [
      [`addr|${address}`, perAddress],
      [`user|${username}`, limit],
    ] as const;
  // Where this process starts looking for a free global slot: it would otherwise retry every taken one.
  let globalHint = { key: "", next: 1 };
  let forgotten = -1;

  function tooMany(endsAtMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil((endsAtMs - clock().getTime()) / 1000));
    return new HttpError(429, "too-many-attempts", "Too many failed sign-ins; wait and try again", {
      retryAfterSeconds,
    });
  }

  const globalKey = () => `global@${Math.floor(clock().getTime() / GLOBAL_WINDOW_MS)}`;
  const globalWindowEnd = () => (Math.floor(clock().getTime() / GLOBAL_WINDOW_MS) + 1) * GLOBAL_WINDOW_MS;

  /**
   * Refuses, without hashing or writing anything, a user name or address whose failed attempts
   * used up its budget. Slots are taken lowest first, so the last one taken means the budget is
   * (nearly always) used up.
   */
  async function check(username: string, address: string): Promise<void> {
    const window = windowOf();
    const full = await Promise.all(budgets(username, address).map(([key, max]) => attempts.isTaken(window, key, max)));
    if (full.some(Boolean)) throw tooMany((window + 1) * windowMs);
  }

  async function takeGlobalSlot(window: number): Promise<string | undefined> {
    const key = globalKey();
    if (globalHint.key !== key) globalHint = { key, next: 1 };
    const slot = await attempts.takeSlot(window, key, globalPerWindow, globalHint.next);
    if (slot) globalHint.next = Number(slot.slice(slot.lastIndexOf("|") + 1)) + 1;
    return slot;
  }

  /** Takes a slot in every budget for one password check, or refuses with 429 when one is used up. */
  async function begin(username: string, address: string): Promise<{ succeeded(): Promise<void> }> {
    const window = windowOf();
    // The global slot first: once this process saw the budget used up, refusing costs no database call.
    const global = await takeGlobalSlot(window);
    if (!global) throw tooMany(globalWindowEnd());
    const taken = [global];
    const giveBack = async () => {
      await attempts.release(taken);
      if (globalHint.key === global.split("|")[1]) globalHint.next = 1; // the freed slot may be reused
    };
    for (const [key, max] of budgets(username, address)) {
      const slot = await attempts.takeSlot(window, key, max);
      if (!slot) {
        await giveBack();
        throw tooMany((window + 1) * windowMs);
      }
      taken.push(slot);
    }
    return {
      async succeeded() {
        await giveBack();
        if (forgotten < window) {
          forgotten = window;
          await attempts.forgetBefore(window - 1);
        }
      },
    };
  }

  return { check, begin, verified: createCredentialCache(clock) };
}
