// Every setting comes from the environment; README's configuration table lists them.
import type { QuotaLimits } from "./store/quotas";
import { z } from "zod";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3443),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  MONGODB_URI: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  JWT_SECRET: z.string().min(32).optional(),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  /** Deprecated: the access token lifetime before ACCESS_TOKEN_MINUTES (used when that is not set). */
  TOKEN_TTL_HOURS: z.coerce.number().positive().optional(),
  TOMBSTONE_RETENTION_DAYS: z.coerce.number().positive().default(90),
  AUDIT_RETENTION_DAYS: z.coerce.number().positive().default(365),
  QUOTA_BOOKS: z.coerce.number().int().positive().default(50),
  QUOTA_DEVICES: z.coerce.number().int().positive().default(20),
  QUOTA_SYNC_STATE_MIB: z.coerce.number().positive().default(256),
  ADDIN_BASE_URL: z
    .string()
    .url()
    .refine((u) => u.startsWith("https://"), "Office loads add-ins over https only")
    .optional(),
  // The manifest's <Version>: Office's four-part number; raise it for each add-in release.
  ADDIN_VERSION: z
    .string()
    .regex(/^\d{1,5}(\.\d{1,5}){0,3}$/, "use a version such as 1.2.0.0")
    .optional(),
  // Names and addresses for the generated certificate and the Host headers accepted, comma-separated.
  TLS_HOSTNAMES: z.string().optional(),
  // The Entra ID app (client) id the task pane signs in to Microsoft Graph with (nested app authentication).
  GRAPH_CLIENT_ID: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "use the app's client id, a GUID")
    .optional(),
  TRUST_PROXY: z.string().default(""),
  // Largest contact accepted, in bytes of JSON without its photo (413 beyond).
  // At most 8 MiB: a contact is one database document, and MongoDB's limit is 16 MiB.
  MAX_CONTACT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(8 * 1024 * 1024)
    .default(262144),
  CACHE_MAX_CONTACTS: z.coerce.number().int().min(0).default(200_000),
  // One photo's bytes (core/contact/limits.ts says why).
  MAX_PHOTO_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(8 * 1024 * 1024)
    .default(1024 * 1024),
  QUOTA_CONTACTS: z.coerce.number().int().positive().default(100_000),
  QUOTA_PHOTO_MIB: z.coerce.number().positive().default(256),
  // Largest import upload, in bytes, and most records one import takes (413 beyond either).
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).default(200_000),
  ACCESS_TOKEN_MINUTES: z.coerce.number().positive().optional(),
  SESSION_DAYS: z.coerce.number().positive().default(90),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  mongodbUri?: string;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  adminPassword?: string;
  jwtSecret?: string;
  tls?: { certFile: string; keyFile: string };
  /** Lifetime of an access token (a JWT); a device gets the next one with its refresh token. */
  tokenTtlSeconds: number;
  tombstoneRetentionMs: number;
  auditRetentionMs: number;
  quotas: QuotaLimits;
  addinBaseUrl?: string;
  addinVersion?: string;
  /** TLS_HOSTNAMES; unset: localhost, this machine's host name and its LAN addresses (see tls.ts). */
  tlsHostnames?: string[];
  graphClientId?: string;
  /** Largest batch body accepted, in bytes (other bodies: one contact at the caps, http/json-body.ts). */
  maxBodyBytes: number;
  /** Login attempts allowed per username and client address in one window. */
  loginAttemptsPerWindow: number;
  loginWindowMs: number;
  /** Proxies whose X-Forwarded-For names the client (addresses, CIDRs or express names such as "loopback"). */
  trustProxy: string[];
  /** Password checks of unverified credentials allowed per 10 s across all callers: bounds bcrypt's CPU. */
  loginChecksPer10s: number;
  /** MAX_CONTACT_BYTES: one contact's JSON without its photo. */
  maxContactBytes: number;
  /** Most contact versions each instance caches for full reads and search (least recently used books go first). */
  cacheMaxContacts: number;
  /** MAX_PHOTO_BYTES: a contact photo's bytes; larger ones answer 413. */
  maxPhotoBytes: number;
  /** IMPORT_MAX_BYTES: the largest import upload. */
  importMaxBytes: number;
  /** IMPORT_MAX_ROWS: the most records one import takes. */
  importMaxRows: number;
  /** How long a device stays signed in without refreshing; every refresh starts it again. */
  sessionLifetimeMs: number;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Bad configuration: ${problems}`);
  }
  const e = parsed.data;
  if (Boolean(e.TLS_CERT) !== Boolean(e.TLS_KEY))
    throw new Error("Bad configuration: set both TLS_CERT and TLS_KEY, or neither");
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    mongodbUri: e.MONGODB_URI || undefined,
    logLevel: e.LOG_LEVEL,
    adminPassword: e.ADMIN_PASSWORD,
    jwtSecret: e.JWT_SECRET,
    tls: e.TLS_CERT && e.TLS_KEY ? { certFile: e.TLS_CERT, keyFile: e.TLS_KEY } : undefined,
    tokenTtlSeconds: Math.round(
      e.ACCESS_TOKEN_MINUTES ? e.ACCESS_TOKEN_MINUTES * 60 : e.TOKEN_TTL_HOURS ? e.TOKEN_TTL_HOURS * 3600 : 15 * 60,
    ),
    tombstoneRetentionMs: e.TOMBSTONE_RETENTION_DAYS * 86_400_000,
    auditRetentionMs: e.AUDIT_RETENTION_DAYS * 86_400_000,
    quotas: {
      books: e.QUOTA_BOOKS,
      devices: e.QUOTA_DEVICES,
      syncStateBytes: e.QUOTA_SYNC_STATE_MIB * 1024 * 1024,
      contacts: e.QUOTA_CONTACTS,
      photoBytes: e.QUOTA_PHOTO_MIB * 1024 * 1024,
    },
    addinBaseUrl: e.ADDIN_BASE_URL,
    addinVersion: e.ADDIN_VERSION,
    tlsHostnames: e.TLS_HOSTNAMES?.split(",")
      .map((n) => n.trim())
      .filter(Boolean),
    graphClientId: e.GRAPH_CLIENT_ID,
    maxBodyBytes: 16 * 1024 * 1024,
    loginAttemptsPerWindow: 10,
    loginWindowMs: 5 * 60_000,
    trustProxy: e.TRUST_PROXY.split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    loginChecksPer10s: 10,
    maxContactBytes: e.MAX_CONTACT_BYTES,
    cacheMaxContacts: e.CACHE_MAX_CONTACTS,
    maxPhotoBytes: e.MAX_PHOTO_BYTES,
    importMaxBytes: e.IMPORT_MAX_BYTES,
    importMaxRows: e.IMPORT_MAX_ROWS,
    sessionLifetimeMs: e.SESSION_DAYS * 86_400_000,
  };
}
