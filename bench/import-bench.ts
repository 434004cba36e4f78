// `npm run bench -- import`: 100,000 Outlook CSV rows imported into an empty PAB through the API
// (upload, commit, poll until done) against POST /batch of the same contacts, in one run; the
// server's peak memory during the import; and the export of the imported book in rows a second.
// Each server runs in a child process of its own (bench/import-server.ts, bundled as `npm start`
// bundles the server), so its memory is the server's alone: the peak resident size is the
// kernel's (VmHWM in /proc/<pid>/status), the peak heap is sampled in the server every 50 ms.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { createInterface, type Interface } from "node:readline";
import { type Contact, contactSchema } from "../core/contact/contact";
import { exportWriter } from "../core/formats/import";
import { startFerretDb } from "../server/db/ferretdb";
import { scratchDir } from "../test/support/scratch-dir";
import { buildServer } from "../tools/build-server.mjs";

const TOTAL = 100_000;
const MB = 1024 * 1024;

const person = (i: number): Contact =>
  contactSchema.parse({
    uid: `c${i}`,
    displayName: `Person ${i} Example`,
    name: { given: `Person ${i}`, family: "Example" },
    emails: [{ type: "work", address: `person${i}@example.com` }],
    phones: [
      { type: "business", number: `+1 555 ${String(i).padStart(7, "0")}` },
      { type: "mobile", number: `+1 556 ${String(i).padStart(7, "0")}` },
    ],
    company: `Company ${i % 300}`,
    jobTitle: "Engineer",
    addresses: [{ type: "business", street: `${i} Main Street`, city: "Springfield", postalCode: "12345" }],
  });

/** Resident-size figures of a process, from the kernel (Linux). */
function procStatus(pid: number): { rssMB: number; hwmMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { rssMB: kb("VmRSS") / 1024, hwmMB: kb("VmHWM") / 1024 };
}

// ------------------------------------------------------------------ the server, in its own process

type Child = { proc: ChildProcess; lines: Interface; base: string; book: string; auth: string };

const nextLine = (lines: Interface) => new Promise<string>((r) => lines.once("line", r));

/** The environment and Node options package.json's start script runs the server with, as in
 *  `VAR=value exec node --option dist/server/main.mjs`. */
function startCommand(): { env: Record<string, string>; options: string[] } {
  const { scripts } = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } };
  const command = /(?:^|&&)\s*((?:\w+=\S+\s+)*)exec node\s+((?:--\S+\s+)*)dist\/server\/main\.mjs/.exec(scripts.start);
  if (!command) throw new Error(`package.json's start script is not "... exec node ... dist/server/main.mjs"`);
  const env = Object.fromEntries(
    command[1]
      .split(/\s+/)
      .filter(Boolean)
      .map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]),
  );
  return { env, options: command[2].split(/\s+/).filter(Boolean) };
}

async function startServer(uri: string, dbName: string): Promise<Child> {
  // The server as `npm start` runs it: built by tools/build-server.mjs, not TypeScript under tsx,
  // with the start script's environment and Node options.
  const { env, options } = startCommand();
  const args = [...options, "--expose-gc", "dist/bench/import-server.mjs", uri, dbName];
  const proc = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ...env } });
  const lines = createInterface({ input: proc.stdout! });
  const { port, book } = JSON.parse(await nextLine(lines)) as { port: number; book: string };
  const base = `http://127.0.0.1:${port}`;
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "bench-password" }),
  });
  const auth = `Bearer ${((await res.json()) as { token: string }).token}`;
  return { proc, lines, base, book, auth };
}

async function heapStats(child: Child): Promise<{ peakHeapMB: number; retainedHeapMB: number }> {
  const reply = nextLine(child.lines);
  child.proc.stdin!.write("stats\n");
  return JSON.parse(await reply) as { peakHeapMB: number; retainedHeapMB: number };
}

/** The server's peak resident size while `work` runs, sampled, and its VmHWM after. */
async function measured<T>(child: Child, work: () => Promise<T>) {
  let peakRss = 0;
  const sample = () => void (peakRss = Math.max(peakRss, procStatus(child.proc.pid!).rssMB));
  const sampler = setInterval(sample, 50);
  try {
    const start = performance.now();
    const result = await work();
    const ms = performance.now() - start;
    sample();
    const peakMB = Math.max(peakRss, procStatus(child.proc.pid!).hwmMB);
    return { result, ms, peakRssMB: peakMB, ...(await heapStats(child)) };
  } finally {
    clearInterval(sampler);
  }
}

function stop(child: Child) {
  child.proc.kill();
  return new Promise<void>((r) => (child.proc.exitCode !== null ? r() : child.proc.once("exit", () => r())));
}

