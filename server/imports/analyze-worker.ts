// Reads an import file, on a worker thread where the work would hold this thread too long or
// need too much memory: a 64 MiB file takes tens of seconds of CPU, which on the main thread would
// stall every request and every lease heartbeat of this instance meanwhile. Two uses:
// - summarizeOffThread: the detections, the record count and the first records (an upload, a
//   preview), a walk over the whole file: on a worker for a large file.
// - openRecords: the records a batch at a time, from any record on (a running import, a dry run),
//   read one batch ahead of the one asked for, so reading overlaps writing. A CSV file is read on
//   this thread, a slice of records at a time between other work (readingInSlices), and its text
//   a window at a time from the upload as stored (compressed-bytes.ts): a worker would cost more
//   memory than the whole file (its own heap, about 70 MB at the import bench). A large vCard or
//   LDIF file is read on a worker, whose heap is bounded, since its reader holds the whole text
//   and every record.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import {
  type ByteSource,
  CsvMappingError,
  detectImport,
  holdsWholeText,
  ImportFileError,
  type ImportReader,
  type ImportRow,
  type ImportSettings,
  type ImportSummary,
  ImportTooLargeError,
  openImport,
  summarizeImport,
} from "../../core/formats/import";
import { fromRoot } from "../paths";
import { wholeOf } from "./compressed-bytes";

type Input =
  | { mode: "summary"; bytes: Uint8Array; settings: ImportSettings; maxRows: number }
  | { mode: "records"; bytes: Uint8Array; settings: ImportSettings; skip: number; batch: number };
type Failure = { name: string; message: string };
type Output = { summary?: ImportSummary; meta?: RecordsMeta; rows?: ImportRow[]; error?: Failure };

/** What a reader found, without its records. */
export type RecordsMeta = Omit<ImportReader, "rows" | "count">;
/** Records a batch at a time; an empty batch: no more. `close` ends the reading (and its worker). */
export type RecordCursor = { meta: RecordsMeta; next(): Promise<ImportRow[]>; close(): void };

const errorKinds = { ImportFileError, ImportTooLargeError, CsvMappingError } as const;
const failureOf = (err: unknown): Failure => {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message };
};
const errorOf = (f: Failure) => new (errorKinds[f.name as keyof typeof errorKinds] ?? Error)(f.message);

/** Files smaller than this are read inline: starting a worker costs more than reading them. */
export const INLINE_BYTES = 2 * 1024 * 1024;

function batches(input: Omit<Extract<Input, { mode: "records" }>, "bytes"> & { bytes: ByteSource }) {
  const { rows, count: _count, ...meta } = openImport(input.bytes, input.settings);
  const it = rows(input.skip);
  const take = (count = input.batch) => {
    const out: ImportRow[] = [];
    while (out.length < count) {
      const n = it.next();
      if (n.done) break;
      out.push(n.value);
    }
    return out;
  };
  return { meta, take };
}

/** A worker reading `input`. `handOver`: the bytes are the caller's to give away, so they move to
 *  the worker instead of being copied. The worker's heap is bounded by what the file needs (a
 *  CSV file's text is read a window at a time, but a vCard or LDIF file's is held whole, up to two
 *  bytes a character; and a few batches), else V8 lets it grow to gigabytes. Its
 *  young generation is kept small too: the records are short-lived, and V8's default one (up to
 *  48 MB here) held about 25 MB more at the import bench's peak, for no speed. */
function startWorker(input: Input, handOver = false): Worker {
  const { buffer, byteOffset, byteLength } = input.bytes;
  const movable = handOver && byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer;
  const options = {
    workerData: input,
    transferList: movable ? [buffer as ArrayBuffer] : [],
    resourceLimits: {
      maxYoungGenerationSizeMb: 8,
      maxOldGenerationSizeMb: 96 + Math.ceil((4 * byteLength) / (1024 * 1024)),
    },
  };
  // `npm start` runs the server as a bundle (tools/build-server.mjs), beside which this module is
  // bundled on its own. As TypeScript under tsx (tests, the admin CLI), whose hooks a worker does
  // not inherit in Node 20, the worker registers them, then loads this module.
  if (!import.meta.url.endsWith(".ts")) return new Worker(fromRoot("dist", "server", "analyze-worker.mjs"), options);
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Worker(boot, { eval: true, ...options });
}

/** summarizeImport, on a worker thread for a large file; throws the same errors. */
export function summarizeOffThread(
  bytes: Uint8Array,
  settings: ImportSettings,
  maxRows: number,
): Promise<ImportSummary> {
  if (bytes.length < INLINE_BYTES) return Promise.resolve().then(() => summarizeImport(bytes, settings, { maxRows }));
  return new Promise((resolve, reject) => {
    const worker = startWorker({ mode: "summary", bytes, settings, maxRows });
    worker.once("message", (out: Output) => {
      void worker.terminate();
      if (out.summary) resolve(out.summary);
      else reject(errorOf(out.error!));
    });
    worker.once("error", reject);
  });
}

