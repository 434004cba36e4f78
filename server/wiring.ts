// Builds AppDeps from a connected database: shared by main.ts, the admin CLI and tests.
import pino, { type Logger } from "pino";
import type { AppDeps } from "./app-deps";
import type { Config } from "./config";
import type { Connection } from "mongoose";
import type { Models } from "./db/models";
import { createAccessPolicy } from "./access/policy";
import { createDatabaseStore } from "./store/database-store";
import { createLoginLimiter } from "./auth/login-limiter";
import { createLoginAttempts } from "./store/login-attempts";
import { jwtSecret } from "./store/settings";

export async function wire(opts: {
  config: Config;
  models: Models;
  connection: Connection;
  clock?: () => Date;
  logger?: Logger;
  addinDir?: string;
}): Promise<AppDeps> {
  const clock = opts.clock ?? (() => new Date());
  const logger = opts.logger ?? pino({ level: opts.config.logLevel });
  const store = await createDatabaseStore(
    opts.models,
    clock,
    undefined,
    (err) => logger.error({ err }, "an audit record was not written (the contact write stands)"),
    opts.config.quotas,
    {
      cacheMaxContacts: opts.config.cacheMaxContacts,
      onError: (err) => logger.warn({ err }, "contact cache: a checkpoint failed; reads go on from the log"),
    },
  );
  const { contacts, books, accounts, photos, syncStates, pairClaims, audit, quotas, imports, sessions, activity } =
    store;
  return {
    config: opts.config,
    store: contacts,
    books,
    access: createAccessPolicy(books, accounts),
    accounts,
    audit,
    quotas,
    photos,
    syncStates,
    pairClaims,
    imports,
    sessions,
    activity,
    limiter: createLoginLimiter(
      createLoginAttempts(opts.models),
      clock,
      opts.config.loginAttemptsPerWindow,
      opts.config.loginWindowMs,
      {
        globalPerWindow: opts.config.loginChecksPer10s,
      },
    ),
    clock,
    logger,
    jwtSecret: await jwtSecret(opts.models, opts.config.jwtSecret, opts.config.dataDir),
    ping: async () => void (await opts.connection.db!.admin().ping()),
    addinDir: opts.addinDir,
  };
}
