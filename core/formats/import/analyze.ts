// An import file → its format, charset and delimiter (detected, or as the caller overrides them),
// its columns with the mapping used, and one result per record: a contact, or an error naming
// the record's line (the file's line for CSV and LDIF, the BEGIN:VCARD line for vCard). A record
// in error is left out on its own; a file that cannot be read at all throws ImportFileError.
import iconv from "iconv-lite";
import { type Contact, type ContactInput, contactSchema } from "../../contact/contact";
import { type CsvTarget, compileMapping, CsvMappingError, parseTarget } from "../csv/column-mapping";
import { type DateOrder, isEmptyDate, parseCsvDate } from "../csv/csv-dates";
import { restoreNeutralizedCell } from "../csv/csv-injection";
import { detectCsvFormat } from "../csv/detect-format";
import { googleTarget } from "../csv/google-columns";
import { outlookExpressTargets } from "../csv/outlook-express-columns";
import {
  detectOutlookLanguage,
  outlookPlaceholders,
  outlookTargets,
  resolveOutlookHeaders,
} from "../csv/outlook-columns";
import { type Column, rowToContact } from "../csv/row-to-contact";
import { splitCards } from "../vcard/content-lines";
import { readProperty } from "../vcard/properties";
import { contactFromProperties } from "../vcard/to-contact";
import { VCardError } from "../vcard/vcard-error";
import { type ByteSource, decodeBytes, decodeWindows, detectCharset, type ImportCharset } from "./charset";
import { looksLikeLdif, readLdif } from "./ldif";
import { type Delimiter, type LazyTable, lazyTable, openTable, sniffDelimiter, type TableEntry } from "./table";
import { birthdayOf, isThunderbirdCsv, ldifTarget, thunderbirdCsvTargets } from "./thunderbird";

export { CsvMappingError };

export const importFormats = [
  "outlook",
  "outlook-express",
  "google",
  "google-legacy",
  "thunderbird",
  "csv",
  "ldif",
  "vcard",
] as const;
export type ImportFormat = (typeof importFormats)[number];
type TableFormat = Exclude<ImportFormat, "vcard">;

/** What the caller may set instead of the guesses. `mapping`: column → target (column-mapping.ts);
 *  it overrides the format's own target for the columns it names. */
export type ImportSettings = {
  format?: ImportFormat;
  charset?: ImportCharset;
  delimiter?: Delimiter;
  mapping?: Record<string, string>;
};

/** One record: `contact` (its uid a placeholder unless `hasUid`: the file gave it one) or `error`. */
export type ImportRow = { row: number; contact?: Contact; hasUid: boolean; error?: string };

export type Analysis = {
  format: ImportFormat;
  charset: ImportCharset;
  /** null for vCard and LDIF. */
  delimiter: Delimiter | null;
  columns: string[];
  /** Every column's target, the format's own or the caller's. */
  mapping: Record<string, string>;
  rows: ImportRow[];
  warnings: string[];
};

/** The file cannot be read at all: nothing of it is imported. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportFileError";
  }
}
/** The file holds more records than the caller allows. */
export class ImportTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportTooLargeError";
  }
}

export const PREVIEW_ROWS = 20;

// Header names a hand-made CSV commonly uses, for a first guess at its mapping.
const genericGuesses: Record<string, string> = {
  "name": "displayName",
  "full name": "displayName",
  "display name": "displayName",
  "first name": "name.given",
  "given name": "name.given",
  "last name": "name.family",
  "surname": "name.family",
  "family name": "name.family",
  "email": "emails:other",
  "e-mail": "emails:other",
  "email address": "emails:other",
  "phone": "phones:other",
  "telephone": "phones:other",
  "mobile": "phones:mobile",
  "company": "company",
  "organization": "company",
  "title": "jobTitle",
  "job title": "jobTitle",
  "department": "department",
  "notes": "notes",
  "birthday": "birthday",
};

