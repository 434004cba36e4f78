// Contacts → CSV that Outlook (English column names) or Google Contacts import.
// What the formats cannot hold is lost, by design of the formats:
// - both: no display-name column; an importer derives it from the name parts.
// - Outlook: three e-mails (kinds dropped), one address per kind, one phone per
//   Outlook slot (a second "home"/"business" goes to Home/Business Phone 2),
//   one URL, no nickname, IM, file-as or year-less dates. Extras imported from
//   an Outlook CSV come back in their columns.
// - Google: no IM, no office location, no extras.
import type { Contact, PhoneType } from "../../contact/contact";
import { stringify } from "csv-stringify/sync";
import { formatIsoDate, formatOutlookDate } from "./csv-dates";
import { neutralizeCell } from "./csv-injection";
import { type OutlookColumn, outlookColumns } from "./outlook-columns";
import { multiValueSeparator } from "./row-to-contact";
import { addressLabels, emailLabels, phoneLabels, urlLabels } from "./type-labels";

export type CsvExportFormat = "outlook" | "google";

type Row = Map<string, string>;

const outlookPhoneColumns: Record<PhoneType, OutlookColumn> = {
  assistant: "Assistant's Phone",
  business: "Business Phone",
  business2: "Business Phone 2",
  businessFax: "Business Fax",
  callback: "Callback",
  car: "Car Phone",
  company: "Company Main Phone",
  home: "Home Phone",
  home2: "Home Phone 2",
  homeFax: "Home Fax",
  isdn: "ISDN",
  mobile: "Mobile Phone",
  other: "Other Phone",
  otherFax: "Other Fax",
  pager: "Pager",
  primary: "Primary Phone",
  radio: "Radio Phone",
  telex: "Telex",
  tty: "TTY/TDD Phone",
};
const secondSlot: Partial<Record<PhoneType, PhoneType>> = { home: "home2", business: "business2" };
const outlookAddressPrefix = { business: "Business", home: "Home", other: "Other" } as const;

const setIfEmpty = (row: Row, column: string, value: string | undefined) => {
  if (value && !row.get(column)) row.set(column, value);
};

function outlookPhones(contact: Contact, row: Row): void {
  for (const phone of contact.phones) {
    const column = outlookPhoneColumns[phone.type];
    const spare = secondSlot[phone.type];
    if (!row.get(column)) row.set(column, phone.number);
    else if (spare) setIfEmpty(row, outlookPhoneColumns[spare], phone.number);
  }
}

function outlookAddresses(contact: Contact, row: Row): void {
  for (const address of contact.addresses) {
    const prefix = outlookAddressPrefix[address.type];
    if (row.get(`${prefix} Street`) || row.get(`${prefix} City`)) continue;
    // Outlook keeps three street lines; later lines share the third.
    const [line1, line2, ...rest] = (address.street ?? "").split(/\r?\n/);
    row.set(`${prefix} Street`, line1);
    setIfEmpty(row, `${prefix} Street 2`, line2);
    setIfEmpty(row, `${prefix} Street 3`, rest.join(" "));
    setIfEmpty(row, `${prefix} City`, address.city);
    setIfEmpty(row, `${prefix} State`, address.region);
    setIfEmpty(row, `${prefix} Postal Code`, address.postalCode);
    setIfEmpty(row, `${prefix} Country/Region`, address.country);
    setIfEmpty(row, `${prefix} Address PO Box`, address.poBox);
  }
}

export function outlookRow(contact: Contact): Row {
  const row: Row = new Map();
  const n = contact.name ?? {};
  for (const [column, value] of [
    ["Title", n.prefix],
    ["First Name", n.given],
    ["Middle Name", n.middle],
    ["Last Name", n.family],
    ["Suffix", n.suffix],
    ["Company", contact.company],
    ["Department", contact.department],
    ["Job Title", contact.jobTitle],
    ["Office Location", contact.office],
    ["Manager's Name", contact.manager],
    ["Assistant's Name", contact.assistant],
    ["Birthday", formatOutlookDate(contact.birthday)],
    ["Anniversary", formatOutlookDate(contact.anniversary)],
    ["Categories", contact.categories.join(";")],
    ["Notes", contact.notes],
    ["Web Page", contact.urls[0]?.url],
  ] as const)
    setIfEmpty(row, column, value);
  // A contact with nothing but a display name still needs a name in Outlook.
  if (!n.given && !n.family && !n.middle) setIfEmpty(row, "Last Name", contact.displayName);
  contact.emails.slice(0, 3).forEach((email, i) => {
    const slot = i === 0 ? "E-mail" : `E-mail ${i + 1}`;
    row.set(`${slot} Address`, email.address);
    row.set(`${slot} Type`, "SMTP");
  });
  outlookPhones(contact, row);
  outlookAddresses(contact, row);
  for (const extra of contact.extra)
    if (extra.source === "csv" && (outlookColumns as readonly string[]).includes(extra.name))
      setIfEmpty(row, extra.name, extra.value);
  return row;
}

const googleBaseColumns = [
  "First Name",
  "Middle Name",
  "Last Name",
  "Phonetic First Name",
  "Phonetic Middle Name",
  "Phonetic Last Name",
  "Name Prefix",
  "Name Suffix",
  "Nickname",
  "File As",
  "Organization Name",
  "Organization Title",
  "Organization Department",
  "Birthday",
  "Notes",
  "Photo",
  "Labels",
];
const googleAddressParts = [
  "Label",
  "Formatted",
  "Street",
  "City",
  "PO Box",
  "Region",
  "Postal Code",
  "Country",
  "Extended Address",
];

