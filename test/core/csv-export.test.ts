import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { type Contact, type ContactInput, contactSchema } from "../../core/contact/contact";
import { normalizeContact } from "../../core/contact/content-hash";
import { contactsToCsv, parseContactsCsv } from "../../core/formats/csv";
import { neutralizeCell } from "../../core/formats/csv/csv-injection";
import { outlookColumns } from "../../core/formats/csv/outlook-columns";

const contact = (input: Omit<ContactInput, "uid">): Contact => contactSchema.parse({ uid: "u1", ...input });
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/csv/${name}`, import.meta.url)));
const rowsOf = (csv: string) => parse(csv, { bom: true }) as string[][];
const cell = (csv: string, column: string, record = 1) => {
  const rows = rowsOf(csv);
  return rows[record][rows[0].indexOf(column)];
};
// uid comes from the row, so only the content is compared.
const same = (a: Contact, b: Contact) => assert.deepEqual(normalizeContact(a), normalizeContact(b));

const margaret = contact({
  displayName: "Margaret J. Hamilton PhD",
  name: { prefix: "Dr.", given: "Margaret", middle: "J.", family: "Hamilton", suffix: "PhD" },
  emails: [
    { type: "other", address: "margaret@apollo.example" },
    { type: "other", address: "mh@home.example" },
  ],
  phones: [
    { type: "business", number: "+1 617 555 0100" },
    { type: "business2", number: "+1 617 555 0102" },
    { type: "mobile", number: "+1 617 555 0142" },
    { type: "tty", number: "+1 617 555 0111" },
  ],
  addresses: [
    {
      type: "business",
      street: "1 Memorial Drive\nBuilding 7\nRoom 101",
      city: "Cambridge",
      region: "MA",
      postalCode: "02139",
      country: "USA",
      poBox: "PO 7",
    },
    { type: "home", street: "12 Elm St", city: "Boston" },
  ],
  company: "Apollo Software Ltd",
  department: "Flight Software",
  jobTitle: "Director",
  office: "Bldg 7",
  manager: "Robert Chilton",
  assistant: "Dana Densmore",
  birthday: "1936-08-17",
  anniversary: "1958-06-01",
  urls: [{ type: "other", url: "https://apollo.example/mh" }],
  categories: ["Clients", "VIP"],
  notes: 'Line one\nLine two, with a comma and "quotes"',
  extra: [{ source: "csv", name: "Spouse", value: "James Hamilton" }],
});

describe("CSV export: Outlook", () => {
  it("writes Outlook's 92 English columns in Outlook's order, after a UTF-8 BOM, with CRLF", () => {
    const csv = contactsToCsv([margaret], "outlook");
    assert.ok(csv.startsWith('\ufeff"Title","First Name"'));
    assert.deepEqual(rowsOf(csv)[0], [...outlookColumns]);
    assert.ok(csv.includes("\r\n"));
  });

  it("round-trips an Outlook export through import without losing what the format holds", () => {
    const [back, ...rest] = parseContactsCsv(contactsToCsv([margaret], "outlook")).contacts;
    assert.equal(rest.length, 0);
    same(back, margaret);
  });

  it("round-trips the Outlook fixture: import → export → import gives the same contacts", () => {
    const first = parseContactsCsv(fixture("outlook-en.csv")).contacts;
    const second = parseContactsCsv(contactsToCsv(first, "outlook")).contacts;
    assert.equal(second.length, first.length);
    first.forEach((c, i) => same(second[i], c));
  });

  it("splits a multi-line street over Street, Street 2 and Street 3 and writes M/D/YYYY dates", () => {
    const csv = contactsToCsv([margaret], "outlook");
    assert.equal(cell(csv, "Business Street"), "1 Memorial Drive");
    assert.equal(cell(csv, "Business Street 2"), "Building 7");
    assert.equal(cell(csv, "Business Street 3"), "Room 101");
    assert.equal(cell(csv, "Birthday"), "8/17/1936");
    assert.equal(cell(csv, "Categories"), "Clients;VIP");
  });

  it("puts a second home phone into Home Phone 2 and drops e-mails beyond Outlook's three", () => {
    const many = contact({
      displayName: "Many",
      emails: ["a", "b", "c", "d"].map((x) => ({ type: "other" as const, address: `${x}@x.example` })),
      phones: [
        { type: "home", number: "111" },
        { type: "home", number: "222" },
      ],
    });
    const csv = contactsToCsv([many], "outlook");
    assert.equal(cell(csv, "Home Phone"), "111");
    assert.equal(cell(csv, "Home Phone 2"), "222");
    assert.equal(cell(csv, "E-mail 3 Address"), "c@x.example");
    assert.ok(!csv.includes("d@x.example"));
  });
});

describe("CSV export: Google", () => {
  it("round-trips a Google export through import, labels and multi-line streets included", () => {
    const withNickname = contact({
      ...margaret,
      office: undefined,
      extra: [],
      name: { ...margaret.name, nickname: "Maggie", fileAs: "Hamilton, Margaret" },
      emails: [
        { type: "work", address: "w@x.example" },
        { type: "home", address: "h@x.example" },
      ],
      urls: [{ type: "work", url: "https://x.example" }],
      birthday: "--08-17",
    });
    const csv = contactsToCsv([withNickname], "google");
    assert.ok(!csv.startsWith("\ufeff"), "Google's importer misreads a BOM");
    const result = parseContactsCsv(csv);
    assert.equal(result.format, "google");
    same(result.contacts[0], withNickname);
  });

  it("round-trips the Google fixture: import → export → import gives the same contacts", () => {
    const first = parseContactsCsv(fixture("google.csv")).contacts.map((c) => ({ ...c, extra: [] }));
    const second = parseContactsCsv(contactsToCsv(first, "google")).contacts;
    first.forEach((c, i) => same(second[i], c));
  });

  it("gives the header as many numbered groups as the fullest contact needs", () => {
    const three = contact({
      displayName: "T",
      phones: [
        { type: "home", number: "1" },
        { type: "mobile", number: "2" },
        { type: "pager", number: "3" },
      ],
    });
    const header = rowsOf(contactsToCsv([three, contact({ displayName: "U" })], "google"))[0];
    assert.ok(header.includes("Phone 3 - Value"));
    assert.ok(!header.includes("Phone 4 - Value"));
    assert.ok(header.includes("E-mail 1 - Value"));
  });
});

describe("CSV export: injection", () => {
  it("prefixes a quote to every cell that a spreadsheet would run as a formula", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      assert.equal(neutralizeCell(`${start}cmd|' /C calc'!A0`), `'${start}cmd|' /C calc'!A0`);
    assert.equal(neutralizeCell("plain"), "plain");
  });

  it("escapes formulas in names, notes and company on export and reads them back unchanged", () => {
    const given = '=HYPERLINK("http://evil.example","click")';
    const evil = contact({
      displayName: `${given} @SUM(1+1)`,
      name: { given, family: "@SUM(1+1)" },
      company: "-2+3",
      notes: "+cmd|' /C calc'!A0",
    });
    for (const format of ["outlook", "google"] as const) {
      const csv = contactsToCsv([evil], format);
      const record = rowsOf(csv)[1];
      assert.ok(
        record.every((c) => !/^[=+\-@\t\r]/.test(c)),
        `${format}: ${record.filter((c) => /^[=+\-@]/.test(c))}`,
      );
      same(parseContactsCsv(csv).contacts[0], evil);
    }
  });

  it("leaves a plain international phone number alone but still escapes a formula in a phone column", () => {
    const phones = contact({
      displayName: "P",
      phones: [
        { type: "mobile", number: "+49 171 9876543" },
        { type: "home", number: "+SUM(A1)" },
      ],
    });
    const csv = contactsToCsv([phones], "outlook");
    assert.equal(cell(csv, "Mobile Phone"), "+49 171 9876543");
    assert.equal(cell(csv, "Home Phone"), "'+SUM(A1)");
  });
});
