// Reading import files: formats, charsets and delimiters detected; records mapped with the line
// they start on; a bad record is that record's error only; duplicates found; exports inert.
import assert from "node:assert/strict";
import iconv from "iconv-lite";
import { contactSchema } from "../../core/contact/contact";
import {
  analyzeImport,
  detectCharset,
  duplicateIndex,
  exportShapeOf,
  exportWriter,
  ImportFileError,
  ImportTooLargeError,
  mergeImported,
  planRow,
} from "../../core/formats/import";
import { googleCsv, outlookCsv, outlookVCard21, thunderbirdLdif } from "../support/import-fixtures";

const contactsOf = (a: ReturnType<typeof analyzeImport>) => a.rows.flatMap((r) => (r.contact ? [r.contact] : []));

describe("import files", () => {
  it("reads a 92-column Outlook CSV in windows-1252: multi-line cells, a formula cell, 0/0/00 dates, a company-only row", () => {
    const file = outlookCsv([
      {
        "First Name": "Jürgen",
        "Last Name": "Müller",
        Notes: "Line one\r\nLine two",
        "E-mail Address": "j@example.de",
      },
      { Company: "Zürich Versicherung", "Business Phone": "+41 44 123 45 67" },
      { "First Name": "Eve", "Last Name": "Formula", Notes: '=HYPERLINK("http://evil.test","x")' },
    ]);
    const a = analyzeImport(file);
    assert.equal(a.format, "outlook");
    assert.equal(a.charset, "windows-1252");
    assert.equal(a.delimiter, ",");
    assert.equal(a.columns.length, 92);
    assert.equal(a.mapping["First Name"], "name.given");
    assert.deepEqual(
      a.rows.map((r) => [r.row, r.error]),
      [
        [2, undefined],
        [4, undefined],
        [5, undefined],
      ],
      "the multi-line cell makes the second record start on line 4",
    );
    const [jurgen, company, formula] = contactsOf(a);
    assert.equal(jurgen.displayName, "Jürgen Müller");
    assert.equal(jurgen.notes, "Line one\nLine two", "CRLF in a cell becomes LF");
    assert.equal(jurgen.birthday, undefined);
    assert.equal(company.displayName, "Zürich Versicherung");
    assert.deepEqual(company.phones, [{ type: "business", number: "+41 44 123 45 67" }]);
    assert.equal(formula.notes, '=HYPERLINK("http://evil.test","x")', "kept as text");
  });

  it("names the line of a record in error and skips only that record", () => {
    const file = outlookCsv([
      { "First Name": "Good", "Last Name": "One" },
      { "First Name": "Bad", "Last Name": "Date", Birthday: "31/31/1999" },
      { "First Name": "Long", "Last Name": "x".repeat(2000) },
      { "First Name": "Good", "Last Name": "Two" },
    ]);
    const a = analyzeImport(file);
    assert.deepEqual(
      a.rows.map((r) => [r.row, r.contact?.displayName ?? r.error?.slice(0, 20)]),
      [
        [2, "Good One"],
        [3, 'Birthday: "31/31/199'],
        [4, "displayName: Too big"],
        [5, "Good Two"],
      ],
    );
  });

  it("reads a CSV record by record: a malformed record is its own line's error, quotes and delimiters in cells kept", () => {
    const csv =
      'Name,Email,Notes\r\n"Ann ""A"" Lee",ann@x.test,"a, b"\r\n"Bad"x,bad@x.test,\r\nBo 5" tall,bo@x.test,\r\n"Open,o@x.test\r\n';
    const a = analyzeImport(Buffer.from(csv), {
      mapping: { Name: "displayName", Email: "emails:other", Notes: "notes" },
    });
    assert.deepEqual(
      a.rows.map((r) => [r.row, r.contact?.displayName ?? r.error]),
      [
        [2, 'Ann "A" Lee'],
        [3, 'this record cannot be read: "x" follows a closing quote where a delimiter should'],
        [4, 'Bo 5" tall'],
        [5, "this record cannot be read: a quote opened in this record is never closed"],
      ],
    );
    assert.equal(a.rows[0].contact?.notes, "a, b");
  });

  it("reads Outlook's vCard 2.1 export: quoted-printable, windows-1252, several cards, each with its BEGIN line", () => {
    const a = analyzeImport(outlookVCard21);
    assert.equal(a.format, "vcard");
    assert.deepEqual(
      a.rows.map((r) => [r.row, r.hasUid, r.contact?.displayName]),
      [
        [1, true, "Jürgen Müller"],
        [13, false, "Ann Smith"],
      ],
    );
    const [jurgen] = contactsOf(a);
    assert.equal(jurgen.uid, "outlook-uid-1");
    assert.equal(jurgen.company, "Stadtwerke Köln");
    assert.equal(jurgen.notes, "First line\nsecond line");
  });

  it("splits Google's ' ::: ' multi-values into entries", () => {
    const a = analyzeImport(googleCsv);
    assert.equal(a.format, "google");
    const [grace] = contactsOf(a);
    assert.deepEqual(
      grace.emails.map((e) => e.address),
      ["grace@navy.test", "grace@home.test"],
    );
    assert.deepEqual(
      grace.phones.map((p) => p.number),
      ["+1 202 555 0199", "+1 202 555 0100"],
    );
    assert.deepEqual(grace.categories, ["Navy"]);
  });

  it("reads Thunderbird's LDIF: folded lines, base64 values, the three birthday attributes", () => {
    const a = analyzeImport(thunderbirdLdif);
    assert.equal(a.format, "ldif");
    assert.deepEqual(
      a.rows.map((r) => r.row),
      [1, 19],
    );
    const [ada, charles] = contactsOf(a);
    assert.equal(ada.displayName, "Ada Lovelace");
    assert.deepEqual(
      ada.emails.map((e) => e.address),
      ["ada@example.org", "countess@example.org"],
    );
    assert.equal(ada.notes, "Mathematician\nPoetical scientist");
    assert.equal(ada.birthday, "1815-12-10");
    assert.equal(ada.company, "Analytical Engines");
    assert.equal(charles.displayName, "Charles Babbage");
  });

  it("reads Thunderbird's CSV by its own columns", () => {
    const csv =
      "First Name,Last Name,Display Name,Primary Email,Mobile Number,Birth Year,Birth Month,Birth Day\r\n" +
      "Tim,Berners-Lee,Tim BL,tim@w3.test,+44 1,1955,6,8\r\n";
    const a = analyzeImport(Buffer.from(csv));
    assert.equal(a.format, "thunderbird");
    const [tim] = contactsOf(a);
    assert.equal(tim.displayName, "Tim BL");
    assert.equal(tim.birthday, "1955-06-08");
    assert.deepEqual(tim.phones, [{ type: "mobile", number: "+44 1" }]);
  });

  it("detects UTF-8 with and without BOM, UTF-16 LE and BE by BOM, and windows-1252 otherwise", () => {
    const text = "Full Name;Email\r\nZoë;zoe@example.com\r\n";
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le.subarray(2)).swap16();
    assert.deepEqual(detectCharset(Buffer.from(`\ufeff${text}`)), { charset: "utf-8", bom: true });
    assert.deepEqual(detectCharset(Buffer.from(text)), { charset: "utf-8", bom: false });
    assert.deepEqual(detectCharset(le), { charset: "utf-16le", bom: true });
    assert.deepEqual(detectCharset(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), { charset: "utf-16be", bom: true });
    assert.deepEqual(detectCharset(iconv.encode(text, "windows-1252")), { charset: "windows-1252", bom: false });
    for (const bytes of [le, iconv.encode(text, "windows-1252"), Buffer.from(`\ufeff${text}`)]) {
      const a = analyzeImport(bytes);
      assert.equal(a.format, "csv");
      assert.equal(a.delimiter, ";");
      assert.deepEqual(
        contactsOf(a).map((c) => [c.displayName, c.emails[0]?.address]),
        [["Zoë", "zoe@example.com"]],
      );
    }
  });

  it("applies a caller's mapping: a column to notes is labelled with its name, a column to ignore is dropped", () => {
    const csv = "Who\tMail\tShoe size\tSecret\r\nKim\tkim@x.test\t42\tpsst\r\n";
    const a = analyzeImport(Buffer.from(csv), {
      mapping: { Who: "displayName", Mail: "emails:work", "Shoe size": "notes", Secret: "ignore" },
    });
    assert.equal(a.delimiter, "\t");
    const [kim] = contactsOf(a);
    assert.equal(kim.notes, "Shoe size: 42");
    assert.deepEqual(kim.emails, [{ type: "work", address: "kim@x.test" }]);
    assert.deepEqual(kim.extra, []);
  });

  it("refuses an unreadable file as a whole and a file over the row limit", () => {
    assert.throws(() => analyzeImport(Buffer.from("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n")), ImportFileError);
    assert.throws(() => analyzeImport(Buffer.alloc(0)), ImportFileError);
    assert.throws(() => analyzeImport(Buffer.from("a,b\n1,2\n3,4\n"), {}, { maxRows: 1 }), ImportTooLargeError);
  });

  it("finds duplicates by vCard UID, then e-mail (case ignored), then full name and a phone number", () => {
    const index = duplicateIndex();
    const c = (uid: string, more: object) => contactSchema.parse({ uid, displayName: "Ann Lee", ...more });
    index.add(c("u1", { emails: [{ address: "Ann@Example.com" }] }));
    index.add(c("u2", { phones: [{ type: "home", number: "+1 (555) 010" }] }));
    assert.equal(index.find(c("u1", {}), true), "u1");
    assert.equal(index.find(c("u1", {}), false), undefined, "a uid the file did not give matches nothing");
    assert.equal(index.find(c("x", { emails: [{ address: "ann@example.COM" }] }), false), "u1");
    assert.equal(index.find(c("x", { phones: [{ type: "mobile", number: "+15550 10" }] }), false), "u2");
    assert.equal(
      index.find(
        contactSchema.parse({ uid: "x", displayName: "Bo", phones: [{ type: "home", number: "+1 555 010" }] }),
        false,
      ),
      undefined,
    );
    assert.deepEqual(planRow(c("x", { emails: [{ address: "ann@example.com" }] }), false, index, "skip", "f"), {
      action: "skip",
      uid: "u1",
    });
    assert.deepEqual(planRow(c("x", { emails: [{ address: "ann@example.com" }] }), false, index, "update", "f"), {
      action: "update",
      uid: "u1",
    });
    assert.deepEqual(planRow(c("u1", {}), true, index, "add", "fresh"), { action: "create", uid: "fresh" });
    const merged = mergeImported(c("u1", { company: "Old", jobTitle: "Boss" }), c("x", { company: "New" }));
    assert.deepEqual([merged.uid, merged.company, merged.jobTitle], ["u1", "New", "Boss"]);
  });

  it("finds a contact an earlier row updated by what that row gave it, as well as by what it had", () => {
    const index = duplicateIndex();
    const c = (more: object) => contactSchema.parse({ uid: "x", displayName: "Ann Lee", ...more });
    index.add(contactSchema.parse({ uid: "ann", displayName: "Ann Lee", emails: [{ address: "a@x.test" }] }));
    const moved = c({ emails: [{ address: "a@x.test" }, { address: "b@x.test" }] });
    assert.deepEqual(planRow(moved, false, index, "update", "f1"), { action: "update", uid: "ann" });
    for (const address of ["a@x.test", "b@x.test"])
      assert.deepEqual(planRow(c({ emails: [{ address }] }), false, index, "update", "f2"), {
        action: "update",
        uid: "ann",
      });
  });

  it("exports formula cells inert and leaves a phone number such as +49 30 1234567 as it is", () => {
    const contact = contactSchema.parse({
      uid: "a",
      displayName: "Eve",
      name: { given: "Eve" },
      notes: "=1+2",
      company: "@corp",
      phones: [{ type: "business", number: "+49 30 1234567" }],
    });
    for (const format of ["outlook-csv", "google-csv", "csv"] as const) {
      const w = exportWriter(format, exportShapeOf([contact]));
      const text = w.head + w.rows([contact]);
      assert.match(text, /"?'=1\+2"?/, format);
      assert.match(text, /'@corp/, format);
      assert.match(text, /(^|,)"?\+49 30 1234567"?(,|\r)/m, format);
      const back = contactsOf(analyzeImport(Buffer.from(text)))[0];
      assert.ok(back.phones.length, `${format}: ${text}`);
      assert.equal(back.notes, "=1+2", `${format} reads its own export back`);
      assert.equal(back.phones[0].number, "+49 30 1234567");
    }
  });
});
