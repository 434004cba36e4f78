import type { Logger } from "pino";
import type { AccessPolicy } from "./access/policy";
import type { Config } from "./config";
import type { createLoginLimiter } from "./auth/login-limiter";
import type { ContactStore } from "./store/contact-store";
import type { Activity, Imports, Quotas, Sessions } from "./store/contract";
import type { Accounts, Audit, BookStore, ContactRecovery, PairClaims, Photos, SyncStates } from "./store/contract";

/** Everything createApp needs, built by main.ts (or a test) from a connected database. Routes and
 *  protocols get contract objects (store/contract.ts) and the access policy, never models. */
export type AppDeps = {
  config: Config;
  /** Contacts and their change feeds, with the maintenance passes. */
  store: ContactStore & ContactRecovery;
  books: BookStore;
  access: AccessPolicy;
  accounts: Accounts;
  audit: Audit;
  quotas: Quotas;
  photos: Photos;
  syncStates: SyncStates;
  pairClaims: PairClaims;
  /** Import uploads, jobs and named mappings (server/imports/ runs the jobs). */
  imports: Imports;
  /** Device sessions: refresh tokens, the devices a user is signed in on. */
  sessions: Sessions;
  /** Sync reports, maintenance runs and book sizes for the admin console. */
  activity: Activity;
  limiter: ReturnType<typeof createLoginLimiter>;
  clock: () => Date;
  logger: Logger;
  jwtSecret: string;
  /** Resolves when the database answers; used by /healthz. */
  ping: () => Promise<void>;
  /** The built add-in, when there is one to serve. */
  addinDir?: string;
};
