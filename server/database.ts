// The database the server and the admin CLI use: MONGODB_URI when set, else the
// embedded FerretDB in DATA_DIR/ferretdb. A running server records the embedded
// database's address in DATA_DIR/ferretdb.uri, so the admin CLI joins it rather
// than starting a second FerretDB on the same files. DATA_DIR holds the database,
// the JWT secret and the TLS key: it is made 0700 and its files 0600.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mongo } from "mongoose";
import type { Config } from "./config";
import { startFerretDb } from "./db/ferretdb";
import { connectDatabase } from "./db/models";

/** Creates DATA_DIR, or takes back the permissions of one an older version left readable to all. */
export function makeDataDirPrivate(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600);
  }
}

export async function openDatabase(config: Config, log: (msg: string) => void, opts: { joinRunning?: boolean } = {}) {
  makeDataDirPrivate(config.dataDir);
  if (config.mongodbUri) return { ...(await connectDatabase(config.mongodbUri)), stop: async () => {} };
  const uriFile = join(config.dataDir, "ferretdb.uri");
  if (opts.joinRunning && existsSync(uriFile)) {
    const uri = readFileSync(uriFile, "utf8").trim();
    if (await answers(uri)) return { ...(await connectDatabase(uri)), stop: async () => {} };
  }
  const embedded = await startFerretDb(join(config.dataDir, "ferretdb"), log);
  writeFileSync(uriFile, embedded.uri, { mode: 0o600 });
  const db = await connectDatabase(embedded.uri);
  return {
    ...db,
    stop: async () => {
      rmSync(uriFile, { force: true });
      await embedded.stop();
    },
  };
}

async function answers(uri: string): Promise<boolean> {
  const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1500 });
  try {
    await client.connect();
    await client.db("admin").command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}
