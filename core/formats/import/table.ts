// CSV text → header and records, each record with the line of the file it starts on (a quoted
// cell may span lines, so a record's number is not its line). Records are split here, quote-aware,
// and each is read on its own: a malformed record is an error of its own line and no other.

export const delimiters = [",", ";", "\t"] as const;
export type Delimiter = (typeof delimiters)[number];

export type TableRow = { row: number; cells: string[] };
export type Table = { columns: string[]; rows: TableRow[]; errors: { row: number; message: string }[] };

type RawRecord = { line: number; text: string };

/** Records of the text, each with the line it starts on; blank lines are left out. With the
 *  delimiter known, only a quote that starts a cell opens a quoted cell (`5" tall` is text). */
export function splitRecords(text: string, delimiter?: Delimiter): RawRecord[] {
  return [...recordsOf(text, delimiter)];
}

/** splitRecords one record at a time: a large file's records are never all held at once. The
 *  text may come in pieces (decodeWindows), cut anywhere: only the record being read is kept
 *  from one piece to the next. */
export function* recordsOf(source: string | Iterable<string>, delimiter?: Delimiter): Generator<RawRecord> {
  const pieces = (typeof source === "string" ? [source] : source)[Symbol.iterator]();
  let text = "";
  let more = true;
  let quoted = false;
  let cellStart = true;
  let start = 0;
  let startLine = 1;
  let line = 1;
  let i = 0;
  for (;;) {
    // The character at i and the one after it (a quote's lookahead) are in `text` while any are left.
    if (i + 1 >= text.length && more) {
      const next = pieces.next();
      if (next.done) more = false;
      else {
        text = text.slice(start) + next.value;
        i -= start;
        start = 0;
      }
      continue;
    }
    if (i >= text.length) break;
    const c = text[i++];
    if (c === "\n") line++;
    if (quoted) {
      if (c === '"' && text[i] === '"') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"' && (cellStart || delimiter === undefined)) {
      quoted = true;
      continue;
    }
    cellStart = c === delimiter || c === "\r" || c === "\n";
    if (c !== "\n") continue;
    const body = text.slice(start, i - 1).replace(/\r$/, "");
    if (body.trim()) yield { line: startLine, text: body };
    start = i;
    startLine = line;
  }
  const rest = text.slice(start).replace(/\r$/, "");
  if (rest.trim()) yield { line: startLine, text: rest };
}

/** The delimiter that occurs most often outside quotes in the header line; "," on a tie or none. */
export function sniffDelimiter(text: string): Delimiter {
  const header = (splitRecords(text.slice(0, 256 * 1024))[0]?.text ?? "").replace(/"[^"]*"/g, "");
  const counts = delimiters.map((d) => header.split(d).length - 1);
  const best = Math.max(...counts);
  return best === 0 ? "," : delimiters[counts.indexOf(best)];
}

/** The cells of one record (RFC 4180: `""` is a quote inside a quoted cell). A quote inside an
 *  unquoted cell is kept as it is; text after a closing quote, or a quote never closed, is an error. */
export function cellsOf(text: string, delimiter: Delimiter): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      for (i++; ; ) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error("a quote opened in this record is never closed");
        value += text.slice(i, q);
        i = q + 1;
        if (text[i] !== '"') break;
        value += '"';
        i++;
      }
      if (i < text.length && text[i] !== delimiter)
        throw new Error(`"${text[i]}" follows a closing quote where a delimiter should`);
      cells.push(value);
    } else {
      const next = text.indexOf(delimiter, i);
      const end = next < 0 ? text.length : next;
      cells.push(text.slice(i, end));
      i = end;
    }
    if (i >= text.length) return cells;
    i++; // the delimiter
    if (i === text.length) return [...cells, ""];
  }
}

/** One record of a table: its cells, or why it cannot be read. */
export type TableEntry = { row: number; cells?: string[]; error?: string };
/** A table read as it is walked: the header at once, the records one at a time, as often as asked. */
export type LazyTable = { columns: string[]; entries(): Generator<TableEntry> };

/** The header of CSV text, and its records on demand. A record that cannot be read is that line's
 *  error. The text may be a function giving it anew in pieces at each walk (decodeWindows). */
export function openTable(text: string | (() => Iterable<string>), delimiter: Delimiter): LazyTable {
  const source = typeof text === "string" ? () => text : text;
  const head = recordsOf(source(), delimiter).next();
  const columns = head.done ? [] : cellsOf(head.value.text, delimiter).map((c) => c.trim());
  function* entries(): Generator<TableEntry> {
    const records = recordsOf(source(), delimiter);
    records.next(); // the header
    for (const record of records) {
      try {
        yield { row: record.line, cells: cellsOf(record.text, delimiter) };
      } catch (err) {
        yield { row: record.line, error: `this record cannot be read: ${(err as Error).message}` };
      }
    }
  }
  return { columns, entries };
}

/** A table already read (LDIF) as a LazyTable: its records and errors in the file's order. */
export function lazyTable(table: Table): LazyTable {
  const all: TableEntry[] = [
    ...table.errors.map((e) => ({ row: e.row, error: e.message })),
    ...table.rows.map((r) => ({ row: r.row, cells: r.cells })),
  ].sort((a, b) => a.row - b.row);
  return {
    columns: table.columns,
    *entries() {
      yield* all;
    },
  };
}

/** The header and the records of CSV text. A record that cannot be read is that line's error. */
export function readTable(text: string, delimiter: Delimiter): Table {
  const lazy = openTable(text, delimiter);
  const table: Table = { columns: lazy.columns, rows: [], errors: [] };
  for (const e of lazy.entries())
    if (e.cells) table.rows.push({ row: e.row, cells: e.cells });
    else table.errors.push({ row: e.row, message: e.error! });
  return table;
}
