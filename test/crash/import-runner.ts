// A process that runs one import job (already committed) for the import crash test, saying
// `chunk k` after each chunk; the test kills it with SIGKILL part-way.
import { connectDatabase } from "../../server/db/models";
import { createImportService } from "../../server/imports/service";
import { createDatabaseStore } from "../../server/store/database-store";

const [uri, dbName, id] = process.argv.slice(2);

async function main() {
  const db = await connectDatabase(uri, dbName);
  const store = await createDatabaseStore(db.models, () => new Date());
  const service = createImportService({
    contacts: store.contacts,
    imports: store.imports,
    photos: store.photos,
    clock: () => new Date(),
    config: { importMaxRows: 100_000 },
    chunkRows: 20,
    leaseMs: 2_000,
    afterChunk: async (_id, k) => void process.stdout.write(`chunk ${k}\n`),
    onError: (err) => process.stdout.write(`fail ${err instanceof Error ? err.message : err}\n`),
  });
  process.stdout.write("ready\n");
  await service.run(id);
  process.stdout.write("finished\n");
}

if (process.argv[1]?.endsWith("import-runner.ts")) {
  main().catch((err) => {
    process.stdout.write(`fail ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}