function googleRelations(contact: Contact): { label: string; value: string }[] {
  return [
    contact.manager ? { label: "Manager", value: contact.manager } : undefined,
    contact.assistant ? { label: "Assistant", value: contact.assistant } : undefined,
  ].filter((r) => r !== undefined);
}

export function googleRow(contact: Contact): Row {
  const row: Row = new Map();
  const n = contact.name ?? {};
  for (const [column, value] of [
    ["First Name", n.given],
    ["Middle Name", n.middle],
    ["Last Name", n.family],
    ["Name Prefix", n.prefix],
    ["Name Suffix", n.suffix],
    ["Nickname", n.nickname],
    ["File As", n.fileAs],
    ["Organization Name", contact.company],
    ["Organization Title", contact.jobTitle],
    ["Organization Department", contact.department],
    ["Birthday", formatIsoDate(contact.birthday)],
    ["Notes", contact.notes],
    ["Labels", ["* myContacts", ...contact.categories].join(multiValueSeparator)],
  ] as const)
    setIfEmpty(row, column, value);
  if (!n.given && !n.family && !n.middle) setIfEmpty(row, "First Name", contact.displayName);
  contact.emails.forEach((e, i) =>
    row.set(`E-mail ${i + 1} - Label`, emailLabels[e.type]).set(`E-mail ${i + 1} - Value`, e.address),
  );
  contact.phones.forEach((p, i) =>
    row.set(`Phone ${i + 1} - Label`, phoneLabels[p.type]).set(`Phone ${i + 1} - Value`, p.number),
  );
  contact.addresses.forEach((a, i) => {
    const [street, ...extended] = (a.street ?? "").split(/\r?\n/);
    const prefix = `Address ${i + 1} -`;
    row
      .set(`${prefix} Label`, addressLabels[a.type])
      .set(`${prefix} Street`, street)
      .set(`${prefix} Extended Address`, extended.join("\n"));
    for (const [part, value] of [
      ["City", a.city],
      ["PO Box", a.poBox],
      ["Region", a.region],
      ["Postal Code", a.postalCode],
      ["Country", a.country],
    ] as const) {
      setIfEmpty(row, `${prefix} ${part}`, value);
    }
  });
  googleRelations(contact).forEach((r, i) =>
    row.set(`Relation ${i + 1} - Label`, r.label).set(`Relation ${i + 1} - Value`, r.value),
  );
  if (contact.anniversary)
    row.set("Event 1 - Label", "Anniversary").set("Event 1 - Value", formatIsoDate(contact.anniversary));
  contact.urls.forEach((u, i) =>
    row.set(`Website ${i + 1} - Label`, urlLabels[u.type]).set(`Website ${i + 1} - Value`, u.url),
  );
  return row;
}

/** How many numbered groups of each kind Google's header needs. */
export type GoogleShape = { emails: number; phones: number; addresses: number; relations: number; urls: number };

/** The shape the fullest of these contacts needs (at least one group of each); `prior` widens it. */
export function googleShapeOf(contacts: Contact[], prior?: GoogleShape): GoogleShape {
  const most = (count: (c: Contact) => number, floor = 1) => Math.max(floor, ...contacts.map(count));
  return {
    emails: most((c) => c.emails.length, prior?.emails),
    phones: most((c) => c.phones.length, prior?.phones),
    addresses: most((c) => c.addresses.length, prior?.addresses),
    relations: most((c) => googleRelations(c).length, prior?.relations),
    urls: most((c) => c.urls.length, prior?.urls),
  };
}

// Google's header has as many numbered groups as the fullest contact needs.
export function googleColumnsFor(shape: GoogleShape): string[] {
  const groups = (name: string, parts: string[], count: number) =>
    Array.from({ length: count }, (_, i) => parts.map((p) => `${name} ${i + 1} - ${p}`)).flat();
  return [
    ...googleBaseColumns,
    ...groups("E-mail", ["Label", "Value"], shape.emails),
    ...groups("Phone", ["Label", "Value"], shape.phones),
    ...groups("Address", googleAddressParts, shape.addresses),
    ...groups("Relation", ["Label", "Value"], shape.relations),
    ...groups("Event", ["Label", "Value"], 1),
    ...groups("Website", ["Label", "Value"], shape.urls),
  ];
}

const googleColumns = (contacts: Contact[]) => googleColumnsFor(googleShapeOf(contacts));

export const isPhoneColumn = (format: CsvExportFormat, column: string) =>
  format === "google"
    ? /^Phone \d+ - Value$/.test(column)
    : (Object.values(outlookPhoneColumns) as string[]).includes(column);

/** CSV text with CRLF line ends. The Outlook file starts with a BOM so that
 *  Outlook and Excel read it as UTF-8; Google's must not (its importer then
 *  misses the first header). */
export function contactsToCsv(contacts: Contact[], format: CsvExportFormat): string {
  const columns = format === "outlook" ? [...outlookColumns] : googleColumns(contacts);
  const rows = contacts.map(format === "outlook" ? outlookRow : googleRow);
  const records = rows.map((row) =>
    columns.map((column) => neutralizeCell(row.get(column) ?? "", { isPhone: isPhoneColumn(format, column) })),
  );
  const text = stringify([columns, ...records], { record_delimiter: "windows", quoted: format === "outlook" });
  return format === "outlook" ? `\ufeff${text}` : text;
}
