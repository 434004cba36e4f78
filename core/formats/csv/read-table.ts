// Splits CSV text into a header row and data rows. Excel writes ";" where the
// locale's decimal separator is ",", and "Unicode text" exports use tabs, so
// the delimiter is taken from the header line rather than assumed.
import { parse } from "csv-parse/sync";

export type CsvDelimiter = "," | ";" | "\t";

export interface CsvTable {
  delimiter: CsvDelimiter;
  headers: string[];
  /** Data records in file order; `row` counts records as a spreadsheet does (header = 1). */
  rows: { row: number; cells: string[] }[];
  /** Records csv-parse could not read (e.g. a stray quote), by row number. */
  unreadable: { row: number; message: string }[];
}

function firstLine(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if ((c === "\n" || c === "\r") && !quoted) return text.slice(0, i);
  }
  return text;
}

/** The candidate that occurs most often outside quotes in the header line; "," on a tie or none. */
export function detectDelimiter(text: string): CsvDelimiter {
  const line = firstLine(text).replace(/"[^"]*"/g, "");
  const candidates: CsvDelimiter[] = [",", ";", "\t"];
  const counts = candidates.map((d) => line.split(d).length - 1);
  const best = Math.max(...counts);
  return best === 0 ? "," : candidates[counts.indexOf(best)];
}

export function readCsvTable(text: string): CsvTable {
  const delimiter = detectDelimiter(text);
  const unreadable: CsvTable["unreadable"] = [];
  // Records and skipped records arrive in file order; numbering them together
  // keeps row numbers right after a record that could not be read.
  let nextRow = 1;
  const rowNumbers: number[] = [];
  const records = parse(text, {
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: string[]) => {
      rowNumbers.push(nextRow++);
      return record;
    },
    on_skip: (err) => {
      const notClosed = err?.code === "CSV_QUOTE_NOT_CLOSED";
      const row = notClosed ? nextRow : nextRow++;
      unreadable.push({
        row,
        message: notClosed
          ? `a quote opened here is never closed, so the rest of the file could not be read (${err?.message})`
          : (err?.message ?? "unreadable record"),
      });
      return undefined;
    },
  });
  const [head, ...body] = records;
  const rows = body.map((cells, i) => ({ row: rowNumbers[i + 1], cells }));
  return { delimiter, headers: (head ?? []).map((h) => h.trim()), rows, unreadable };
}
