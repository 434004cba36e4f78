// Builds AppDeps from a connected database: shared by main.ts, the admin CLI and tests.
import pino, { type Logger } from "pino";
import type { AppDeps } from "./app-deps";
import type { Config } from "./config";
import type { Connection } from "mongoose";
import type { Models } from "./db/models";
import { createAccounts } from "./store/accounts";
import { createBooks } from "./store/books";
import { createContactStore } from "./store/contact-store";
import { createSyncStates } from "./store/sync-states";
import { createPairClaims } from "./store/pair-claims";
import { createLoginLimiter } from "./auth/login-limiter";
import { jwtSecret } from "./store/settings";

export async function wire(opts: { config: Config; models: Models; connection: Connection; clock?: () => Date; logger?: Logger; addinDir?: string }): Promise<AppDeps> {
  const clock = opts.clock ?? (() => new Date());
  const logger = opts.logger ?? pino({ level: opts.config.logLevel });
  const store = createContactStore({ models: opts.models, clock });
  const books = createBooks(opts.models, store);
  const accounts = createAccounts(opts.models, store, books, clock);
  await books.ensureSystemBooks();
  return {
    config: opts.config,
    models: opts.models,
    store,
    books,
    accounts,
    syncStates: createSyncStates(opts.models, clock),
    pairClaims: createPairClaims(opts.models, clock),
    limiter: createLoginLimiter(opts.models, clock, opts.config.loginAttemptsPerWindow, opts.config.loginWindowMs, {
      globalPerWindow: opts.config.loginChecksPer10s,
    }),
    clock,
    logger,
    jwtSecret: await jwtSecret(opts.models, opts.config.jwtSecret, opts.config.dataDir),
    ping: async () => void (await opts.connection.db!.admin().ping()),
    addinDir: opts.addinDir,
  };
}
