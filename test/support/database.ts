// Every test runs against the real embedded database (FerretDB on SQLite), one
// server process for the whole run, in a fresh temporary directory, and a fresh
// database per caller. Set TEST_MONGODB_URI to run the same tests on MongoDB.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { startFerretDb } from "../../server/db/ferretdb";
import { connectDatabase } from "../../server/db/models";

let started: Promise<string> | undefined;

export function testDatabaseUri(): Promise<string> {
  if (process.env.TEST_MONGODB_URI) return Promise.resolve(process.env.TEST_MONGODB_URI);
  started ??= startFerretDb(mkdtempSync(join(tmpdir(), "concord-test-"))).then((db) => db.uri);
  return started;
}

/** A connection to a database no other test uses. */
export async function freshDatabase() {
  const uri = await testDatabaseUri();
  const db = await connectDatabase(uri, `t${randomUUID().replace(/-/g, "").slice(0, 16)}`);
  return { ...db, close: () => db.connection.close() };
}
