// Reads an import file on a worker thread: a 64 MiB file takes tens of seconds of CPU, which on the
// main thread would stall every request and every lease heartbeat of this instance meanwhile.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import {
  type Analysis,
  analyzeImport,
  CsvMappingError,
  ImportFileError,
  type ImportSettings,
  ImportTooLargeError,
} from "../../core/formats/import";

type Input = { bytes: Uint8Array; settings: ImportSettings; maxRows: number };
type Output = { analysis?: Analysis; error?: { name: string; message: string } };

const errorKinds = { ImportFileError, ImportTooLargeError, CsvMappingError } as const;

/** Files smaller than this are read inline: starting a worker costs more than reading them. */
export const INLINE_BYTES = 2 * 1024 * 1024;

/** analyzeImport, on a worker thread for a large file; throws the same errors. */
export function analyzeOffThread(bytes: Uint8Array, settings: ImportSettings, maxRows: number): Promise<Analysis> {
  if (bytes.length < INLINE_BYTES) return Promise.resolve().then(() => analyzeImport(bytes, settings, { maxRows }));
  return new Promise((resolve, reject) => {
    // The server runs TypeScript through tsx (`node --import tsx`), whose hooks a worker does not
    // inherit in Node 20: the worker registers them, then loads this module.
    const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { bytes, settings, maxRows } satisfies Input });
    worker.once("message", (out: Output) => {
      void worker.terminate();
      if (out.analysis) return resolve(out.analysis);
      const Kind = errorKinds[out.error!.name as keyof typeof errorKinds] ?? Error;
      reject(new Kind(out.error!.message));
    });
    worker.once("error", reject);
  });
}

if (!isMainThread && parentPort && (workerData as Input | undefined)?.bytes) {
  const { bytes, settings, maxRows } = workerData as Input;
  let out: Output;
  try {
    out = { analysis: analyzeImport(bytes, settings, { maxRows }) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    out = { error: { name: e.name, message: e.message } };
  }
  parentPort.postMessage(out);
}
