// A real app over the real embedded database, for HTTP-level tests with supertest.
import pino from "pino";
import request from "supertest";
import { configFromEnv, type Config } from "../../server/config";
import { createApp } from "../../server/app";
import { wire } from "../../server/wiring";
import { freshDatabase } from "./database";

/** `config` overrides settings the environment cannot reach, such as maxBodyBytes. */
export async function testApp(overrides: { env?: Record<string, string>; config?: Partial<Config> } = {}) {
  const db = await freshDatabase();
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const config: Config = {
    ...configFromEnv({
      DATA_DIR: "/nonexistent",
      JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-xx",
      ...overrides.env,
    }),
    ...overrides.config,
  };
  const deps = await wire({
    config,
    models: db.models,
    connection: db.connection,
    clock,
    logger: pino({ level: "silent" }),
  });
  const app = createApp(deps);
  const http = () => request(app);

  async function login(username: string, password: string): Promise<string> {
    const res = await http().post("/api/auth/login").send({ username, password }).expect(200);
    return res.body.token;
  }

  /** Creates a user through the admin API's own code path and returns a bearer token for them. */
  async function user(username: string, opts: { admin?: boolean; password?: string } = {}) {
    const password = opts.password ?? `pw-${username}-123456`;
    const created = await deps.accounts.createUser({
      username,
      password,
      admin: opts.admin ?? false,
      displayName: username.toUpperCase(),
    });
    const token = await login(username, password);
    return { username, password, token, primaryBook: created.primaryBook, auth: { Authorization: `Bearer ${token}` } };
  }

  return {
    app,
    http,
    deps,
    db,
    models: db.models,
    login,
    user,
    advance: (ms: number) => void (offset += ms),
    close: db.close,
  };
}

export type TestApp = Awaited<ReturnType<typeof testApp>>;
