// The admin CLI's import and export commands: the same service and export as the API, acting as
// an administrator (audited as user "admin-cli", surface "import").
import { createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";
import type { ExportFormat } from "../../core/formats/import";
import type { AppDeps } from "../app-deps";
import { exportBook } from "./export";
import { importServiceFor } from "./index";

const CLI_IMPORTER = { _id: "admin-cli", admin: true };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type ImportOptions = { mapping?: string; duplicates?: "skip" | "update" | "add"; dryRun?: boolean };

export async function importFile(deps: AppDeps, bookId: string, file: string, opts: ImportOptions) {
  const book = await deps.access.writableBook(CLI_IMPORTER, bookId);
  const bytes = readFileSync(file);
  if (bytes.length > deps.config.importMaxBytes)
    throw new Error(`${file} is larger than IMPORT_MAX_BYTES (${deps.config.importMaxBytes} bytes)`);
  const named = opts.mapping ? await deps.imports.mapping(CLI_IMPORTER._id, opts.mapping) : undefined;
  if (opts.mapping && !named) throw new Error(`There is no import mapping named "${opts.mapping}".`);
  const service = importServiceFor(deps);
  const preview = await service.upload(CLI_IMPORTER, book.id, bytes, { mapping: named?.mapping });
  const delimiter = preview.delimiter ? `, delimiter ${JSON.stringify(preview.delimiter)}` : "";
  console.error(`${file}: ${preview.format}, ${preview.charset}${delimiter}, ${preview.rows} records`);
  for (const warning of preview.warnings) console.error(`warning: ${warning}`);
  const duplicates = opts.duplicates ?? "skip";
  if (opts.dryRun)
    return console.log(JSON.stringify(await service.dryRun(CLI_IMPORTER, preview.id, duplicates), null, 2));
  await service.commit(CLI_IMPORTER, preview.id, duplicates);
  await service.run(preview.id); // commit started it here already; this waits for it
  let status = await service.status(CLI_IMPORTER, preview.id);
  while (status.state === "running") {
    await sleep(200);
    status = await service.status(CLI_IMPORTER, preview.id);
  }
  console.log(JSON.stringify(status, null, 2));
  if (status.state !== "done")
    throw new Error(`The import ended ${status.state}${status.failure ? `: ${status.failure}` : ""}`);
}

export async function exportToFile(deps: AppDeps, bookId: string, format: string, charset = "utf-8", out?: string) {
  const book = await deps.access.visibleBook(CLI_IMPORTER, bookId);
  const stream = out ? createWriteStream(out) : process.stdout;
  const write = async (bytes: Uint8Array) => {
    if (!stream.write(bytes)) await once(stream, "drain");
  };
  const count = await exportBook(
    { contacts: deps.store, photos: deps.photos },
    book.id,
    format as ExportFormat,
    charset as "utf-8" | "windows-1252",
    write,
  );
  if (out) {
    stream.end();
    await once(stream, "finish");
  }
  console.error(`Exported ${count} contacts from ${book.name}${out ? ` to ${out}` : ""}.`);
}
