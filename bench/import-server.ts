// The server of the import bench (bench/import-bench.ts), in a process of its own: the app as
// server/main.ts wires it, with an admin and an empty PAB, and its heap sampled every 50 ms. The
// bench bundles this file as `npm start` bundles the server (tools/build-server.mjs) and runs it
// as `node --expose-gc dist/bench/import-server.mjs URI DB`. It prints {port, book} once it
// listens; a line "stats" on its stdin answers {peakHeapMB, retainedHeapMB}.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import pino from "pino";
import { createApp } from "../server/app";
import { configFromEnv } from "../server/config";
import { connectDatabase } from "../server/db/models";
import { boundHeapGrowth } from "../server/heap";
import { wire } from "../server/wiring";

const TOTAL = 100_000;
const MB = 1024 * 1024;

async function serve(uri: string, dbName: string) {
  boundHeapGrowth(); // as server/main.ts does
  const db = await connectDatabase(uri, dbName);
  const config = configFromEnv({
    DATA_DIR: "/nonexistent",
    JWT_SECRET: "bench-secret-bench-secret-bench-secret-xx",
    QUOTA_CONTACTS: String(10 * TOTAL),
  });
  const deps = await wire({ config, models: db.models, connection: db.connection, logger: pino({ level: "silent" }) });
  await deps.accounts.createUser({ username: "admin", password: "bench-password", admin: true });
  const { id: book } = await deps.books.createPab("Imported", "admin");
  const server = createServer(createApp(deps));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  let peakHeap = 0;
  const sample = () => void (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  setInterval(sample, 50).unref();
  createInterface({ input: process.stdin }).on("line", (line) => {
    sample();
    if (line !== "stats") return;
    // What stays on the heap after a full collection (the book's contact cache among it).
    (globalThis as { gc?: () => void }).gc?.();
    const retainedHeapMB = process.memoryUsage().heapUsed / MB;
    process.stdout.write(`${JSON.stringify({ peakHeapMB: peakHeap / MB, retainedHeapMB })}\n`);
  });
  await new Promise((r) => setTimeout(r, 600)); // let the embedded FerretDB index the new collections
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port, book })}\n`);
}

serve(process.argv[2], process.argv[3]).catch((err) => {
  console.error(err);
  process.exit(1);
});