// ------------------------------------------------------------------ the measures

async function call(child: Child, method: string, path: string, body?: unknown, type = "application/json") {
  const res = await fetch(`${child.base}${path}`, {
    method,
    headers: { authorization: child.auth, ...(body === undefined ? {} : { "content-type": type }) },
    body:
      body === undefined
        ? undefined
        : type === "application/json"
          ? JSON.stringify(body)
          : new Uint8Array(body as Buffer),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Upload, commit, and poll until done; how long the upload (reading and storing the file) took. */
async function importThroughApi(child: Child, csv: Buffer) {
  const start = performance.now();
  const upload = await call(child, "POST", `/api/books/${child.book}/imports`, csv, "text/csv");
  if (upload.format !== "outlook" || upload.rows !== TOTAL) throw new Error(`upload read as ${upload.format}`);
  const uploadDone = performance.now();
  await call(child, "POST", `/api/imports/${upload.id}/commit`, { duplicates: "skip" });
  let job: Record<string, unknown>;
  do {
    await new Promise((r) => setTimeout(r, 100));
    job = await call(child, "GET", `/api/imports/${upload.id}`);
  } while (job.state === "running");
  if (job.state !== "done" || job.created !== TOTAL) throw new Error(`the import ended ${JSON.stringify(job)}`);
  return { uploadMs: uploadDone - start };
}

async function batchThroughApi(child: Child, contacts: Contact[]) {
  for (let i = 0; i < contacts.length; i += 1000) {
    const ops = contacts.slice(i, i + 1000).map(({ uid, ...contact }) => ({ op: "put", uid, contact }));
    const { results } = (await call(child, "POST", `/api/books/${child.book}/batch`, { ops })) as {
      results: { status: string }[];
    };
    if (results.some((r) => r.status !== "created")) throw new Error("batch: not every op was created");
  }
}

/** The whole book as Outlook CSV, read to the end; its time and record count (no cell spans lines). */
async function exportThroughApi(child: Child) {
  const start = performance.now();
  const res = await fetch(`${child.base}/api/books/${child.book}/export?format=outlook-csv`, {
    headers: { authorization: child.auth },
  });
  if (!res.ok || !res.body) throw new Error(`export: ${res.status}`);
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  const ms = performance.now() - start;
  if (lines - 1 !== TOTAL) throw new Error(`the export held ${lines - 1} records, not ${TOTAL}`);
  return { ms, rows: lines - 1 };
}

export async function benchImport() {
  const embedded = process.env.MONGODB_URI ? undefined : await startFerretDb(scratchDir("concord-bench-"));
  const uri = process.env.MONGODB_URI ?? embedded!.uri;
  try {
    const contacts = Array.from({ length: TOTAL }, (_, i) => person(i));
    const writer = exportWriter("outlook-csv");
    const csv = Buffer.from(writer.head + writer.rows(contacts));

    await buildServer({ "bench/import-server": "bench/import-server.ts" });
    const importer = await startServer(uri, "benchimport");
    let imported: Awaited<ReturnType<typeof measured<{ uploadMs: number }>>>;
    let exported: Awaited<ReturnType<typeof exportThroughApi>>;
    try {
      imported = await measured(importer, () => importThroughApi(importer, csv));
      exported = await exportThroughApi(importer);
    } finally {
      await stop(importer);
    }
    const batcher = await startServer(uri, "benchbatch");
    const batched = await measured(batcher, () => batchThroughApi(batcher, contacts)).finally(() => stop(batcher));

    const ratio = imported.ms / batched.ms;
    const peakMB = imported.peakRssMB;
    const round = (x: number) => Math.round(x);
    return {
      name: "import: 100,000 Outlook CSV rows into an empty PAB via the API vs POST /batch; export rows/s",
      target: "ratio <= 1.2 and peak server memory < 300 MB",
      met: ratio <= 1.2 && peakMB < 300,
      importMs: round(imported.ms),
      ofWhichUploadMs: round(imported.result.uploadMs),
      batchMs: round(batched.ms),
      ratio: Number(ratio.toFixed(2)),
      csvMB: Number((csv.length / MB).toFixed(1)),
      serverPeakRssMB: round(peakMB),
      serverPeakHeapMB: round(imported.peakHeapMB),
      serverHeapAfterImportMB: round(imported.retainedHeapMB),
      batchServerPeakRssMB: round(batched.peakRssMB),
      batchServerPeakHeapMB: round(batched.peakHeapMB),
      batchServerHeapAfterMB: round(batched.retainedHeapMB),
      exportMs: round(exported.ms),
      exportRowsPerSecond: round((exported.rows / exported.ms) * 1000),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    };
  } finally {
    await embedded?.stop();
  }
}
