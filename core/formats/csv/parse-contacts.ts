// CSV file → Contacts, for the import wizard. Every record either becomes a
// Contact or is reported in `errors` with its row number; none is dropped.
import { type Contact, contactSchema } from "../../contact/contact";
import { hashText } from "../../contact/content-hash";
import { type CsvTarget, compileMapping, parseTarget } from "./column-mapping";
import type { DateOrder } from "./csv-dates";
import { decodeCsvInput } from "./decode-input";
import { type CsvFormat, detectCsvFormat } from "./detect-format";
import { googleTarget } from "./google-columns";
import { outlookExpressTargets } from "./outlook-express-columns";
import {
  type OutlookLanguage,
  detectOutlookLanguage,
  outlookPlaceholders,
  outlookTargets,
  resolveOutlookHeaders,
} from "./outlook-columns";
import { type CsvDelimiter, readCsvTable } from "./read-table";
import { type Column, rowToContact } from "./row-to-contact";

export interface ParseContactsCsvOptions {
  /** Skip detection. "generic" needs a mapping. */
  format?: CsvFormat;
  /** header → target (see column-mapping.ts); for a known format it overrides the format's own target for those headers. */
  mapping?: Record<string, string>;
  /** uid for a record, given header → cell; default: a hash of the record's non-empty cells. */
  uidFor?(row: Record<string, string>): string;
  /** How to read "1/2/1980"; default M/D/Y, except D/M/Y for German and French Outlook. */
  dateOrder?: DateOrder;
}

export interface ParseContactsCsvResult {
  contacts: Contact[];
  /** row counts records as a spreadsheet does: the header is row 1. */
  errors: { row: number; message: string }[];
  format: CsvFormat;
  headers: string[];
  delimiter: CsvDelimiter;
  /** Set for format "outlook". */
  language?: OutlookLanguage;
}

function compileTarget(text: string | undefined): CsvTarget | undefined {
  return text === undefined ? undefined : parseTarget(text);
}

function formatColumns(format: CsvFormat, headers: string[], language: OutlookLanguage): Column[] {
  if (format === "outlook") {
    return resolveOutlookHeaders(headers, language).map((column, i) => ({
      header: headers[i],
      target: column && compileTarget(outlookTargets[column]),
      placeholders: column && outlookPlaceholders[column],
    }));
  }
  const targetOf = (header: string) =>
    format === "outlook-express"
      ? outlookExpressTargets[header]
      : format === "generic"
        ? undefined
        : googleTarget(header);
  return headers.map((header) => ({ header, target: compileTarget(targetOf(header)) }));
}

function recordOf(headers: string[], cells: string[]): Record<string, string> {
  return Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ""]));
}

// The same record in a re-exported file hashes the same even when columns were
// reordered or empty ones added, so a second import updates instead of duplicating.
function contentUid(headers: string[], cells: string[]): string {
  const filled = headers
    .map((h, i) => [h, (cells[i] ?? "").trim()])
    .filter(([, v]) => v)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `csv-${hashText(JSON.stringify(filled)).slice(0, 32)}`;
}

function issuesText(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join(".") || "contact"}: ${i.message}`).join("; ");
}

export function parseContactsCsv(
  input: string | Uint8Array,
  options: ParseContactsCsvOptions = {},
): ParseContactsCsvResult {
  const table = readCsvTable(decodeCsvInput(input));
  const { headers } = table;
  const format = options.format ?? detectCsvFormat(headers);
  const overrides = compileMapping(options.mapping ?? {});
  if (format === "generic" && overrides.size === 0) {
    throw new Error("A generic CSV needs a column mapping (options.mapping: header → target)");
  }
  const language = detectOutlookLanguage(headers);
  const dateOrder = options.dateOrder ?? (format === "outlook" && language !== "en" ? "DMY" : "MDY");
  const columns = formatColumns(format, headers, language).map((c) =>
    overrides.has(c.header) ? { header: c.header, target: overrides.get(c.header) } : c,
  );

  const contacts: Contact[] = [];
  const errors = [...table.unreadable];
  const uidsSeen = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    if (cells.every((c) => !c.trim())) continue;
    if (cells.length > headers.length && cells.slice(headers.length).some((c) => c.trim())) {
      errors.push({
        row,
        message: `has ${cells.length} fields but the header has ${headers.length}; a value may contain an unquoted delimiter`,
      });
      continue;
    }
    const baseUid = options.uidFor ? options.uidFor(recordOf(headers, cells)) : contentUid(headers, cells);
    const seen = (uidsSeen.get(baseUid) ?? 0) + 1;
    uidsSeen.set(baseUid, seen);
    const parsed = contactSchema.safeParse({
      uid: seen === 1 ? baseUid : `${baseUid}-${seen}`,
      ...rowToContact(columns, cells, dateOrder),
    });
    if (parsed.success) contacts.push(parsed.data);
    else errors.push({ row, message: issuesText(parsed.error) });
  }
  errors.sort((a, b) => a.row - b.row);
  return {
    contacts,
    errors,
    format,
    headers,
    delimiter: table.delimiter,
    ...(format === "outlook" ? { language } : {}),
  };
}
