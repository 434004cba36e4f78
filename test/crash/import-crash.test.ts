// kill -9 of a process running an import job, at seeded points of its commit: after the lease
// runs out, another instance carries the job on and it ends with exactly the file's contacts,
// each once, counted once.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { connectDatabase } from "../../server/db/models";
import { createImportService } from "../../server/imports/service";
import { createDatabaseStore } from "../../server/store/database-store";
import { testDatabaseUri } from "../support/database";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once("exit", () => r()));

const ROWS = 200;
const file = Buffer.from(
  `First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value\r\n${Array.from(
    { length: ROWS },
    (_, i) => `P${i},Crash,* Work,p${i}@crash.test\r\n`,
  ).join("")}`,
);

describe("crash recovery: kill -9 of the process running an import", function () {
  this.timeout(180_000);

  for (const [afterChunks, delayMs] of [
    [1, 0],
    [3, 15],
    [5, 40],
  ]) {
    it(`ends with each record imported once after kill -9 (after chunk ${afterChunks} + ${delayMs} ms)`, async () => {
      const uri = await testDatabaseUri();
      const dbName = `i${randomUUID().replace(/-/g, "").slice(0, 12)}`;
      const db = await connectDatabase(uri, dbName);
      try {
        const store = await createDatabaseStore(db.models, () => new Date());
        const book = (await store.books.createPab("Crash", "ann")).id;
        const service = createImportService({
          contacts: store.contacts,
          imports: store.imports,
          photos: store.photos,
          clock: () => new Date(),
          config: { importMaxRows: 100_000 },
          chunkRows: 20,
          leaseMs: 2_000,
        });
        const { id } = await service.upload({ _id: "ann" }, book, file);
        const cur = (await store.imports.get(id))!;
        assert.ok(await store.imports.update(id, cur.n, { ...cur.job, state: "running", duplicates: "skip" }));

        const child = spawn(process.execPath, ["--import", "tsx", "test/crash/import-runner.ts", uri, dbName, id], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        const lines: string[] = [];
        await new Promise<void>((resolve, reject) => {
          createInterface({ input: child.stdout! }).on("line", (line) => {
            lines.push(line);
            if (line === `chunk ${afterChunks - 1}`) setTimeout(resolve, delayMs);
          });
          child.once("exit", (code) => reject(new Error(`the runner exited (${code}): ${lines.join(" | ")}`)));
        });
        child.kill("SIGKILL");
        await exited(child);
        assert.equal((await store.imports.get(id))!.job.state, "running");

        await sleep(2_500); // the dead runner's lease runs out
        assert.deepEqual(await service.resumeStalled(), [id]);
        let job = (await store.imports.get(id))!.job;
        for (let i = 0; i < 600 && job.state === "running"; i++) {
          await sleep(50);
          job = (await store.imports.get(id))!.job;
        }
        assert.deepEqual(
          [job.state, job.done, job.created, job.skipped, job.errorCount],
          ["done", ROWS, ROWS, 0, 0],
          JSON.stringify(job.errors),
        );
        const { contacts } = await store.contacts.listContacts(book, undefined, 1000);
        assert.equal(contacts.length, ROWS);
        assert.equal(new Set(contacts.map((c) => c.contact.emails[0].address)).size, ROWS);
      } finally {
        await db.connection.close();
      }
    });
  }
});
