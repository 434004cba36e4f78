import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { CsvMappingError, detectCsvFormat, parseContactsCsv } from "../../core/formats/csv";
import { decodeCsvInput } from "../../core/formats/csv/decode-input";
import { outlookColumns } from "../../core/formats/csv/outlook-columns";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/csv/${name}`, import.meta.url)));
const extraValue = (contact: { extra: { name: string; value: string }[] }, name: string) =>
  contact.extra.find((e) => e.name === name)?.value;

describe("CSV import: Outlook", () => {
  it("knows Outlook's 92 export columns, each once", () => {
    assert.equal(outlookColumns.length, 92);
    assert.equal(new Set(outlookColumns).size, 92);
  });

  it("reads an English Outlook export into names, kinds of phone and address, dates and categories", () => {
    const result = parseContactsCsv(fixture("outlook-en.csv"));
    assert.equal(result.format, "outlook");
    assert.equal(result.language, "en");
    assert.deepEqual(result.errors, []);
    const [margaret, ada] = result.contacts;
    assert.deepEqual(margaret.name, { prefix: "Dr.", given: "Margaret", middle: "J.", family: "Hamilton" });
    assert.equal(margaret.displayName, "Margaret J. Hamilton");
    assert.deepEqual(
      margaret.phones.find((p) => p.type === "mobile"),
      { type: "mobile", number: "+1 617 555 0142" },
    );
    assert.deepEqual(
      margaret.phones.find((p) => p.type === "assistant"),
      { type: "assistant", number: "+1 617 555 0101" },
    );
    assert.equal(margaret.birthday, "1936-08-17");
    assert.equal(margaret.anniversary, "1958-06-01");
    assert.deepEqual(margaret.categories, ["Clients", "VIP"]);
    assert.equal(margaret.notes, "Met at the 1969 review.\nPrefers e-mail.");
    assert.deepEqual(
      margaret.emails.map((e) => e.address),
      ["margaret@apollo.example", "mh@home.example"],
    );
    assert.equal(ada.birthday, undefined, "Outlook's 0/0/00 means no birthday");
  });

  it("joins Business Street, Street 2 and Street 3 into one street with newlines", () => {
    const [margaret] = parseContactsCsv(fixture("outlook-en.csv")).contacts;
    const business = margaret.addresses.find((a) => a.type === "business");
    assert.equal(business?.street, "1 Memorial Drive\nBuilding 7\nRoom 101");
    assert.equal(business?.postalCode, "02139");
  });

  it("keeps unmapped Outlook columns in extra under their header, without Outlook's per-row defaults", () => {
    const [margaret] = parseContactsCsv(fixture("outlook-en.csv")).contacts;
    assert.equal(extraValue(margaret, "Spouse"), "James Hamilton");
    assert.equal(extraValue(margaret, "E-mail Display Name"), "Margaret Hamilton (margaret@apollo.example)");
    assert.ok(margaret.extra.every((e) => e.source === "csv"));
    for (const placeholder of ["Priority", "Sensitivity", "Gender", "Private", "E-mail Type"]) {
      assert.equal(extraValue(margaret, placeholder), undefined, placeholder);
    }
  });

  it("reads German Outlook headers from a UTF-8 file with BOM and semicolons, dates as D.M.Y", () => {
    const result = parseContactsCsv(fixture("outlook-de-bom-semicolon.csv"));
    assert.equal(result.format, "outlook");
    assert.equal(result.language, "de");
    assert.equal(result.delimiter, ";");
    assert.equal(result.headers[0], "Anrede", "the BOM is not part of the first header");
    const [c] = result.contacts;
    assert.deepEqual(c.name, { prefix: "Frau", given: "Jürgen-Anna", family: "Müller-Lüdenscheidt" });
    assert.equal(c.company, "Großhandel Süd GmbH");
    assert.equal(c.birthday, "1975-11-03");
    assert.deepEqual(c.addresses, [
      {
        type: "business",
        street: "Königstraße 12\nHinterhaus",
        city: "Stuttgart",
        postalCode: "70173",
        country: "Deutschland",
      },
    ]);
    assert.deepEqual(
      c.phones.find((p) => p.type === "radio"),
      { type: "radio", number: "+49 160 5550000" },
      "Mobiltelefon 2 is Outlook's radio phone",
    );
    assert.equal(c.manager, "Herr Weiß");
    assert.equal(extraValue(c, "Partner"), "Klaus");
    assert.equal(extraValue(c, "Geschlecht"), undefined);
  });

  it("reads French Outlook headers from a tab-separated file, telling the two 'Titre' columns apart", () => {
    const result = parseContactsCsv(fixture("outlook-fr-tab.csv"));
    assert.equal(result.language, "fr");
    assert.equal(result.delimiter, "\t");
    const [c] = result.contacts;
    assert.equal(c.name?.prefix, "Mme");
    assert.equal(c.jobTitle, "Gérante");
    assert.equal(c.birthday, "1982-12-25", "25/12/1982 read day first");
    assert.deepEqual(c.emails, [{ type: "other", address: "eloise@cote-cour.example" }]);
    assert.deepEqual(c.extra, [], "French defaults (Sexe, Priorité, Privé) are not kept");
  });

  it("reads a windows-1252 file by falling back from UTF-8", () => {
    const text =
      '"Vorname","Nachname","Firma","E-Mail-Adresse","Notizen"\r\n"Jörg","Größer","Bäckerei Süß","joerg@example.de","Preis: 5 € – günstig"\r\n';
    const bytes = new Uint8Array(iconv.encode(text, "windows-1252"));
    assert.equal(bytes.includes(0x80), true, "the € is byte 0x80 in windows-1252, which is not valid UTF-8");
    const [c] = parseContactsCsv(bytes).contacts;
    assert.equal(c.name?.family, "Größer");
    assert.equal(c.company, "Bäckerei Süß");
    assert.equal(c.notes, "Preis: 5 € – günstig");
  });

  it("reads a lone French 'Titre' column as the job title, as Exchange does", () => {
    const result = parseContactsCsv("Prénom;Nom;Titre;Société\nLuc;Besson;Réalisateur;EuropaCorp\n");
    assert.equal(result.contacts[0].jobTitle, "Réalisateur");
    assert.equal(result.contacts[0].name?.prefix, undefined);
  });
});

describe("CSV import: Outlook Express", () => {
  it("reads the Windows Address Book export, including its Name and web page columns", () => {
    const result = parseContactsCsv(fixture("outlook-express.csv"));
    assert.equal(result.format, "outlook-express");
    const [tom, sarah] = result.contacts;
    assert.equal(tom.displayName, "Tom Baker");
    assert.equal(tom.name?.nickname, "Doc");
    assert.deepEqual(tom.urls, [
      { type: "home", url: "http://tom.example" },
      { type: "work", url: "http://bbc.example/tom" },
    ]);
    assert.equal(tom.addresses[0].street, "221 Gallifrey Road\nFlat 4");
    assert.equal(tom.notes, 'Scarves: "long" ones');
    assert.deepEqual(sarah.phones, [
      { type: "business", number: "020 7946 0100" },
      { type: "businessFax", number: "020 7946 0101" },
    ]);
  });
});

describe("CSV import: Google Contacts", () => {
  it("splits ' ::: ' multi-values into separate entries that share the group's label", () => {
    const result = parseContactsCsv(fixture("google.csv"));
    assert.equal(result.format, "google");
    const [grace] = result.contacts;
    assert.deepEqual(grace.emails, [
      { type: "work", address: "grace@navy.example" },
      { type: "work", address: "g.hopper@navy.example" },
      { type: "home", address: "grace@home.example" },
    ]);
    assert.deepEqual(grace.categories, ["Navy", "Pioneers"], "the system group * myContacts is not a category");
  });

  it("maps Google labels, relations and events onto Contact fields", () => {
    const [grace, linus] = parseContactsCsv(fixture("google.csv")).contacts;
    assert.deepEqual(grace.phones, [
      { type: "mobile", number: "+1 202 555 0143" },
      { type: "businessFax", number: "+1 202 555 0199" },
    ]);
    assert.deepEqual(grace.addresses, [
      {
        type: "business",
        street: "1 Navy Way\nSuite 300",
        city: "Arlington",
        region: "VA",
        postalCode: "22201",
        country: "US",
      },
    ]);
    assert.equal(grace.manager, "Howard Aiken");
    assert.equal(grace.anniversary, "1930-06-15");
    assert.equal(grace.company, "US Navy");
    assert.equal(grace.jobTitle, "Computer Scientist");
    assert.equal(linus.birthday, "--12-28", "a year-less Google birthday stays year-less");
  });

  it("keeps a label it does not know in extra and files the entry under 'other'", () => {
    const [, linus] = parseContactsCsv(fixture("google.csv")).contacts;
    assert.deepEqual(linus.phones, [{ type: "other", number: "+1 503 555 0100" }]);
    assert.equal(extraValue(linus, "Phone 1 - Label"), "Satellite");
  });

  it("reads the legacy export with Type columns, Group Membership, IM services and Organization 1", () => {
    const result = parseContactsCsv(fixture("google-legacy.csv"));
    assert.equal(result.format, "google-legacy");
    const [alan] = result.contacts;
    assert.equal(alan.displayName, "Alan Turing");
    assert.deepEqual(alan.emails, [
      { type: "home", address: "alan@home.example" },
      { type: "work", address: "alan@bletchley.example" },
    ]);
    assert.deepEqual(
      alan.phones.map((p) => p.type),
      ["mobile", "home", "pager"],
    );
    assert.deepEqual(alan.im, [{ type: "Skype", address: "alan.turing" }]);
    assert.deepEqual(alan.categories, ["Cryptography"]);
    assert.deepEqual(
      [alan.company, alan.jobTitle, alan.department, alan.office],
      ["GC&CS", "Cryptanalyst", "Hut 8", "Bletchley Park"],
    );
    assert.equal(extraValue(alan, "Hobby"), "Running");
  });
});

describe("CSV import: generic with a column mapping", () => {
  const mapping = {
    "Kunde Nr": "extra:customerNumber",
    Vorname: "name.given",
    Name: "name.family",
    Firma: "company",
    "Mail geschäftlich": "emails:work",
    "Mail privat": "emails[1].address",
    Handy: "phones:mobile",
    Festnetz: "phones:business",
    Straße: "addresses:business.street",
    PLZ: "addresses:business.postalCode",
    Stadt: "addresses:business.city",
    Geburtsdatum: "birthday",
    Gruppen: "categories",
    Bemerkung: "notes",
  };

  it("fills every mapped field and keeps the rest where the mapping says", () => {
    const result = parseContactsCsv(fixture("generic-crm.csv"), { format: "generic", mapping });
    const hans = result.contacts[0];
    assert.deepEqual(hans.name, { given: "Hans", family: "Meier" });
    assert.deepEqual(hans.emails, [
      { type: "work", address: "hans@meier.example" },
      { type: "other", address: "hans.meier@private.example" },
    ]);
    assert.deepEqual(hans.phones, [
      { type: "mobile", number: "+49 151 1111111" },
      { type: "business", number: "+49 89 222222" },
    ]);
    assert.deepEqual(hans.addresses, [
      { type: "business", street: "Leopoldstraße 5", postalCode: "80802", city: "München" },
    ]);
    assert.equal(hans.birthday, "1960-02-29");
    assert.deepEqual(hans.categories, ["Kunden", "Bayern"]);
    assert.equal(extraValue(hans, "customerNumber"), "10017");
  });

  it("reports a row that fails validation with its spreadsheet row number and imports the others", () => {
    const result = parseContactsCsv(fixture("generic-crm.csv"), { format: "generic", mapping });
    assert.deepEqual(
      result.contacts.map((c) => c.displayName),
      ["Hans Meier", "Ohne Namen AG"],
    );
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].row, 4);
    assert.match(result.errors[0].message, /emails\.0\.address/);
  });

  it("keeps a date it cannot read in extra instead of guessing", () => {
    const [, ohne] = parseContactsCsv(fixture("generic-crm.csv"), { format: "generic", mapping }).contacts;
    assert.equal(ohne.birthday, undefined);
    assert.equal(extraValue(ohne, "Geburtsdatum"), "31.02.1970");
  });

  it("can address every Contact field through the mapping language", () => {
    const targets: Record<string, [string, string]> = {
      dn: ["displayName", "Dee Dunn"],
      pre: ["name.prefix", "Dr."],
      giv: ["name.given", "Dee"],
      mid: ["name.middle", "M"],
      fam: ["name.family", "Dunn"],
      suf: ["name.suffix", "Jr."],
      nick: ["name.nickname", "D"],
      fa: ["name.fileAs", "Dunn, Dee"],
      em: ["emails[0].address", "d@x.example"],
      emt: ["emails[0].type", "Home"],
      ph: ["phones:car", "555"],
      st: ["addresses[0].street", "1 Road"],
      ci: ["addresses[0].city", "Town"],
      re: ["addresses[0].region", "R"],
      pc: ["addresses[0].postalCode", "123"],
      co: ["addresses[0].country", "C"],
      pb: ["addresses[0].poBox", "PB 1"],
      at: ["addresses[0].type", "Other"],
      comp: ["company", "Co"],
      dep: ["department", "Dep"],
      job: ["jobTitle", "Boss"],
      off: ["office", "R1"],
      bd: ["birthday", "2000-01-02"],
      ann: ["events[0].date", "2010-03-04"],
      annt: ["events[0].type", "Anniversary"],
      mgr: ["relations[0].name", "Mo"],
      mgrt: ["relations[0].type", "Manager"],
      asst: ["assistant", "Al"],
      url: ["urls:work", "https://d.example"],
      im: ["im:xmpp", "d@jabber.example"],
      cat: ["categories", "A;B"],
      note: ["notes", "N"],
      x: ["extra:custom", "V"],
    };
    const headers = Object.keys(targets);
    const text = `${headers.join(",")}\n${headers.map((h) => `"${targets[h][1]}"`).join(",")}\n`;
    const mapping = Object.fromEntries(headers.map((h) => [h, targets[h][0]]));
    const { contacts, errors } = parseContactsCsv(text, { mapping, format: "generic" });
    assert.deepEqual(errors, []);
    const { uid: _uid, photo: _photo, ...fields } = contacts[0];
    assert.deepEqual(fields, {
      displayName: "Dee Dunn",
      name: {
        prefix: "Dr.",
        given: "Dee",
        middle: "M",
        family: "Dunn",
        suffix: "Jr.",
        nickname: "D",
        fileAs: "Dunn, Dee",
      },
      emails: [{ type: "home", address: "d@x.example" }],
      phones: [{ type: "car", number: "555" }],
      addresses: [
        { type: "other", street: "1 Road", city: "Town", region: "R", postalCode: "123", country: "C", poBox: "PB 1" },
      ],
      company: "Co",
      department: "Dep",
      jobTitle: "Boss",
      office: "R1",
      manager: "Mo",
      assistant: "Al",
      birthday: "2000-01-02",
      anniversary: "2010-03-04",
      urls: [{ type: "work", url: "https://d.example" }],
      im: [{ type: "xmpp", address: "d@jabber.example" }],
      categories: ["A", "B"],
      notes: "N",
      extra: [{ source: "csv", name: "custom", value: "V" }],
    });
  });

  it("throws a CsvMappingError naming every unknown target", () => {
    assert.throws(
      () => parseContactsCsv("a,b,c\n1,2,3\n", { mapping: { a: "name.first", b: "phones:cellular", c: "company" } }),
      (err: unknown) =>
        err instanceof CsvMappingError &&
        /"name\.first"/.test(err.message) &&
        /"phones:cellular"/.test(err.message) &&
        !/"company"/.test(err.message),
    );
  });

  it("refuses a generic CSV without a mapping rather than importing empty contacts", () => {
    assert.throws(() => parseContactsCsv("Kunde,Ort\nA,B\n"), /needs a column mapping/);
  });

  it("lets a mapping override one column of a known format", () => {
    const text = "First Name,Last Name,E-mail Address,Business Phone,Spouse\nAnn,Lee,ann@x.example,123,Bo\n";
    const [ann] = parseContactsCsv(text, { mapping: { Spouse: "ignore", "E-mail Address": "emails:work" } }).contacts;
    assert.deepEqual(ann.emails, [{ type: "work", address: "ann@x.example" }]);
    assert.equal(extraValue(ann, "Spouse"), undefined);
  });
});

describe("CSV import: rows, uids and encodings", () => {
  it("derives the same uid from the same record, so re-importing a file does not duplicate", () => {
    const first = parseContactsCsv(fixture("outlook-en.csv")).contacts.map((c) => c.uid);
    const again = parseContactsCsv(fixture("outlook-en.csv")).contacts.map((c) => c.uid);
    assert.deepEqual(again, first);
    assert.equal(new Set(first).size, first.length);
    const reordered = parseContactsCsv("Last Name,First Name,Company\nLovelace,Ada,Analytical Engines\n").contacts[0]
      .uid;
    const sameAgain = parseContactsCsv("First Name,Company,Last Name,Notes\nAda,Analytical Engines,Lovelace,\n")
      .contacts[0].uid;
    assert.equal(sameAgain, reordered, "column order and empty columns do not change the uid");
  });

  it("gives a repeated identical record its own uid instead of merging it away", () => {
    const { contacts } = parseContactsCsv("First Name,Last Name,Company\nA,B,C\nA,B,C\n");
    assert.equal(contacts.length, 2);
    assert.equal(contacts[1].uid, `${contacts[0].uid}-2`);
  });

  it("uses the caller's uidFor with the record as header → cell", () => {
    const { contacts } = parseContactsCsv("First Name,Last Name,Company\nAda,Lovelace,AE\n", {
      uidFor: (row) => `row-${row["Last Name"]}`,
    });
    assert.equal(contacts[0].uid, "row-Lovelace");
  });

  it("reports a record with more fields than the header and one with a stray quote, by row, and imports the rest", () => {
    const text = 'First Name,Last Name,Company\nAda,Lovelace,AE\nBob,Smith,Acme,Inc\nCy,Young"x,Z\nDee,Dunn,D\n';
    const result = parseContactsCsv(text);
    assert.deepEqual(
      result.contacts.map((c) => c.name?.given),
      ["Ada", "Dee"],
    );
    assert.deepEqual(
      result.errors.map((e) => e.row),
      [3, 4],
    );
    assert.match(result.errors[0].message, /has 4 fields but the header has 3/);
  });

  it("reports a quote that is never closed instead of silently losing the rest of the file", () => {
    const result = parseContactsCsv('First Name,Last Name,Company\nAda,Lovelace,AE\nCy,"Young,Z\nDee,Dunn,D\n');
    assert.deepEqual(
      result.contacts.map((c) => c.name?.given),
      ["Ada"],
    );
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].row, 3);
    assert.match(result.errors[0].message, /never closed/);
  });

  it("skips empty trailing records without reporting them", () => {
    const result = parseContactsCsv("First Name,Last Name,Company\nAda,Lovelace,AE\n,,\n");
    assert.equal(result.contacts.length, 1);
    assert.deepEqual(result.errors, []);
  });

  it("decodes valid UTF-8 without a BOM as UTF-8, not windows-1252", () => {
    assert.equal(decodeCsvInput(new TextEncoder().encode("Zoë,Ünal")), "Zoë,Ünal");
    assert.equal(decodeCsvInput(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), "a");
  });
});

describe("detectCsvFormat", () => {
  it("tells the known exports and a hand-made file apart", () => {
    assert.equal(detectCsvFormat([...outlookColumns]), "outlook");
    assert.equal(
      detectCsvFormat(["Name", "E-mail Address", "First Name", "Last Name", "Business Phone"]),
      "outlook-express",
    );
    assert.equal(detectCsvFormat(["First Name", "Last Name", "E-mail 1 - Label", "E-mail 1 - Value"]), "google");
    assert.equal(
      detectCsvFormat(["Name", "Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value"]),
      "google-legacy",
    );
    assert.equal(detectCsvFormat(["Vorname", "Nachname", "E-Mail-Adresse", "Telefon geschäftlich"]), "outlook");
    assert.equal(detectCsvFormat(["Prénom", "Nom", "Adresse de messagerie"]), "outlook");
    assert.equal(detectCsvFormat(["Kunde", "Ort", "Mail"]), "generic");
  });
});
