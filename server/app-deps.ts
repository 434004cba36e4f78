import type { Logger } from "pino";
import type { Config } from "./config";
import type { Models } from "./db/models";
import type { Accounts } from "./store/accounts";
import type { Books } from "./store/books";
import type { ContactStore } from "./store/contact-store";
import type { createLoginLimiter } from "./auth/login-limiter";
import type { createSyncStates } from "./store/sync-states";
import type { createPairClaims } from "./store/pair-claims";

/** Everything createApp needs, built by main.ts (or a test) from a connected database. */
export type AppDeps = {
  config: Config;
  models: Models;
  store: ContactStore;
  books: Books;
  accounts: Accounts;
  syncStates: ReturnType<typeof createSyncStates>;
  pairClaims: ReturnType<typeof createPairClaims>;
  limiter: ReturnType<typeof createLoginLimiter>;
  clock: () => Date;
  logger: Logger;
  jwtSecret: string;
  /** Resolves when the database answers; used by /healthz. */
  ping: () => Promise<void>;
  /** The built add-in, when there is one to serve. */
  addinDir?: string;
};
