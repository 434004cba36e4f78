// CSV text → header and records, each record with the line of the file it starts on (a quoted
// cell may span lines, so a record's number is not its line). Records are split here, quote-aware,
// and each is parsed on its own: a malformed record is an error of its own line and no other.
import { parse } from "csv-parse/sync";

export const delimiters = [",", ";", "\t"] as const;
export type Delimiter = (typeof delimiters)[number];

export type TableRow = { row: number; cells: string[] };
export type Table = { columns: string[]; rows: TableRow[]; errors: { row: number; message: string }[] };

type RawRecord = { line: number; text: string };

/** Records of the text, each with the line it starts on; blank lines are left out. */
export function splitRecords(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  let quoted = false;
  let start = 0;
  let startLine = 1;
  let line = 1;
  const end = (at: number) => {
    const body = text.slice(start, at).replace(/\r$/, "");
    if (body.trim()) records.push({ line: startLine, text: body });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === "\n") {
      line++;
      if (!quoted) {
        end(i);
        start = i + 1;
        startLine = line;
      }
    }
  }
  if (start < text.length) end(text.length);
  return records;
}

/** The delimiter that occurs most often outside quotes in the header line; "," on a tie or none. */
export function sniffDelimiter(text: string): Delimiter {
  const header = (splitRecords(text)[0]?.text ?? "").replace(/"[^"]*"/g, "");
  const counts = delimiters.map((d) => header.split(d).length - 1);
  const best = Math.max(...counts);
  return best === 0 ? "," : delimiters[counts.indexOf(best)];
}

function cellsOf(record: RawRecord, delimiter: Delimiter): string[] {
  const parsed = parse(record.text, { delimiter, relax_column_count: true }) as string[][];
  return parsed[0] ?? [];
}

/** The header and the records of CSV text. A record csv-parse cannot read is that line's error. */
export function readTable(text: string, delimiter: Delimiter): Table {
  const [head, ...body] = splitRecords(text);
  const table: Table = { columns: [], rows: [], errors: [] };
  if (!head) return table;
  table.columns = cellsOf(head, delimiter).map((c) => c.trim());
  for (const record of body) {
    try {
      table.rows.push({ row: record.line, cells: cellsOf(record, delimiter) });
    } catch (err) {
      const message = err instanceof Error ? err.message.replace(/ at line \d+/, "") : String(err);
      table.errors.push({ row: record.line, message: `this record cannot be read: ${message}` });
    }
  }
  return table;
}