function sniffFormat(text: string): ImportFormat {
  if (/^\s*BEGIN:VCARD/i.test(text)) return "vcard";
  if (looksLikeLdif(text)) return "ldif";
  const columns = openTable(text.slice(0, 64 * 1024), sniffDelimiter(text)).columns;
  if (isThunderbirdCsv(columns)) return "thunderbird";
  // A header written in the mapping language itself is this server's own generic export.
  if (columns.length > 1 && columns.every((c) => parseTarget(c))) return "csv";
  const csv = detectCsvFormat(columns);
  return csv === "generic" ? "csv" : csv;
}

type Mapped = { columns: Column[]; order: DateOrder };

/** The format's own target of each column, as mapping-language text ("extra:<header>" when none). */
function formatTargets(format: TableFormat, columns: string[]): { targets: string[]; mapped: Mapped } {
  const language = detectOutlookLanguage(columns);
  const outlook = format === "outlook" ? resolveOutlookHeaders(columns, language) : [];
  const targetOf = (header: string, i: number): string | undefined => {
    switch (format) {
      case "outlook":
        return outlook[i] && outlookTargets[outlook[i]];
      case "outlook-express":
        return outlookExpressTargets[header];
      case "google":
      case "google-legacy":
        return googleTarget(header);
      case "thunderbird":
        return thunderbirdCsvTargets[header];
      case "ldif":
        return ldifTarget(header);
      case "csv":
        return parseTarget(header) ? header : genericGuesses[header.toLowerCase()];
    }
  };
  const targets = columns.map((h, i) => targetOf(h, i) ?? `extra:${h}`);
  const mappedColumns = columns.map((header, i) => ({
    header,
    target: parseTarget(targets[i]),
    placeholders: outlook[i] && outlookPlaceholders[outlook[i]],
  }));
  const order: DateOrder = format === "outlook" && language !== "en" ? "DMY" : "MDY";
  return { targets, mapped: { columns: mappedColumns, order } };
}

function badDate(column: Column, cell: string, order: DateOrder): string | undefined {
  if (column.target?.kind !== "date" || !cell || column.placeholders?.includes(cell) || isEmptyDate(cell))
    return undefined;
  return parseCsvDate(cell, order) ? undefined : `${column.header}: "${cell}" is not a date`;
}

