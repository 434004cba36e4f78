// Every setting comes from the environment; README's configuration table lists them.
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
  ADDIN_BASE_URL: z.string().url().optional(),
  TRUST_PROXY: z.string().default(""),
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
  addinBaseUrl?: string;
  /** Largest JSON body accepted, in bytes; a batch of 1000 contacts fits. */
  maxBodyBytes: number;
  /** Login attempts allowed per username and client address in one window. */
  loginAttemptsPerWindow: number;
  loginWindowMs: number;
  /** Proxies whose X-Forwarded-For names the client (addresses, CIDRs or express names such as "loopback"). */
  trustProxy: string[];
  /** Password checks of unverified credentials allowed per 10 s across all callers: bounds bcrypt's CPU. */
  loginChecksPer10s: number;
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
  if (Boolean(e.TLS_CERT) !== Boolean(e.TLS_KEY)) throw new Error("Bad configuration: set both TLS_CERT and TLS_KEY, or neither");
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    mongodbUri: e.MONGODB_URI || undefined,
    logLevel: e.LOG_LEVEL,
    adminPassword: e.ADMIN_PASSWORD,
    jwtSecret: e.JWT_SECRET,
    tls: e.TLS_CERT && e.TLS_KEY ? { certFile: e.TLS_CERT, keyFile: e.TLS_KEY } : undefined,
    tokenTtlSeconds: Math.round(e.ACCESS_TOKEN_MINUTES ? e.ACCESS_TOKEN_MINUTES * 60 : e.TOKEN_TTL_HOURS ? e.TOKEN_TTL_HOURS * 3600 : 15 * 60),
    tombstoneRetentionMs: e.TOMBSTONE_RETENTION_DAYS * 86_400_000,
    addinBaseUrl: e.ADDIN_BASE_URL,
    maxBodyBytes: 16 * 1024 * 1024,
    loginAttemptsPerWindow: 10,
    loginWindowMs: 5 * 60_000,
    trustProxy: e.TRUST_PROXY.split(",").map((p) => p.trim()).filter(Boolean),
    loginChecksPer10s: 10,
    sessionLifetimeMs: e.SESSION_DAYS * 86_400_000,
  };
}
