// A book written out a page at a time, so exporting any number of contacts holds one page in
// memory: `head` once, then `rows` for each page. Google's and the generic CSV's headers depend on
// the fullest contact (how many e-mail, phone… groups), so those take a `shape` gathered first.
// Cells a spreadsheet would run as a formula are made inert (csv-injection.ts); plain phone
// numbers such as "+49 30 1234567" are left as they are.
import { stringify } from "csv-stringify/sync";
import type { Contact } from "../../contact/contact";
import { addressParts } from "../csv/column-mapping";
import { formatIsoDate } from "../csv/csv-dates";
import { neutralizeCell } from "../csv/csv-injection";
import {
  type GoogleShape,
  googleColumnsFor,
  googleRow,
  googleShapeOf,
  isPhoneColumn,
  outlookRow,
} from "../csv/export-contacts";
import { outlookColumns } from "../csv/outlook-columns";
import { multiValueSeparator } from "../csv/row-to-contact";
import { addressLabels, emailLabels, phoneLabels, urlLabels } from "../csv/type-labels";
import { emitVCard } from "../vcard/from-contact";

export const exportFormats = ["outlook-csv", "google-csv", "csv", "vcard3", "vcard4"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export type ExportShape = GoogleShape & { im: number };

/** Whether the header needs a first pass over the contacts (exportShapeOf). */
export const needsShape = (format: ExportFormat) => format === "google-csv" || format === "csv";

export function exportShapeOf(contacts: Contact[], prior?: ExportShape): ExportShape {
  return { ...googleShapeOf(contacts, prior), im: Math.max(prior?.im ?? 1, ...contacts.map((c) => c.im.length)) };
}

export const exportMediaType = (format: ExportFormat) => (format.startsWith("vcard") ? "text/vcard" : "text/csv");
export const exportExtension = (format: ExportFormat) => (format.startsWith("vcard") ? "vcf" : "csv");

const nameParts = ["prefix", "given", "middle", "family", "suffix", "nickname", "fileAs"] as const;
const textFields = ["company", "department", "jobTitle", "office", "manager", "assistant"] as const;

// The generic CSV's header is written in the column-mapping language itself (column-mapping.ts),
// so a generic CSV this server wrote maps itself on import.
function genericColumns(shape: ExportShape): string[] {
  const list = (name: string, count: number, props: readonly string[]) =>
    Array.from({ length: count }, (_, i) => props.map((p) => `${name}[${i}].${p}`)).flat();
  return [
    "displayName",
    ...nameParts.map((p) => `name.${p}`),
    ...textFields,
    "birthday",
    "anniversary",
    "categories",
    "notes",
    ...list("emails", shape.emails, ["address", "type"]),
    ...list("phones", shape.phones, ["number", "type"]),
    ...list("addresses", shape.addresses, [...addressParts, "type"]),
    ...list("urls", shape.urls, ["url", "type"]),
    ...list("im", shape.im, ["address", "type"]),
  ];
}

function genericRow(c: Contact): Map<string, string> {
  const row = new Map<string, string>();
  const set = (k: string, v: string | undefined) => v && row.set(k, v);
  set("displayName", c.displayName);
  for (const p of nameParts) set(`name.${p}`, c.name?.[p]);
  for (const f of textFields) set(f, c[f]);
  set("birthday", formatIsoDate(c.birthday));
  set("anniversary", formatIsoDate(c.anniversary));
  set("categories", c.categories.join(multiValueSeparator));
  set("notes", c.notes);
  c.emails.forEach((e, i) => set(`emails[${i}].address`, e.address) && set(`emails[${i}].type`, emailLabels[e.type]));
  c.phones.forEach((p, i) => set(`phones[${i}].number`, p.number) && set(`phones[${i}].type`, phoneLabels[p.type]));
  c.addresses.forEach((a, i) => {
    for (const part of addressParts) set(`addresses[${i}].${part}`, a[part]);
    set(`addresses[${i}].type`, addressLabels[a.type]);
  });
  c.urls.forEach((u, i) => set(`urls[${i}].url`, u.url) && set(`urls[${i}].type`, urlLabels[u.type]));
  c.im.forEach((m, i) => set(`im[${i}].address`, m.address) && set(`im[${i}].type`, m.type));
  return row;
}

export type ExportWriter = { head: string; rows(contacts: Contact[]): string };

function csvWriter(
  columns: string[],
  rowOf: (c: Contact) => Map<string, string>,
  phone: (column: string) => boolean,
  quoted: boolean,
) {
  // A cell with a bare LF must be quoted too: csv-stringify quotes only the record delimiter (CRLF).
  const options = { record_delimiter: "windows", quoted, quoted_match: /[\r\n]/ } as const;
  const line = (cells: string[]) => stringify([cells], options);
  const phones = columns.map(phone); // once, not for each cell of each row
  return {
    head: line(columns),
    rows: (contacts: Contact[]) =>
      contacts.length === 0
        ? ""
        : stringify(
            contacts.map((c) => {
              const row = rowOf(c);
              return columns.map((col, i) => neutralizeCell(row.get(col) ?? "", { isPhone: phones[i] }));
            }),
            options,
          ),
  };
}

/** The writer for a format. `bom`: start UTF-8 Outlook CSV with a BOM, so Outlook and Excel read
 *  it as UTF-8. Contacts must carry their photo `data` for vCard to include photos. */
export function exportWriter(
  format: ExportFormat,
  shape: ExportShape = exportShapeOf([]),
  { bom = false } = {},
): ExportWriter {
  switch (format) {
    case "outlook-csv": {
      const w = csvWriter([...outlookColumns], outlookRow, (c) => isPhoneColumn("outlook", c), true);
      return { ...w, head: (bom ? "\ufeff" : "") + w.head };
    }
    case "google-csv":
      return csvWriter(googleColumnsFor(shape), googleRow, (c) => isPhoneColumn("google", c), false);
    case "csv":
      return csvWriter(genericColumns(shape), genericRow, (c) => /^phones\[\d+\]\.number$/.test(c), false);
    case "vcard3":
    case "vcard4": {
      const version = format === "vcard3" ? "3.0" : "4.0";
      return { head: "", rows: (contacts) => contacts.map((c) => emitVCard(c, version)).join("") };
    }
  }
}
