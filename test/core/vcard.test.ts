import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { contactSchema, phoneTypes } from "../../core/contact/contact";
import { emitVCard, parseVCard, parseVCards, VCardError } from "../../core/formats/vcard";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/vcard/${name}`, import.meta.url), "utf8");
const fixtures = [
  "outlook-2016-v21.vcf",
  "apple-icloud-v30.vcf",
  "google-v30.vcf",
  "rfc6350-v40.vcf",
  "multi-card.vcf",
];
const photoBase64 =
  "/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRof" +
  "Hh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAAB" +
  "AAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==";

function errorOf(run: () => unknown): VCardError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof VCardError, `expected VCardError, got ${error}`);
    return error;
  }
  assert.fail("expected a VCardError");
}

const card = (...lines: string[]) => ["BEGIN:VCARD", ...lines, "END:VCARD", ""].join("\r\n");

describe("vCard 2.1 from Outlook 2016", () => {
  const [contact] = parseVCards(fixture("outlook-2016-v21.vcf"));

  it("decodes quoted-printable windows-1252 umlauts in N, FN, ORG and TITLE", () => {
    assert.equal(contact.displayName, "Dr. Jürgen Müller");
    assert.deepEqual(contact.name, { family: "Müller", given: "Jürgen", prefix: "Dr.", nickname: "Jockel" });
    assert.equal(contact.company, "Grün & Partner GmbH");
    assert.equal(contact.department, "Vertrieb");
    assert.equal(contact.jobTitle, "Geschäftsführer");
  });

  it("joins soft line breaks in a quoted-printable NOTE and keeps its ';', ',' and '\\' literal", () => {
    assert.equal(
      contact.notes,
      "Erster Kontakt auf der Messe in München, sehr an Vertrieb interessiert.\n" +
        "Zweite Zeile: Straße; Komma, und ein Pfad C:\\temp € 100",
    );
  });

  it("reads bare TEL types as Outlook phone kinds", () => {
    assert.deepEqual(contact.phones, [
      { type: "business", number: "+49 89 1234-0" },
      { type: "home", number: "+49 89 555 12 34" },
      { type: "mobile", number: "+49 170 1234567" },
      { type: "businessFax", number: "+49 89 1234-99" },
      { type: "pager", number: "+49 89 777" },
    ]);
  });

  it("decodes a quoted-printable ADR;WORK into a business address", () => {
    assert.deepEqual(contact.addresses[0], {
      type: "business",
      street: "Leopoldstraße 12",
      city: "München",
      region: "Bayern",
      postalCode: "80802",
      country: "Deutschland",
    });
    assert.equal(contact.addresses[1].type, "home");
  });

  it("reads the folded BASE64 PHOTO that ends with an empty line", () => {
    assert.deepEqual(contact.photo, { mediaType: "image/jpeg", data: photoBase64 });
  });

  it("maps Outlook's X-MS-ANNIVERSARY and X-MS-IMADDRESS and keeps its other X-MS-OL properties as extras", () => {
    assert.equal(contact.birthday, "1970-03-15");
    assert.equal(contact.anniversary, "1998-06-20");
    assert.deepEqual(contact.im, [{ address: "juergen.mueller@gruen-partner.example" }]);
    assert.deepEqual(
      contact.extra.map((e) => e.name),
      ["LABEL", "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MS-OL-DESIGN", "REV"],
    );
    assert.deepEqual(contact.extra[0].params, { type: ["WORK", "PREF"] });
    assert.equal(contact.extra[1].value, "2");
  });

  it("treats PREF and INTERNET as no e-mail type", () => {
    assert.deepEqual(
      contact.emails.map((e) => e.type),
      ["other", "other"],
    );
  });

  it("reads raw windows-1252 bytes and per-property UTF-8 from a byte array", () => {
    const latin = iconv.encode(card("VERSION:2.1", "N:Müller;Jürgen", "FN:Jürgen Müller", "UID:j1"), "windows-1252");
    assert.equal(parseVCard(new Uint8Array(latin)).displayName, "Jürgen Müller");
    const utf8 = new TextEncoder().encode(card("VERSION:2.1", "FN;CHARSET=utf-8:Jürgen Müller", "UID:j1"));
    assert.equal(parseVCard(utf8).displayName, "Jürgen Müller");
    const mixed = new Uint8Array([
      ...iconv.encode("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Müller\r\nNOTE;CHARSET=utf-8:", "windows-1252"),
      ...new TextEncoder().encode("Grüße"),
      ...iconv.encode("\r\nEND:VCARD\r\n", "windows-1252"),
    ]);
    const contact = parseVCard(mixed);
    assert.equal(contact.displayName, "Müller");
    assert.equal(contact.notes, "Grüße");
  });

  it("decodes quoted-printable UTF-8 when CHARSET=utf-8", () => {
    assert.equal(
      parseVCard(card("VERSION:2.1", "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen")).displayName,
      "Jürgen",
    );
  });
});

describe("vCard 3.0 and 4.0 from other producers", () => {
  it("keeps Apple's grouped item1.X-ABLabel lines as extras under their group name", () => {
    const [apple] = parseVCards(fixture("apple-icloud-v30.vcf"));
    const names = apple.extra.map((e) => e.name);
    assert.ok(names.includes("item1.X-ABLabel"));
    assert.ok(names.includes("item4.X-ABDATE"));
    assert.equal(apple.uid, "8D5F2F2E-4C2B-4C8B-9D61-3A7B2E1F0A11");
    assert.deepEqual(
      apple.phones.map((p) => p.type),
      ["mobile", "mobile", "primary", "other"],
    );
    assert.deepEqual(apple.im, [{ type: "xmpp", address: "johnny@jabber.example" }]);
    assert.equal(apple.notes, "Met at WWDC; likes apples, pears.");
    assert.deepEqual(apple.categories, ["Friends", "Work"]);
    assert.equal(apple.photo?.data, photoBase64);
  });

  it("reads Apple's X-APPLE-OMIT-YEAR birthday as a year-less date", () => {
    assert.equal(parseVCards(fixture("apple-icloud-v30.vcf"))[0].birthday, "--05-20");
  });

  it("reads Google's escaped 'https\\://' URL and its year-less BDAY", () => {
    const [google] = parseVCards(fixture("google-v30.vcf"));
    assert.deepEqual(google.urls, [{ type: "other", url: "https://maria.example/blog" }]);
    assert.equal(google.birthday, "--07-21");
    assert.equal(google.addresses[0].street, "Piso 3\nCalle Mayor 10");
  });

  it("reads the RFC 6350 §8 example: quoted TYPE lists, tel: URIs and a date-time ANNIVERSARY", () => {
    const [simon] = parseVCards(fixture("rfc6350-v40.vcf"));
    assert.deepEqual(simon.phones, [
      { type: "business", number: "+1-418-656-9254;ext=102" },
      { type: "mobile", number: "+1-418-262-6501" },
    ]);
    assert.equal(simon.anniversary, "2009-08-08");
    assert.equal(simon.birthday, "--02-03");
    assert.equal(simon.name?.suffix, "ing. jr,M.Sc.");
    assert.deepEqual(simon.addresses[0].city, "Quebec");
    const key = simon.extra.find((e) => e.name === "KEY");
    assert.deepEqual(key, {
      source: "vcard",
      name: "KEY",
      value: "http://www.viagenie.ca/simon.perreault/simon.asc",
      params: { type: ["work"], value: ["uri"] },
    });
  });

  it("reads every card of a file that mixes 2.1, 3.0 and 4.0", () => {
    const contacts = parseVCards(fixture("multi-card.vcf"));
    assert.deepEqual(
      contacts.map((c) => c.uid),
      ["eva-schmidt-1", "paul-meier-2", "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"],
    );
    assert.deepEqual(contacts[1].emails, [{ type: "work", address: "paul@meier.example" }]);
  });
});

describe("vCard round trip", () => {
  for (const name of fixtures) {
    for (const version of ["3.0", "4.0"] as const) {
      it(`loses nothing of ${name} through a ${version} emit`, () => {
        for (const contact of parseVCards(fixture(name))) {
          const emitted = emitVCard(contact, version);
          assert.deepEqual(parseVCard(emitted), contact);
          for (const extra of contact.extra)
            assert.ok(emitted.includes(`\r\n${extra.name}`), `${extra.name} is written`);
        }
      });
    }
  }

  it("writes every Outlook phone kind so that it reads back as the same kind", () => {
    const phones = phoneTypes.map((type, i) => ({ type, number: `+1 555 ${i}` }));
    const contact = contactSchema.parse({ uid: "p1", phones });
    for (const version of ["3.0", "4.0"] as const)
      assert.deepEqual(parseVCard(emitVCard(contact, version)).phones, phones);
  });

  it("writes an IM type that is no URI scheme with X-SERVICE-TYPE and reads it back", () => {
    const contact = contactSchema.parse({
      uid: "i1",
      im: [{ type: "Work Chat", address: "a@b" }, { type: "sip", address: "a@b" }, { address: "x" }],
    });
    const emitted = emitVCard(contact, "4.0");
    assert.match(emitted, /X-MS-IMADDRESS;X-SERVICE-TYPE=Work Chat:a@b\r\n/);
    assert.match(emitted, /IMPP:sip:a@b\r\n/);
    assert.deepEqual(parseVCard(emitted).im, contact.im);
  });
});

describe("vCard emitting", () => {
  const contact = contactSchema.parse({
    uid: "u-1",
    displayName: "Zoë Ünal",
    notes: "Ärger über Öl, Übermut; ".repeat(12),
    birthday: "1990-01-31",
    anniversary: "--06-01",
    photo: { mediaType: "image/png", data: "iVBORw0KGgo=" },
  });

  it("ends every line with CRLF and folds at 75 octets without splitting a UTF-8 character", () => {
    const text = emitVCard(contact, "4.0");
    assert.ok(text.endsWith("END:VCARD\r\n"));
    assert.doesNotMatch(text.replace(/\r\n/g, ""), /[\r\n]/);
    for (const line of text.split("\r\n"))
      assert.ok(Buffer.byteLength(line) <= 75, `${Buffer.byteLength(line)} octets: ${line}`);
    assert.ok(
      text.split("\r\n").some((line) => line.startsWith(" ")),
      "the long NOTE is folded",
    );
    assert.equal(parseVCard(text).notes, contact.notes);
  });

  it("writes 4.0 dates in basic format, ANNIVERSARY and a data: URI photo", () => {
    const text = emitVCard(contact, "4.0");
    assert.match(text, /\r\nBDAY:19900131\r\n/);
    assert.match(text, /\r\nANNIVERSARY:--0601\r\n/);
    assert.match(text, /\r\nPHOTO:data:image\/png;base64,iVBORw0KGgo=\r\n/);
    assert.match(text, /^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
  });

  it("writes 3.0 dates in extended format, X-ANNIVERSARY and an ENCODING=b photo", () => {
    const text = emitVCard(contact, "3.0");
    assert.match(text, /\r\nBDAY:1990-01-31\r\n/);
    assert.match(text, /\r\nX-ANNIVERSARY:--06-01\r\n/);
    assert.match(text, /\r\nPHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\r\n/);
    assert.match(text, /\r\nN:;;;;\r\n/);
  });

  it("refuses to let an extra end the card or break a line", () => {
    const hostile = contactSchema.parse({
      uid: "h1",
      extra: [
        { source: "vcard", name: "END", value: "VCARD" },
        { source: "vcard", name: "X-NOTE", value: "a\r\nEND:VCARD\r\nBEGIN:VCARD" },
        { source: "graph", name: "X-GRAPH", value: "{}" },
      ],
    });
    const text = emitVCard(hostile, "3.0");
    assert.equal(text.match(/END:VCARD\r\n/g)?.length, 1);
    assert.match(text, /X-NOTE:a\\nEND:VCARD\\nBEGIN:VCARD/);
    assert.doesNotMatch(text, /X-GRAPH/);
  });
});

describe("vCard uids", () => {
  const withoutUid = card("VERSION:3.0", "FN:No Uid");

  it("uses the caller's uidFallback for a card without UID", () => {
    assert.equal(parseVCard(withoutUid, { uidFallback: "given-1" }).uid, "given-1");
  });

  it("derives the same uid from the same card content, and another from other content", () => {
    assert.equal(parseVCard(withoutUid).uid, parseVCard(withoutUid).uid);
    assert.notEqual(parseVCard(withoutUid).uid, parseVCard(card("VERSION:3.0", "FN:Other")).uid);
  });

  it("hashes a UID our model cannot hold and keeps the original to write back", () => {
    const contact = parseVCard(card("VERSION:3.0", "FN:Web", "UID:https://example.com/people/1"));
    assert.match(contact.uid, /^[0-9a-f]{32}$/);
    assert.deepEqual(contact.extra, [{ source: "vcard", name: "UID", value: "https://example.com/people/1" }]);
    const emitted = emitVCard(contact, "4.0");
    assert.equal(emitted.match(/\r\nUID:/g)?.length, 1);
    assert.deepEqual(parseVCard(emitted), contact);
  });
});

describe("vCard errors", () => {
  it("names the BEGIN line of a card without END:VCARD", () => {
    const error = errorOf(() => parseVCards(card("VERSION:3.0", "FN:A") + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\n"));
    assert.equal(error.line, 5);
    assert.match(error.message, /^line 5: BEGIN:VCARD without END:VCARD/);
  });

  it("names a line that has no ':'", () => {
    assert.equal(errorOf(() => parseVCards(card("VERSION:3.0", "FN:A", "this is not a property"))).line, 4);
  });

  it("names the line of a BDAY that is no date", () => {
    const error = errorOf(() => parseVCards(card("VERSION:4.0", "FN:A", "BDAY:1985-13-01")));
    assert.equal(error.line, 4);
    assert.match(error.message, /BDAY/);
    assert.equal(errorOf(() => parseVCards(card("VERSION:3.0", "FN:A", "BDAY:yesterday"))).line, 4);
  });

  it("names the line of a quoted-printable value whose CHARSET is unknown", () => {
    assert.equal(
      errorOf(() => parseVCards(card("VERSION:2.1", "FN;CHARSET=klingon;ENCODING=QUOTED-PRINTABLE:=41"))).line,
      3,
    );
  });

  it("names END:VCARD without BEGIN and an unsupported VERSION", () => {
    assert.equal(errorOf(() => parseVCards("FN:A\r\n")).line, 1);
    assert.equal(errorOf(() => parseVCards("\r\nEND:VCARD\r\n")).line, 2);
    assert.equal(errorOf(() => parseVCards(card("VERSION:5.0", "FN:A"))).line, 1);
  });

  it("names the second card when parseVCard expects one", () => {
    assert.equal(errorOf(() => parseVCard(fixture("multi-card.vcf"))).line, 9);
  });

  it("keeps a BDAY written as text (vCard 4.0 VALUE=text) as an extra", () => {
    const contact = parseVCard(card("VERSION:4.0", "FN:A", "BDAY;VALUE=text:circa 1800"));
    assert.equal(contact.birthday, undefined);
    assert.deepEqual(contact.extra, [
      { source: "vcard", name: "BDAY", value: "circa 1800", params: { value: ["text"] } },
    ]);
  });
});