// Records are read this many at a time (a few milliseconds), so that other work on the thread
// (requests, heartbeats, the import's own database answers) waits for one slice at most, not
// for a whole batch (about 40 ms at the import bench) or a whole file (a dry run).
const SLICE_ROWS = 100;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads records a slice at a time, other work running between slices: first the
 *  `skip` records a resumed import wrote already (read and dropped), then each batch, the next one
 *  read ahead while its caller writes the one before, and what is still missing of a batch when it
 *  is asked for. */
function readingInSlices(take: (count: number) => ImportRow[], batch: number, skip: number) {
  let ahead: ImportRow[] = [];
  let toSkip = skip;
  let ended = false;
  let failed: { error: unknown } | undefined;
  let closed = false;
  let scheduled = false;
  const read = (count: number, keep = true) => {
    try {
      const rows = take(count);
      if (rows.length < count) ended = true;
      if (keep) ahead.push(...rows);
    } catch (error) {
      failed = { error };
    }
  };
  const missing = () => (closed || ended || failed ? 0 : batch - ahead.length);
  const schedule = () => {
    if (scheduled || missing() <= 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (missing() > 0) read(Math.min(SLICE_ROWS, missing()));
      schedule();
    });
  };
  return {
    async next(): Promise<ImportRow[]> {
      while (toSkip > 0 && !closed && !ended && !failed) {
        const count = Math.min(SLICE_ROWS, toSkip);
        toSkip -= count;
        read(count, false);
        await turn();
      }
      while (missing() > 0) {
        read(Math.min(SLICE_ROWS, missing()));
        if (missing() > 0) await turn();
      }
      if (failed) throw failed.error;
      const rows = ahead;
      ahead = [];
      schedule();
      return rows;
    },
    close: () => void (closed = true),
  };
}

/** The file's records from the `skip`th on, `batch` at a time; throws the errors openImport throws.
 *  `source`: the upload as stored (compressed-bytes.ts), or its bytes. */
export async function openRecords(
  source: ByteSource,
  settings: ImportSettings,
  { skip = 0, batch }: { skip?: number; batch: number },
): Promise<RecordCursor> {
  if (source.length < INLINE_BYTES || !holdsWholeText(detectImport(source, settings).format)) {
    const { meta, take } = batches({ mode: "records", bytes: source, settings, skip: 0, batch });
    return { meta, ...readingInSlices(take, batch, skip) };
  }
  // A copy made here (a packed upload inflated) is ours to move to the worker.
  const bytes = wholeOf(source);
  const worker = startWorker({ mode: "records", bytes, settings, skip, batch }, bytes !== source);
  let waiting: { resolve: (o: Output) => void; reject: (e: unknown) => void } | undefined;
  let failed: unknown;
  const answer = () =>
    new Promise<Output>((resolve, reject) => {
      if (failed) return reject(failed);
      waiting = { resolve, reject };
    });
  worker.on("message", (out: Output) => {
    const w = waiting;
    waiting = undefined;
    w?.resolve(out);
  });
  worker.on("error", (err) => {
    failed = err;
    waiting?.reject(err);
  });
  const first = await answer();
  if (!first.meta) {
    void worker.terminate();
    throw errorOf(first.error!);
  }
  return {
    meta: first.meta,
    async next() {
      const reply = answer();
      worker.postMessage("next");
      const out = await reply;
      if (out.error) throw errorOf(out.error);
      return out.rows!;
    },
    close: () => void worker.terminate(),
  };
}

function serve(input: Input) {
  const port = parentPort!;
  if (input.mode === "summary") {
    let out: Output;
    try {
      out = { summary: summarizeImport(input.bytes, input.settings, { maxRows: input.maxRows }) };
    } catch (err) {
      out = { error: failureOf(err) };
    }
    return port.postMessage(out);
  }
  let reader: ReturnType<typeof batches>;
  try {
    reader = batches(input);
  } catch (err) {
    return port.postMessage({ error: failureOf(err) } satisfies Output);
  }
  port.postMessage({ meta: reader.meta } satisfies Output);
  // The main thread asks for the next batch only once it has the one before.
  const records = readingInSlices(reader.take, input.batch, 0);
  port.on("message", () =>
    records.next().then(
      (rows) => port.postMessage({ rows } satisfies Output),
      (err: unknown) => port.postMessage({ error: failureOf(err) } satisfies Output),
    ),
  );
}

if (!isMainThread && parentPort && (workerData as Input | undefined)?.bytes) serve(workerData as Input);
