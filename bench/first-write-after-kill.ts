// The first write to a book after its writer was killed (kill -9) mid-batch, against a write to a
// book whose last writer finished cleanly, in one run. The dead writer is the crash suite's store
// process (test/crash/writer.ts): four writers on one book, killed after a few acknowledged batches.
import { type ChildProcess, spawn } from "node:child_process";

import { createInterface } from "node:readline";
import { startFerretDb } from "../server/db/ferretdb";
import { connectDatabase } from "../server/db/models";
import { createContactStore } from "../server/store/contact-store";
import { crashContact, crashUid } from "../test/crash/writer";
import { scratchDir } from "../test/support/scratch-dir";

const WRITERS = 4;
const GROUP = 100;

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once("exit", () => r()));

/** Runs the writer process until `acks` batches were acknowledged, then kills it mid-write. */
async function killMidWrite(uri: string, dbName: string, book: string, acks: number) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/crash/writer.ts", uri, dbName, book, String(WRITERS), String(GROUP)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("ack") && ++acked === acks) resolve();
      if (line.startsWith("err") || line.startsWith("fail")) reject(new Error(line));
    });
    child.once("exit", (code) => reject(new Error(`the writer process exited (${code})`)));
  });
  child.kill("SIGKILL");
  await exited(child);
}

export async function benchFirstWriteAfterKill() {
  const embedded = await startFerretDb(scratchDir("concord-bench-kill-"));
  try {
    const times: { killedMs: number; cleanMs: number }[] = [];
    for (let run = 0; run < 3; run++) {
      const dbName = `kill${run}`;
      const [killed, clean] = ["killed-book", "clean-book"];
      const setup = await connectDatabase(embedded.uri, dbName);
      const seed = createContactStore({ models: setup.models, clock: () => new Date() });
      const all = Array.from({ length: WRITERS * GROUP }, (_, k) => {
        const [w, i] = [Math.floor(k / GROUP), k % GROUP];
        return { op: "put" as const, uid: crashUid(w, i), contact: crashContact(w, i, 0) };
      });
      for (const book of [killed, clean]) {
        await seed.createBook({ id: book, kind: "pab", name: book, owner: null });
        await seed.applyWrites(book, all);
      }
      await setup.connection.close();

      await killMidWrite(embedded.uri, dbName, killed, 3 + run);

      // The restarted instance: a new process would start the same way.
      const conn = await connectDatabase(embedded.uri, dbName);
      try {
        const store = createContactStore({ models: conn.models, clock: () => new Date() });
        const write = async (book: string) => {
          const began = performance.now();
          const [r] = await store.applyWrites(book, [
            { op: "put", uid: crashUid(0, 0), contact: crashContact(0, 0, 1000 + run) },
          ]);
          if (r.status !== "updated") throw new Error(`first write: ${JSON.stringify(r)}`);
          return performance.now() - began;
        };
        await store.getContact(clean, crashUid(0, 0)); // the connection's first round trip, timed by neither
        times.push({ cleanMs: await write(clean), killedMs: await write(killed) });
      } finally {
        await conn.connection.close();
      }
    }
    const worst = Math.max(...times.map((t) => t.killedMs));
    const baseline = Math.max(...times.map((t) => t.cleanMs));
    return {
      name: "first write after kill -9 of the book's writer mid-batch vs after a clean finish",
      target: "<= 5000 ms",
      met: worst <= 5000,
      killedMs: times.map((t) => Math.round(t.killedMs)),
      cleanMs: times.map((t) => Math.round(t.cleanMs)),
      ratio: Number((worst / Math.max(1, baseline)).toFixed(1)),
    };
  } finally {
    await embedded.stop();
  }
}
