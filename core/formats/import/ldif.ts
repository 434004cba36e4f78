// LDIF (RFC 2849), as Thunderbird's "Export → LDIF" writes an address book: one record per
// entry, separated by blank lines; a line starting with one space continues the previous one;
// "attr:: " carries base64 (of UTF-8 text), "#" starts a comment. Records become a table whose
// columns are the attribute names (an attribute given twice is one cell, its values joined by
// " ::: ", the mapping language's multi-value separator), so the column mapping applies as to CSV.
import iconv from "iconv-lite";
import type { Table } from "./table";

const multiValueSeparator = " ::: ";

type Entry = { line: number; values: Map<string, string[]> };

function unfold(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const last = lines[lines.length - 1];
    if (raw.startsWith(" ") && last && last.text !== "") last.text += raw.slice(1);
    else lines.push({ line: i + 1, text: raw });
  });
  return lines.filter((l) => !l.text.startsWith("#"));
}

function base64Text(data: string): string {
  return iconv.decode(iconv.encode(data, "base64"), "utf8");
}

function attributeValue(rest: string): string {
  if (rest.startsWith(":")) return base64Text(rest.slice(1).trim());
  if (rest.startsWith("<")) return ""; // a URL to fetch: nothing an import reads
  return rest.replace(/^ /, "");
}

/** Whether the text looks like LDIF: its first content line is "version:" or "dn:". */
export function looksLikeLdif(text: string): boolean {
  const first = unfold(text).find((l) => l.text.trim());
  return first !== undefined && /^(version|dn):/i.test(first.text);
}

/** The entries of LDIF text as a table; a line that is not "attribute: value" is that entry's error. */
export function readLdif(text: string): Table {
  const entries: Entry[] = [];
  const errors: Table["errors"] = [];
  let current: Entry | undefined;
  const columns: string[] = [];
  const known = new Map<string, string>();
  for (const { line, text: l } of unfold(text)) {
    if (!l.trim()) {
      current = undefined;
      continue;
    }
    const colon = l.indexOf(":");
    if (colon <= 0) {
      errors.push({ row: current?.line ?? line, message: `line ${line} is not "attribute: value"` });
      continue;
    }
    const name = l.slice(0, colon).split(";")[0].trim();
    if (/^version$/i.test(name) && !current && entries.length === 0) continue;
    if (!current) {
      current = { line, values: new Map() };
      entries.push(current);
    }
    const key = name.toLowerCase();
    if (!known.has(key)) {
      known.set(key, name);
      columns.push(name);
    }
    const column = known.get(key)!;
    current.values.set(column, [...(current.values.get(column) ?? []), attributeValue(l.slice(colon + 1))]);
  }
  const rows = entries.map((e) => ({
    row: e.line,
    cells: columns.map((c) => (e.values.get(c) ?? []).filter(Boolean).join(multiValueSeparator)),
  }));
  return { columns, rows, errors };
}
