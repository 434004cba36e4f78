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
  const records = parse(text, {
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (err) => {
      unreadable.push({ row: Number(err?.records ?? 0) + 1, message: err?.message ?? "unreadable record" });
      return undefined;
    },
  }) as unknown as { record: string[]; info: { records: number } }[];
  const [head, ...body] = records;
  return {
    delimiter,
    headers: (head?.record ?? []).map((h) => h.trim()),
    rows: body.map(({ record, info }) => ({ row: info.records, cells: record })),
    unreadable,
  };
}
