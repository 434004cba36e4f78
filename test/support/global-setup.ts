// Mocha global setup: build the embedded FerretDB before any test starts. A cold Go build takes
// over a minute, longer than one test's timeout, so it must not happen inside the first test that
// happens to need the database.
import { ensureFerretDbBinary } from "../../server/db/ferretdb";

export function mochaGlobalSetup(): void {
  if (process.env.TEST_MONGODB_URI) return;
  ensureFerretDbBinary((message) => console.log(`  (${message})`));
}
