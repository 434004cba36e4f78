// The contact fields a column can go to, in plain words, as the server's mapping language names
// them (core/formats/csv/column-mapping.ts); and a sample of each column read from the file itself,
// since the server's preview shows the mapped contacts, not the cells.
import { readTable, type Delimiter } from "../../core/formats/import/table";

const address = (kind: "business" | "home", label: string) =>
  (
    [
      ["street", "street"],
      ["city", "city"],
      ["region", "state or region"],
      ["postalCode", "postal code"],
      ["country", "country"],
    ] as const
  ).map(([part, words]) => [`addresses:${kind}.${part}`, `${label} address: ${words}`] as const);

export const fieldLabels: ReadonlyMap<string, string> = new Map([
  ["ignore", "Don't import"],
  ["notes", "Notes"],
  ["displayName", "Full name"],
  ["name.prefix", "Title (Mr., Dr.)"],
  ["name.given", "First name"],
  ["name.middle", "Middle name"],
  ["name.family", "Last name"],
  ["name.suffix", "Suffix"],
  ["name.nickname", "Nickname"],
  ["company", "Company"],
  ["department", "Department"],
  ["jobTitle", "Job title"],
  ["office", "Office"],
  ["manager", "Manager"],
  ["assistant", "Assistant"],
  ["birthday", "Birthday"],
  ["anniversary", "Anniversary"],
  ["emails:work", "Work e-mail"],
  ["emails:home", "Home e-mail"],
  ["emails:other", "Other e-mail"],
  ["phones:business", "Business phone"],
  ["phones:home", "Home phone"],
  ["phones:mobile", "Mobile phone"],
  ["phones:businessFax", "Business fax"],
  ["phones:other", "Other phone"],
  ...address("business", "Business"),
  ...address("home", "Home"),
  ["urls:work", "Web page"],
  ["categories", "Categories"],
]);

const listWords: Record<string, string> = {
  emails: "E-mail",
  phones: "Phone",
  addresses: "Address",
  urls: "Web page",
  im: "Instant messaging",
  events: "Date",
  relations: "Related person",
};
const propWords: Record<string, string> = {
  type: "kind",
  postalCode: "postal code",
  poBox: "PO box",
  region: "state or region",
  formatted: "as written",
};
const mainProps = new Set(["address", "number", "street", "url", "date", "name"]);

/** A format's own numbered target (`emails[0].address`, `phones[1].type`) in words: "E-mail 1", "Phone 2: type". */
function numberedLabel(target: string): string | undefined {
  const match = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(target);
  if (!match || !listWords[match[1]]) return undefined;
  const [, list, index, prop] = match;
  const entry = `${listWords[list]} ${Number(index) + 1}`;
  if (mainProps.has(prop) && list !== "addresses") return entry;
  return `${entry}: ${propWords[prop] ?? prop}`;
}

/** The label of a target; a target the list lacks (a format's own, such as `phones[0].number`) shows as itself. */
export function fieldLabel(target: string, column: string): string {
  if (target === `extra:${column}`) return "Keep as an extra field";
  if (target.startsWith("extra:")) return `Extra field "${target.slice(6)}"`;
  return fieldLabels.get(target) ?? numberedLabel(target) ?? target;
}

/** The choices for one column: its current target first unless listed, then the list, then "extra". */
export function choicesFor(column: string, current: string): { value: string; label: string }[] {
  const own = `extra:${column}`;
  const values = [...fieldLabels.keys(), own];
  if (!values.includes(current)) values.unshift(current);
  return values.map((value) => ({ value, label: fieldLabel(value, column) }));
}

const SAMPLE_BYTES = 64 * 1024;

/** The first non-empty cell of each column among the file's first records, as the browser reads them. */
export async function columnSamples(file: File, charset: string, delimiter: string | null): Promise<string[]> {
  if (!delimiter) return [];
  const bytes = await file.slice(0, SAMPLE_BYTES).arrayBuffer();
  let text: string;
  try {
    text = new TextDecoder(charset).decode(bytes);
  } catch {
    return [];
  }
  if (file.size > SAMPLE_BYTES) text = text.slice(0, Math.max(0, text.lastIndexOf("\n")));
  const table = readTable(text, delimiter as Delimiter);
  return table.columns.map((_column, i) => {
    for (const row of table.rows.slice(0, 50)) {
      const cell = row.cells[i]?.trim();
      if (cell) return cell.length > 60 ? `${cell.slice(0, 57)}…` : cell;
    }
    return "";
  });
}