function issuesText(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join(".") || "contact"}: ${i.message}`).join("; ");
}

function tableRow(
  format: TableFormat,
  mapped: Mapped,
  labelled: Set<number>,
  row: { row: number; cells: string[] },
): ImportRow {
  const cells = mapped.columns.map((column, i) => {
    if (!row.cells[i]) return ""; // most of an Outlook file's 92 cells
    // Line breaks inside a cell are "\n", as vCard and Google keep them (Outlook writes CRLF).
    const restored = restoreNeutralizedCell(row.cells[i]);
    const cell = (restored.includes("\r") ? restored.replace(/\r\n?/g, "\n") : restored).trim();
    return cell && labelled.has(i) ? `${column.header}: ${cell}` : cell;
  });
  const dateErrors: string[] = [];
  cells.forEach((cell, i) => {
    const error = cell && badDate(mapped.columns[i], cell, mapped.order);
    if (error) dateErrors.push(error);
  });
  if (dateErrors.length) return { row: row.row, hasUid: false, error: dateErrors.join("; ") };
  const input: ContactInput = { uid: `row-${row.row}`, ...rowToContact(mapped.columns, cells, mapped.order) };
  if (format === "thunderbird" || format === "ldif") {
    const cell = (h: string) => cells[mapped.columns.findIndex((c) => c.header.toLowerCase() === h.toLowerCase())];
    input.birthday ??= birthdayOf(format === "ldif" ? "ldif" : "csv", cell);
  }
  if (!input.displayName) return { row: row.row, hasUid: false, error: "no name, company or e-mail address" };
  const parsed = contactSchema.safeParse(input);
  return parsed.success
    ? { row: row.row, hasUid: false, contact: parsed.data }
    : { row: row.row, hasUid: false, error: issuesText(parsed.error) };
}

/** A table's records that count: those in error and those with a cell that is not blank. */
function* counted(table: LazyTable): Generator<TableEntry> {
  for (const e of table.entries()) if (!e.cells || e.cells.some((c) => c.trim())) yield e;
}

function openTableImport(format: TableFormat, table: LazyTable, mapping: Record<string, string>) {
  if (table.columns.length === 0) throw new ImportFileError("The file has no header row: there is nothing to import");
  const { targets, mapped } = formatTargets(format, table.columns);
  const overrides = compileMapping(mapping);
  const labelled = new Set<number>();
  mapped.columns.forEach((column, i) => {
    const target = overrides.get(column.header);
    if (!target) return;
    if (target.kind === "text" && target.field === "notes" && targets[i] !== "notes") labelled.add(i);
    column.target = target as CsvTarget;
    targets[i] = mapping[column.header].trim();
  });
  const warnings =
    format === "csv" && targets.every((t) => t.startsWith("extra:"))
      ? ["No column was recognised: map the columns to contact fields"]
      : [];
  function* rows(skip = 0): Generator<ImportRow> {
    let at = 0;
    for (const e of counted(table)) {
      if (at++ < skip) continue;
      yield e.cells
        ? tableRow(format, mapped, labelled, { row: e.row, cells: e.cells })
        : { row: e.row, hasUid: false, error: e.error };
    }
  }
  const count = () => {
    let n = 0;
    for (const _ of counted(table)) n++;
    return n;
  };
  return {
    columns: table.columns,
    mapping: Object.fromEntries(table.columns.map((c, i) => [c, targets[i]])),
    warnings,
    rows,
    count,
  };
}

const tooMany = (rows: number, max: number) =>
  new ImportTooLargeError(`The file holds ${rows} records; an import takes at most ${max} (IMPORT_MAX_ROWS)`);

function openVCards(bytes: ByteSource, charset: ImportCharset) {
  // As core/formats/vcard reads Outlook's 2.1 files: without UTF-8, one char per byte and each
  // value decoded by its own CHARSET (else windows-1252).
  const binary = charset === "windows-1252";
  const text = binary
    ? iconv.decode(bytes.subarray(0, bytes.length), "latin1").replace(/^\ufeff/, "")
    : decodeBytes(bytes, charset);
  let cards: ReturnType<typeof splitCards>;
  try {
    cards = splitCards(text);
  } catch (err) {
    if (err instanceof VCardError)
      throw new ImportFileError(`The vCard file cannot be read: line ${err.line}: ${err.message}`);
    throw err;
  }
  if (cards.length === 0) throw new ImportFileError("The file holds no BEGIN:VCARD");
  const rowOf = (card: (typeof cards)[number]): ImportRow => {
    const hasUid = card.lines.some((l) => /^(?:[\w-]+\.)?UID[;:]/i.test(l.text));
    try {
      if (!["2.1", "3.0", "4.0"].includes(card.version))
        throw new VCardError(card.beginLine, `unsupported VERSION ${card.version}`);
      const properties = card.lines.map((line) => readProperty(line, card.version, binary));
      const contact = contactFromProperties(properties, {
        beginLine: card.beginLine,
        uidFallback: `row-${card.beginLine}`,
      });
      return { row: card.beginLine, hasUid, contact };
    } catch (err) {
      if (!(err instanceof VCardError) && !(err instanceof Error)) throw err;
      return { row: card.beginLine, hasUid, error: err.message };
    }
  };
  function* rows(skip = 0): Generator<ImportRow> {
    for (let i = skip; i < cards.length; i++) yield rowOf(cards[i]);
  }
  return { rows, count: () => cards.length };
}

/** An import file opened under the given settings (each one left out is detected): what was
 *  detected at once, its records as they are read. `rows(skip)` reads them from the `skip`th on,
 *  one at a time, so a large file's contacts are never all held at once; `count()` counts them
 *  without reading them into contacts. */
export type ImportReader = Omit<Analysis, "rows"> & { rows(skip?: number): Generator<ImportRow>; count(): number };

// The guesses read this much of the file's text (sniffDelimiter reads no further either).
const HEAD_CHARS = 256 * 1024;

/** The first HEAD_CHARS of a text read in pieces; `check` sees every piece, even past the head. */
function headOf(pieces: Iterable<string>, check?: (piece: string) => void): string {
  let head = "";
  for (const piece of pieces) {
    check?.(piece);
    if (head.length < HEAD_CHARS) head += piece;
    if (!check && head.length >= HEAD_CHARS) break;
  }
  return head.slice(0, HEAD_CHARS);
}

/** The charset and format openImport reads a file in, found from its first characters alone. */
export function detectImport(bytes: ByteSource, settings: ImportSettings = {}) {
  const charset = settings.charset ?? detectCharset(bytes).charset;
  return { charset, format: settings.format ?? sniffFormat(headOf(decodeWindows(bytes, charset))) };
}

/** Whether reading a file's records holds its whole text, as vCard and LDIF files are read; a
 *  CSV file's is read a window at a time. */
export const holdsWholeText = (format: ImportFormat) => format === "vcard" || format === "ldif";

export function openImport(bytes: ByteSource, settings: ImportSettings = {}): ImportReader {
  if (bytes.length === 0) throw new ImportFileError("The file is empty");
  const charset = settings.charset ?? detectCharset(bytes).charset;
  // A CSV file's text is read in pieces at each walk over its records, never held whole.
  const pieces = () => decodeWindows(bytes, charset);
  const head = headOf(pieces(), (piece) => {
    if (piece.includes("\u0000")) throw new ImportFileError(`The file is not text in ${charset}`);
  });
  const format = settings.format ?? sniffFormat(head);
  const warnings =
    !settings.charset && charset === "windows-1252" ? ["The file is not UTF-8: it was read as windows-1252"] : [];
  if (format === "vcard")
    return { format, charset, delimiter: null, columns: [], mapping: {}, warnings, ...openVCards(bytes, charset) };
  const delimiter = format === "ldif" ? null : (settings.delimiter ?? sniffDelimiter(head));
  const lazy =
    format === "ldif" ? lazyTable(readLdif(decodeBytes(bytes, charset))) : openTable(pieces, delimiter ?? ",");
  const table = openTableImport(format, lazy, settings.mapping ?? {});
  return { format, charset, delimiter, ...table, warnings: [...warnings, ...table.warnings] };
}

/** What an upload shows: the detections, the record count and the first records as contacts.
 *  Throws ImportTooLargeError past `maxRows`. */
export type ImportSummary = Omit<Analysis, "rows"> & { total: number; preview: ImportRow[] };

export function summarizeImport(
  bytes: ByteSource,
  settings: ImportSettings = {},
  { maxRows = Number.POSITIVE_INFINITY } = {},
): ImportSummary {
  const { rows, count, ...found } = openImport(bytes, settings);
  const total = count();
  if (total > maxRows) throw tooMany(total, maxRows);
  const preview: ImportRow[] = [];
  for (const row of rows()) if (preview.push(row) >= PREVIEW_ROWS) break;
  return { ...found, total, preview };
}

/** Reads a whole import file under the given settings (each one left out is detected). */
export function analyzeImport(
  bytes: ByteSource,
  settings: ImportSettings = {},
  { maxRows = Number.POSITIVE_INFINITY } = {},
): Analysis {
  const { rows, count, ...found } = openImport(bytes, settings);
  const total = count();
  if (total > maxRows) throw tooMany(total, maxRows);
  return { ...found, rows: [...rows()] };
}
