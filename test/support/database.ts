import { randomUUID } from "node:crypto";
import { startFerretDb } from "../../server/db/ferretdb";
import { connectDatabase } from "../../server/db/models";
import { scratchDir } from "./scratch-dir";

let started: Promise<string> | undefined;

export function testDatabaseUri(): Promise<string> {
  if (process.env.TEST_MONGODB_URI) return Promise.resolve(process.env.TEST_MONGODB_URI);
  started ??= startFerretDb(scratchDir("concord-test-")).then((db) => db.uri);
  return started;
}

/** A connection to a database no other test uses. */
export async function freshDatabase() {
  const uri = await testDatabaseUri();
  const db = await connectDatabase(uri, `t${randomUUID().replace(/-/g, "").slice(0, 16)}`);
  return { ...db, close: () => db.connection.close() };
}
