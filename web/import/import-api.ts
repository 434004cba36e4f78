// The import wizard's and export dialog's calls (server/routes/imports.ts, export.ts), beside the
// app's own client (web/api.ts): the upload goes through XMLHttpRequest for its progress events,
// the rest through fetch. Failures are the app's ServerApiError, so the session's `call` sees a 401.
import { z } from "zod";
import { errorSchema } from "../../core/api/schemas";
import { ServerApiError } from "../../addin/server-api";
import { WEB_CLIENT } from "../api";

const rowError = z.object({ row: z.number(), message: z.string() });
const previewSchema = z.object({
  id: z.string(),
  format: z.string(),
  charset: z.string(),
  delimiter: z.string().nullable(),
  columns: z.array(z.string()),
  rows: z.number(),
  preview: z.array(
    z.object({
      row: z.number(),
      contact: z
        .object({
          displayName: z.string().optional(),
          company: z.string().optional(),
          notes: z.string().optional(),
          emails: z.array(z.object({ address: z.string() })).optional(),
          phones: z.array(z.object({ number: z.string() })).optional(),
        })
        .passthrough()
        .optional(),
      error: z.string().optional(),
    }),
  ),
  mapping: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
});
const statusSchema = z.object({
  id: z.string(),
  state: z.enum(["ready", "running", "done", "failed", "cancelled", "undoing", "undone"]),
  done: z.number(),
  total: z.number(),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  errors: z.array(rowError),
  errorCount: z.number(),
  failure: z.string().optional(),
  undone: z.object({ removed: z.number(), restored: z.number(), kept: z.number() }).optional(),
});
const dryRunSchema = z.object({ create: z.number(), update: z.number(), skip: z.number(), errors: z.array(rowError) });
const mappingSchema = z.object({ name: z.string(), shared: z.boolean(), mapping: z.record(z.string(), z.string()) });

export type ImportPreview = z.infer<typeof previewSchema>;
export type ImportStatus = z.infer<typeof statusSchema>;
export type DryRun = z.infer<typeof dryRunSchema>;
export type NamedMapping = z.infer<typeof mappingSchema>;
export type RowError = z.infer<typeof rowError>;
export type Duplicates = "skip" | "update" | "add";
export type ImportSettings = {
  format?: string;
  charset?: string;
  delimiter?: string;
  mapping?: Record<string, string>;
};
export type ExportFormat = "outlook-csv" | "google-csv" | "csv" | "vcard3" | "vcard4";
export type ExportCharset = "utf-8" | "windows-1252";

const bookPath = (book: string) => `/api/books/${encodeURIComponent(book)}`;
const importPath = (id: string) => `/api/imports/${encodeURIComponent(id)}`;
const mappingPath = (name: string) => `/api/import-mappings/${encodeURIComponent(name)}`;

function failure(status: number, body: unknown): ServerApiError {
  if (status === 401) return new ServerApiError("session-expired", "Your session expired; sign in again", status);
  const parsed = errorSchema.safeParse(body);
  const message = parsed.success ? parsed.data.error.message : `The Concord server answered with error ${status}`;
  return new ServerApiError(status === 403 ? "read-only" : "server", message, status);
}

function understood<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ServerApiError("server", "The Concord server sent an answer this app does not understand");
  return parsed.data;
}

export function createImportApi(baseUrl: string, getToken: () => string | undefined) {
  const headers = (more: Record<string, string> = {}) => {
    const token = getToken();
    return { "x-concord-client": WEB_CLIENT, ...(token ? { authorization: `Bearer ${token}` } : {}), ...more };
  };

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: headers(body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ServerApiError("unreachable", `Cannot reach the Concord server at ${baseUrl}`, undefined, { cause });
    }
    if (!response.ok) throw failure(response.status, await response.json().catch(() => undefined));
    return response;
  }
  const json = async <T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown) =>
    understood(schema, await (await send(method, path, body)).json());

  return {
    /** Sends the file as the request body; `onProgress` gets the share sent so far (0 to 1). */
    upload(book: string, file: File, onProgress: (sent: number) => void): Promise<ImportPreview> {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", `${baseUrl}${bookPath(book)}/imports`);
        for (const [name, value] of Object.entries(headers({ "content-type": uploadType(file) })))
          xhr.setRequestHeader(name, value);
        xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
        xhr.onerror = () => reject(new ServerApiError("unreachable", `Cannot reach the Concord server at ${baseUrl}`));
        xhr.onload = () => {
          let body: unknown;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = undefined;
          }
          if (xhr.status !== 201) return reject(failure(xhr.status, body));
          onProgress(1);
          try {
            resolve(understood(previewSchema, body));
          } catch (error) {
            reject(error);
          }
        };
        xhr.send(file);
      });
    },
    configure: (id: string, settings: ImportSettings) => json(previewSchema, "PUT", importPath(id), settings),
    dryRun: (id: string, duplicates: Duplicates) =>
      json(dryRunSchema, "POST", `${importPath(id)}/dry-run`, { duplicates }),
    commit: (id: string, duplicates: Duplicates) =>
      json(statusSchema, "POST", `${importPath(id)}/commit`, { duplicates }),
    status: (id: string) => json(statusSchema, "GET", importPath(id)),
    cancel: (id: string) => json(statusSchema, "POST", `${importPath(id)}/cancel`),
    undo: (id: string) => json(statusSchema, "POST", `${importPath(id)}/undo`),
    async mappings(): Promise<NamedMapping[]> {
      return (await json(z.object({ mappings: z.array(mappingSchema) }), "GET", "/api/import-mappings")).mappings;
    },
    mapping: (name: string) => json(mappingSchema, "GET", mappingPath(name)),
    async saveMapping(name: string, mapping: Record<string, string>): Promise<void> {
      await send("PUT", mappingPath(name), { mapping });
    },
    /** The whole book as a file, with the name the server gives it. */
    async exportBook(book: string, format: ExportFormat, charset: ExportCharset) {
      const params = new URLSearchParams({ format, charset });
      const response = await send("GET", `${bookPath(book)}/export?${params}`);
      const disposition = response.headers.get("content-disposition") ?? "";
      const name =
        /filename="([^"]+)"/.exec(disposition)?.[1] ?? `export.${format.startsWith("vcard") ? "vcf" : "csv"}`;
      return { name, blob: await response.blob() };
    },
  };
}

export type ImportApi = ReturnType<typeof createImportApi>;

/** The type the server accepts for the file: by its name when the browser knows none. */
function uploadType(file: File): string {
  const accepted = ["text/csv", "text/vcard", "text/x-vcard", "text/directory", "text/plain", "text/x-ldif"];
  if (accepted.includes(file.type)) return file.type;
  if (/\.(vcf|vcard)$/i.test(file.name)) return "text/vcard";
  if (/\.csv$/i.test(file.name)) return "text/csv";
  if (/\.ldif?$/i.test(file.name)) return "text/x-ldif";
  return "application/octet-stream";
}

/** Saves a blob as a file through a temporary link (what a download button does). */
export function saveFile(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
