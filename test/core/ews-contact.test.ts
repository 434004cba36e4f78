import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { XMLValidator } from "fast-xml-parser";
import { contactSchema, type Contact, type ContactInput } from "../../core/contact/contact";
import {
  contactToEwsUpdates,
  contactToEwsXml,
  ewsConcordUid,
  ewsContactXmlToContact,
  ewsOverflow,
  mergeFromEws,
  parseEwsContacts,
} from "../../core/formats/outlook/ews-contact";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ews/${name}`, import.meta.url), "utf8");
const contact = (input: Omit<ContactInput, "uid"> & { uid?: string }): Contact =>
  contactSchema.parse({ uid: "u-1", ...input });
const t = 'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';
// What Exchange returns for an item created from our <t:Contact>, enough for reading it back.
const asCreated = (xml: string) => xml.replace("<t:Contact>", `<t:Contact ${t}><t:ItemId Id="AAMk=" ChangeKey="EQ"/>`);

describe("EWS contact mapping", () => {
  it("reads the GetItem (Contact) sample of the EWS reference", () => {
    const c = ewsContactXmlToContact(fixture("getitem-contact.xml"), "u-1");
    assert.equal(c.displayName, "Tanja Plate");
    assert.deepEqual(c.name, { given: "Tanja", family: "Plate", fileAs: "SampleContact" });
    assert.equal(c.company, "Northwind Traders");
    assert.equal(c.jobTitle, "Project Manager");
    assert.deepEqual(
      c.emails.map((e) => e.address),
      ["tplate@example.com", "tplate@example.com"],
    );
    assert.deepEqual(c.phones, [{ type: "business", number: "5625550199" }]);
    assert.deepEqual(c.addresses, [
      { type: "business", street: "12345 67th Ave", city: "Whittier", region: "CA", country: "USA" },
    ]);
    assert.equal(c.notes, undefined);
  });

  it("reads a full contact: uid and title from extended properties, entities, dictionaries, dates and extras", () => {
    const c = ewsContactXmlToContact(fixture("getitem-contact-full.xml"));
    assert.equal(c.uid, "c0ffee-0001");
    assert.deepEqual(c.name, {
      prefix: "Dr.",
      given: "Pavel",
      middle: "J.",
      family: "Bansky",
      suffix: "Jr.",
      nickname: "Pav",
      fileAs: "Bansky, Pavel",
    });
    assert.equal(c.notes, "Met at Build & Ignite.\nPrefers <e-mail>.");
    assert.equal(c.department, "R&D");
    assert.deepEqual(c.urls, [{ type: "work", url: "https://www.fabrikam.example/pavel?a=1&b=2" }]);
    assert.deepEqual(
      c.emails.map((e) => e.address),
      ["pavelb@fabrikam.example", "pavel@example.org"],
    );
    assert.deepEqual(
      c.phones.map((p) => p.type),
      ["business", "business2", "businessFax", "car", "home", "mobile", "pager", "tty"],
    );
    assert.deepEqual(
      c.addresses.map((a) => [a.type, a.city]),
      [
        ["business", "Seattle"],
        ["home", "Praha"],
      ],
    );
    assert.equal(c.addresses[1].street, "Na Příkopě 1");
    assert.equal(c.birthday, "1974-07-22");
    assert.equal(c.anniversary, "2001-06-02");
    assert.deepEqual(c.im, [{ address: "sip:pavelb@fabrikam.example" }]);
    assert.deepEqual(c.categories, ["Customers", "Blue category"]);
    assert.deepEqual(c.extra, [
      { source: "ews", name: "Initials", value: "P.B." },
      { source: "ews", name: "Profession", value: "Engineer" },
      { source: "ews", name: "SpouseName", value: "Anna" },
      { source: "ews", name: "Children", value: '["Eva","Tom"]' },
    ]);
  });

  it("refuses an item with no Concord uid when none is given", () => {
    assert.throws(() => ewsContactXmlToContact(fixture("getitem-contact.xml")), /uid/);
    assert.equal(ewsConcordUid(fixture("getitem-contact.xml")), undefined);
    assert.equal(ewsConcordUid(fixture("getitem-contact-full.xml")), "c0ffee-0001");
  });

  it("writes a well-formed <t:Contact> in schema order that reads back to the same contact", () => {
    const original = ewsContactXmlToContact(fixture("getitem-contact-full.xml"));
    const xml = contactToEwsXml(original);
    assert.equal(XMLValidator.validate(`<r ${t}>${xml}</r>`), true);
    const order = [...xml.matchAll(/<t:(\w+)[ >]/g)]
      .map((m) => m[1])
      .filter((n) =>
        [
          "Body",
          "Categories",
          "ExtendedProperty",
          "FileAs",
          "EmailAddresses",
          "Surname",
          "WeddingAnniversary",
        ].includes(n),
      );
    assert.deepEqual(
      [...new Set(order)],
      ["Body", "Categories", "ExtendedProperty", "FileAs", "EmailAddresses", "Surname", "WeddingAnniversary"],
    );
    assert.deepEqual(ewsContactXmlToContact(asCreated(xml)), original);
  });

  it("escapes markup and drops characters XML 1.0 cannot carry", () => {
    const xml = contactToEwsXml(contact({ displayName: `A<b>&"c'\u0001`, notes: "x]]>y" }));
    assert.match(xml, /<t:DisplayName>A&lt;b&gt;&amp;&quot;c&apos;<\/t:DisplayName>/);
    assert.equal(XMLValidator.validate(`<r ${t}>${xml}</r>`), true);
    const back = ewsContactXmlToContact(asCreated(xml));
    assert.equal(back.displayName, `A<b>&"c'`);
    assert.equal(back.notes, "x]]>y");
  });

  it("puts each phone kind under its own key and a second business number into BusinessPhone2", () => {
    const xml = contactToEwsXml(
      contact({
        phones: [
          { type: "business", number: "1" },
          { type: "business", number: "2" },
          { type: "tty", number: "3" },
          { type: "company", number: "4" },
          { type: "radio", number: "5" },
          { type: "callback", number: "6" },
        ],
      }),
    );
    for (const [key, n] of [
      ["BusinessPhone", 1],
      ["BusinessPhone2", 2],
      ["TtyTddPhone", 3],
      ["CompanyMainPhone", 4],
      ["RadioPhone", 5],
      ["Callback", 6],
    ]) {
      assert.match(xml, new RegExp(`<t:Entry Key="${key}">${n}</t:Entry>`));
    }
  });

  it("writes a year-less birthday with the 1604 placeholder and reads it back year-less", () => {
    const xml = contactToEwsXml(contact({ birthday: "--02-29" }));
    assert.match(xml, /<t:Birthday>1604-02-29T00:00:00Z<\/t:Birthday>/);
    assert.equal(ewsContactXmlToContact(asCreated(xml)).birthday, "--02-29");
  });

  it("reports a 4th e-mail, a PO box and the photo as what the Outlook item cannot hold", () => {
    const overflow = ewsOverflow(
      contact({
        emails: ["a", "b", "c", "d"].map((x) => ({ address: `${x}@example.org` })),
        addresses: [{ type: "home", city: "Oslo", poBox: "7" }],
        photo: { mediaType: "image/jpeg", hash: "b".repeat(64) },
      }),
    );
    assert.deepEqual(overflow.emails, [{ type: "other", address: "d@example.org" }]);
    assert.deepEqual(overflow.fields, ["photo", "addresses[0].poBox"]);
  });

  it("parses every contact of a multi-item response", () => {
    const two = fixture("getitem-contact.xml").replace(/(<t:Contact>[\s\S]*<\/t:Contact>)/, "$1$1");
    assert.equal(parseEwsContacts(two).length, 2);
    assert.equal(ewsContactXmlToContact(parseEwsContacts(two)[1], "u-2").displayName, "Tanja Plate");
  });

  describe("UpdateItem changes", () => {
    const previous = contact({
      displayName: "Ann Lee",
      company: "Acme",
      emails: [{ address: "a@example.org" }, { address: "b@example.org" }],
      addresses: [{ type: "home", street: "Elm 1", city: "Oslo" }],
    });

    it("sets only what changed, with indexed field URIs for dictionary entries", () => {
      const updates = contactToEwsUpdates(
        {
          ...previous,
          emails: [
            { type: "other", address: "a@example.org" },
            { type: "other", address: "b2@example.org" },
          ],
        },
        previous,
      );
      assert.deepEqual(updates, [
        '<t:SetItemField><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress2"/>' +
          '<t:Contact><t:EmailAddresses><t:Entry Key="EmailAddress2">b2@example.org</t:Entry></t:EmailAddresses></t:Contact></t:SetItemField>',
      ]);
    });

    it("changes one address part inside its entry and deletes a removed one", () => {
      const updates = contactToEwsUpdates(
        { ...previous, company: undefined, addresses: [{ type: "home", street: "Elm 2" }] },
        previous,
      );
      assert.deepEqual(updates, [
        '<t:SetItemField><t:IndexedFieldURI FieldURI="contacts:PhysicalAddress:Street" FieldIndex="Home"/>' +
          '<t:Contact><t:PhysicalAddresses><t:Entry Key="Home"><t:Street>Elm 2</t:Street></t:Entry></t:PhysicalAddresses></t:Contact></t:SetItemField>',
        '<t:DeleteItemField><t:FieldURI FieldURI="contacts:CompanyName"/></t:DeleteItemField>',
        '<t:DeleteItemField><t:IndexedFieldURI FieldURI="contacts:PhysicalAddress:City" FieldIndex="Home"/></t:DeleteItemField>',
      ]);
    });

    it("without a previous version sets every field and deletes every other one, but never the uid", () => {
      const updates = contactToEwsUpdates(previous);
      assert.ok(updates.some((u) => u.includes('FieldURI="contacts:CompanyName"') && u.startsWith("<t:SetItemField>")));
      assert.ok(
        updates.some(
          (u) =>
            u ===
            '<t:DeleteItemField><t:IndexedFieldURI FieldURI="contacts:PhoneNumber" FieldIndex="Pager"/></t:DeleteItemField>',
        ),
      );
      assert.ok(
        updates.some(
          (u) =>
            u ===
            '<t:DeleteItemField><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress3"/></t:DeleteItemField>',
        ),
      );
      assert.ok(updates.some((u) => u === '<t:DeleteItemField><t:FieldURI FieldURI="item:Body"/></t:DeleteItemField>'));
      assert.ok(!updates.some((u) => u.startsWith("<t:DeleteItemField>") && u.includes("ConcordUid")));
      const setUid = updates.find((u) => u.includes("ConcordUid"));
      assert.match(setUid ?? "", /<t:Value>u-1<\/t:Value>/);
      for (const u of updates) assert.equal(XMLValidator.validate(`<r ${t}>${u}</r>`), true, u);
    });

    it("writes the title through PidTagDisplayNamePrefix, since CompleteName is read-only", () => {
      const updates = contactToEwsUpdates({ ...previous, name: { prefix: "Dr." } }, previous);
      assert.deepEqual(updates, [
        '<t:SetItemField><t:ExtendedFieldURI PropertyTag="0x3A45" PropertyType="String"/><t:Contact><t:ExtendedProperty>' +
          '<t:ExtendedFieldURI PropertyTag="0x3A45" PropertyType="String"/><t:Value>Dr.</t:Value></t:ExtendedProperty></t:Contact></t:SetItemField>',
      ]);
    });
  });

  describe("merging an Outlook item into the server's contact", () => {
    const server = contact({
      displayName: "Ann Lee",
      emails: [
        { type: "work", address: "ann@work.example" },
        { type: "home", address: "ann@home.example" },
        { type: "other", address: "ann3@example.org" },
        { type: "other", address: "ann4@example.org" },
      ],
      phones: [
        { type: "pager", number: "1" },
        { type: "home", number: "2" },
        { type: "home", number: "3" },
        { type: "home", number: "4" },
      ],
      urls: [
        { type: "work", url: "https://a.example" },
        { type: "home", url: "https://b.example" },
      ],
      photo: { mediaType: "image/jpeg", hash: "c".repeat(64) },
      extra: [{ source: "vcard", name: "X-ABC", value: "1" }],
    });

    it("changes nothing when the Outlook item is what was written", () => {
      assert.deepEqual(mergeFromEws(server, asCreated(contactToEwsXml(server))), server);
    });

    it("keeps the 4th e-mail, the 3rd home phone and the second URL when the user edits the 2nd e-mail", () => {
      const edited = asCreated(contactToEwsXml(server)).replace("ann@home.example", "ann.lee@home.example");
      const merged = mergeFromEws(server, edited);
      assert.deepEqual(merged.emails, [
        { type: "work", address: "ann@work.example" },
        { type: "home", address: "ann.lee@home.example" },
        { type: "other", address: "ann3@example.org" },
        { type: "other", address: "ann4@example.org" },
      ]);
      assert.deepEqual(merged.phones, server.phones);
      assert.deepEqual(merged.urls, server.urls);
      assert.deepEqual(merged.photo, server.photo);
      assert.deepEqual(merged.extra, server.extra);
    });

    it("takes a pager number deleted in Outlook as deleted", () => {
      const edited = asCreated(contactToEwsXml(server)).replace('<t:Entry Key="Pager">1</t:Entry>', "");
      assert.deepEqual(
        mergeFromEws(server, edited).phones.map((p) => p.number),
        ["2", "3", "4"],
      );
    });
  });
});
