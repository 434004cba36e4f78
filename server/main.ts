// Starts Concord: the database (MONGODB_URI, or the embedded FerretDB), the
// first admin, HTTPS on PORT, and a graceful stop on SIGTERM.
import { createServer } from "node:https";
import type { Server } from "node:net";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { configFromEnv } from "./config";
import { openDatabase } from "./database";
import { createApp, defaultAddinDir } from "./app";
import { tlsCredentials, withPlainHttpNotice } from "./tls";
import { wire } from "./wiring";
import { boundHeapGrowth } from "./heap";
import { startImportResumer } from "./imports";
import { MAINTENANCE_INTERVAL_MS, maintainBooks } from "./maintenance";
import { fromRoot } from "./paths";
import { newestMtime } from "../tools/newest-mtime.mjs";

async function main() {
  boundHeapGrowth();
  const config = configFromEnv();
  const logger = pino({ level: config.logLevel });
  const log = (msg: string) => logger.info(msg);

  buildAddin(log);
  const db = await openDatabase(config, log);
  const deps = await wire({
    config,
    models: db.models,
    connection: db.connection,
    logger,
    addinDir: defaultAddinDir(),
  });
  await ensureFirstAdmin(deps.accounts, config.adminPassword);
  // Import jobs a stopped instance left running are carried on here once their lease runs out.
  const stopResumer = startImportResumer(deps);

  const purge = setInterval(
    // Each job's failure is logged and recorded for the status page (server/maintenance.ts).
    () => void maintainBooks(deps).catch((err) => logger.error({ err }, "book maintenance failed")),
    MAINTENANCE_INTERVAL_MS,
  );
  purge.unref();

  const server = createServer(await tlsCredentials(config, log), createApp(deps));
  server.requestTimeout = 120_000;
  const { front, close } = withPlainHttpNotice(server);
  try {
    await listen(front, config.port, config.host);
  } catch (err) {
    clearInterval(purge);
    await db.connection.close();
    await db.stop();
    throw err;
  }
  const { port } = front.address() as { port: number };
  logger.info({ port }, `Concord listening on https://localhost:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing requests in flight");
    clearInterval(purge);
    stopResumer();
    await close();
    await db.connection.close();
    await db.stop();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  stopWithNpm(() => void stop("npm exited"));
}

/** Listens, or fails with a sentence an operator can act on (a second instance, a privileged port). */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") reject(new Error(`port ${port} is in use`));
      else if (err.code === "EACCES")
        reject(new Error(`port ${port} needs privileges this user does not have; choose a PORT above 1023`));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
}

/** `npm start` runs its script under `sh -c`; the script `exec`s node, so npm's forwarded SIGTERM
 *  and SIGINT reach us. Should npm die without forwarding (SIGKILL, or a shell that stays in
 *  between), we are left orphaned: then we stop as if signalled rather than run on unsupervised. */
function stopWithNpm(stop: () => void) {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop(), 250).unref();
}

/** `npm start` serves the production build of the task pane; build it when missing or older than its sources. */
function buildAddin(log: (msg: string) => void) {
  if (process.env.CONCORD_SKIP_ADDIN_BUILD === "1") return; // tests of the server alone
  const built = join(defaultAddinDir(), "taskpane.html");
  const sources = ["addin", "core", "manifest.xml", "webpack.config.js"].map((p) => fromRoot(p));
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(sources)) return;
  log("building the add-in with webpack (first start and after an upgrade only; about 80 s)");
  const result = spawnSync("npx", ["webpack", "--mode", "production", "--progress"], {
    stdio: "inherit",
    cwd: fromRoot(),
  });
  if (result.status !== 0) throw new Error("Building the add-in failed; see the webpack output above");
}

async function ensureFirstAdmin(accounts: Awaited<ReturnType<typeof wire>>["accounts"], password: string | undefined) {
  if ((await accounts.listUsers()).length > 0) return;
  const chosen = password ?? randomBytes(12).toString("base64url");
  try {
    await accounts.createUser({ username: "admin", password: chosen, displayName: "Administrator", admin: true });
  } catch (err) {
    if ((err as { status?: number }).status === 409) return; // another instance created it
    throw err;
  }
  // Printed once, to the console only: the operator must change or note it.
  if (!password)
    process.stdout.write(
      `\n  First start: created user "admin" with password ${chosen}\n  Change it with: npm run admin -- passwd admin\n\n`,
    );
}

main().catch((err) => {
  process.stderr.write(`Concord could not start: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
