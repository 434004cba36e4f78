import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { contactSchema, type Contact, type ContactInput } from "../../core/contact/contact";
import { contentHash } from "../../core/contact/content-hash";
import {
  concordUidExpand,
  concordUidOf,
  concordUidPropertyId,
  contactToGraph,
  graphToContact,
  mergeFromGraph,
  withConcordUid,
  type GraphContact,
  type GraphContactBody,
} from "../../core/formats/outlook/graph-contact";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/graph/${name}`, import.meta.url), "utf8")) as GraphContact;
const contact = (input: Omit<ContactInput, "uid"> & { uid?: string }): Contact =>
  contactSchema.parse({ uid: "u-1", ...input });

// What Graph hands back after a POST: the body plus the bookkeeping it adds.
function echo(body: GraphContactBody): GraphContact {
  return {
    "@odata.etag": 'W/"EQAAABYAAAB8"',
    id: "AAMkAD=",
    changeKey: "EQAAABYAAAB8",
    createdDateTime: "2024-01-01T00:00:00Z",
    ...body,
  } as GraphContact;
}

const fiveEmails = contact({
  displayName: "Ann Lee",
  emails: [
    { type: "work", address: "ann@work.example" },
    { type: "home", address: "ann@home.example" },
    { type: "other", address: "ann3@example.org" },
    { type: "other", address: "ann4@example.org" },
    { type: "work", address: "ann5@work.example" },
  ],
});

describe("Graph contact mapping", () => {
  it("reads every mapped property of a Graph contact", () => {
    const c = graphToContact(fixture("contact-get.json"), "c0ffee-0001");
    assert.equal(c.displayName, "Dr. Pavel Bansky Jr.");
    assert.deepEqual(c.name, {
      prefix: "Dr.",
      given: "Pavel",
      middle: "J.",
      family: "Bansky",
      suffix: "Jr.",
      nickname: "Pav",
      fileAs: "Bansky, Pavel",
    });
    assert.deepEqual(
      c.emails.map((e) => e.address),
      ["pavelb@fabrikam.onmicrosoft.com", "pavel@example.org"],
    );
    assert.deepEqual(c.phones, [
      { type: "business", number: "+1 732 555 0102" },
      { type: "business2", number: "+1 732 555 0103" },
      { type: "home", number: "+1 425 555 0109" },
      { type: "mobile", number: "+1 425 555 0110" },
    ]);
    assert.deepEqual(c.addresses, [
      {
        type: "business",
        street: "123 Some street",
        city: "Seattle",
        region: "WA",
        postalCode: "98121",
        country: "USA",
      },
      { type: "other", city: "Prague", country: "Czech Republic" },
    ]);
    assert.equal(c.company, "Fabrikam, Inc.");
    assert.equal(c.office, "18/2111");
    assert.equal(c.manager, "Megan Bowen");
    assert.equal(c.assistant, "Alex Wilber");
    assert.deepEqual(c.urls, [{ type: "work", url: "https://www.fabrikam.com/pavel" }]);
    assert.deepEqual(c.im, [{ address: "sip:pavelb@fabrikam.onmicrosoft.com" }]);
    assert.deepEqual(c.categories, ["Customers", "Blue category"]);
    assert.equal(c.notes, "Met at Build.\nPrefers e-mail.");
  });

  it("treats the empty physicalAddress object Graph sends as no address", () => {
    const c = graphToContact(fixture("contact-get.json"), "x");
    assert.equal(
      c.addresses.some((a) => a.type === "home"),
      false,
    );
  });

  it("keeps spouse, children, profession and unknown properties in extra as JSON text, but not bookkeeping or nulls", () => {
    const c = graphToContact(fixture("contact-get.json"), "x");
    assert.deepEqual(
      c.extra.map((e) => [e.source, e.name, JSON.parse(e.value)]),
      [
        ["graph", "initials", "P.B."],
        ["graph", "profession", "Engineer"],
        ["graph", "spouseName", "Anna"],
        ["graph", "children", ["Eva", "Tom"]],
        ["graph", "flag", { flagStatus: "notFlagged" }],
      ],
    );
  });

  it("writes unknown properties back out of extra", () => {
    const { body } = contactToGraph(graphToContact(fixture("contact-get.json"), "x"));
    assert.deepEqual(body.children, ["Eva", "Tom"]);
    assert.deepEqual(body.flag, { flagStatus: "notFlagged" });
    assert.equal(body.spouseName, "Anna");
    assert.equal("id" in body || "changeKey" in body || "@odata.etag" in body, false);
  });

  it("never lets an extra named like a mapped or bookkeeping property into the body", () => {
    const c = contact({
      emails: [{ address: "a@example.org" }],
      extra: [
        { source: "graph", name: "emailAddresses", value: '[{"address":"evil@example.org"}]' },
        { source: "graph", name: "id", value: '"forged"' },
        { source: "graph", name: "broken", value: "{not json" },
      ],
    });
    const { body } = contactToGraph(c);
    assert.deepEqual(body.emailAddresses, [{ address: "a@example.org", name: "a@example.org" }]);
    assert.equal("id" in body, false);
    assert.equal("broken" in body, false);
  });

  it("round-trips everything Graph can hold through a create and Graph's echo", () => {
    const original = graphToContact(fixture("contact-get.json"), "c0ffee-0001");
    const again = graphToContact(echo(contactToGraph(original).body), "c0ffee-0001");
    assert.deepEqual(again, original);
    assert.equal(contentHash(again), contentHash(original));
  });

  describe("birthday", () => {
    const birthdayOf = (birthday: string) => graphToContact({ birthday } as GraphContact, "x").birthday;

    it("reads midnight UTC as that day", () => assert.equal(birthdayOf("1980-05-17T00:00:00Z"), "1980-05-17"));
    it("reads midnight in a zone east of UTC (stored as the previous evening UTC) as the intended day", () =>
      assert.equal(birthdayOf("1980-05-16T23:00:00Z"), "1980-05-17"));
    it("reads midnight in a zone west of UTC (stored as the same morning UTC) as the intended day", () =>
      assert.equal(birthdayOf("1980-05-17T07:00:00Z"), "1980-05-17"));
    it("reads the 11:59 and noon conventions as that day", () => {
      assert.equal(birthdayOf("1980-05-17T11:59:00Z"), "1980-05-17");
      assert.equal(birthdayOf("1980-05-17T12:00:00Z"), "1980-05-17");
    });
    it("honours an explicit offset", () => assert.equal(birthdayOf("1980-05-17T00:00:00+02:00"), "1980-05-17"));
    it("writes midnight UTC", () =>
      assert.equal(contactToGraph(contact({ birthday: "1980-05-17" })).body.birthday, "1980-05-17T00:00:00Z"));
    it("keeps a year-less birthday year-less through the 1604 placeholder", () => {
      const { body } = contactToGraph(contact({ birthday: "--05-17" }));
      assert.equal(body.birthday, "1604-05-17T00:00:00Z");
      assert.equal(graphToContact(echo(body), "x").birthday, "--05-17");
    });
  });

  describe("capacity", () => {
    it("sends at most 3 e-mails and reports the 4th and 5th as overflow", () => {
      const { body, overflow } = contactToGraph(fiveEmails);
      assert.deepEqual(
        (body.emailAddresses as { address: string }[]).map((e) => e.address),
        ["ann@work.example", "ann@home.example", "ann3@example.org"],
      );
      assert.deepEqual(
        overflow.emails.map((e) => e.address),
        ["ann4@example.org", "ann5@work.example"],
      );
    });

    it("puts two business and two home phones and one mobile in their slots and overflows the other kinds", () => {
      const c = contact({
        phones: [
          { type: "pager", number: "1" },
          { type: "business", number: "2" },
          { type: "business", number: "3" },
          { type: "business2", number: "4" },
          { type: "home2", number: "5" },
          { type: "mobile", number: "6" },
          { type: "mobile", number: "7" },
          { type: "businessFax", number: "8" },
        ],
      });
      const { body, overflow } = contactToGraph(c);
      assert.deepEqual(body.businessPhones, ["2", "3"]);
      assert.deepEqual(body.homePhones, ["5"]);
      assert.equal(body.mobilePhone, "6");
      assert.deepEqual(
        overflow.phones.map((p) => p.number),
        ["1", "4", "7", "8"],
      );
    });

    it("holds one address per kind and a work URL as the business home page", () => {
      const c = contact({
        addresses: [
          { type: "home", city: "Oslo" },
          { type: "home", city: "Bergen" },
          { type: "business", city: "Trondheim", poBox: "12" },
        ],
        urls: [
          { type: "home", url: "https://home.example" },
          { type: "work", url: "https://work.example" },
        ],
        anniversary: "2001-06-02",
      });
      const { body, overflow } = contactToGraph(c);
      assert.equal((body.homeAddress as { city: string }).city, "Oslo");
      assert.equal((body.businessAddress as { city: string }).city, "Trondheim");
      assert.equal(body.businessHomePage, "https://work.example");
      assert.deepEqual(overflow.addresses, [{ type: "home", city: "Bergen" }]);
      assert.deepEqual(overflow.urls, [{ type: "home", url: "https://home.example" }]);
      assert.deepEqual(overflow.fields, ["anniversary", "addresses[2].poBox"]);
    });
  });

  describe("update bodies", () => {
    it("sends only what changed since the previous version", () => {
      const previous = contact({ displayName: "Ann", company: "Old", emails: [{ address: "a@example.org" }] });
      const { body } = contactToGraph({ ...previous, company: "New" }, previous);
      assert.deepEqual(body, { companyName: "New" });
    });

    it("clears removed scalars with null, lists with [] and addresses field by field", () => {
      const previous = contact({
        displayName: "Ann",
        jobTitle: "Boss",
        categories: ["VIP"],
        addresses: [{ type: "home", city: "Oslo" }],
      });
      const { body } = contactToGraph({ ...previous, jobTitle: undefined, categories: [], addresses: [] }, previous);
      assert.deepEqual(body, {
        jobTitle: null,
        categories: [],
        homeAddress: { street: null, city: null, state: null, countryOrRegion: null, postalCode: null },
      });
    });
  });

  describe("Concord uid extended property", () => {
    it("reads the uid from an expanded item and ignores other extended properties", () => {
      const item = {
        singleValueExtendedProperties: [
          { id: "String {00020329-0000-0000-C000-000000000046} Name Other", value: "no" },
          { id: concordUidPropertyId.toUpperCase(), value: "uid-42" },
        ],
      } as GraphContact;
      assert.equal(concordUidOf(item), "uid-42");
      assert.equal(concordUidOf({} as GraphContact), undefined);
    });

    it("adds the uid to a body and filters for it with $expand", () => {
      const body = withConcordUid(contactToGraph(contact({ displayName: "Ann" })).body, "uid-42");
      assert.deepEqual(body.singleValueExtendedProperties, [{ id: concordUidPropertyId, value: "uid-42" }]);
      assert.equal(concordUidOf(echo(body)), "uid-42");
      assert.match(
        concordUidExpand,
        /^singleValueExtendedProperties\(\$filter=id eq 'String \{[0-9a-f-]{36}\} Name ConcordUid'\)$/,
      );
    });

    it("does not turn the uid property into an extra", () => {
      const c = graphToContact(echo(withConcordUid({ displayName: "Ann" }, "uid-42")), "uid-42");
      assert.deepEqual(c.extra, []);
    });
  });

  describe("merging an Outlook item into the server's contact", () => {
    const shownThenRead = (server: Contact, edit: (body: GraphContactBody) => GraphContactBody = (b) => b) =>
      echo(edit(contactToGraph(server).body));

    it("keeps a 4th and 5th e-mail on the server when the user edits the 2nd in Outlook", () => {
      const item = shownThenRead(fiveEmails, (b) => ({
        ...b,
        emailAddresses: [
          { address: "ann@work.example" },
          { address: "ann.lee@home.example" },
          { address: "ann3@example.org" },
        ],
      }));
      const merged = mergeFromGraph(fiveEmails, item);
      assert.deepEqual(merged.emails, [
        { type: "work", address: "ann@work.example" },
        { type: "home", address: "ann.lee@home.example" },
        { type: "other", address: "ann3@example.org" },
        { type: "other", address: "ann4@example.org" },
        { type: "work", address: "ann5@work.example" },
      ]);
    });

    it("drops only the e-mail the user deleted in Outlook and keeps the hidden ones", () => {
      const item = shownThenRead(fiveEmails, (b) => ({
        ...b,
        emailAddresses: [{ address: "ann@work.example" }, { address: "ann3@example.org" }],
      }));
      assert.deepEqual(
        mergeFromGraph(fiveEmails, item).emails.map((e) => e.address),
        ["ann@work.example", "ann3@example.org", "ann4@example.org", "ann5@work.example"],
      );
    });

    it("changes nothing when the Outlook item is what was written", () => {
      const server = contact({
        displayName: "Ann Lee",
        name: { given: "Ann", family: "Lee" },
        emails: fiveEmails.emails,
        phones: [
          { type: "business2", number: "1" },
          { type: "business", number: "2" },
          { type: "pager", number: "3" },
          { type: "car", number: "4" },
          { type: "mobile", number: "5" },
          { type: "tty", number: "6" },
        ],
        addresses: [
          { type: "business", street: "Main St 1", poBox: "PO 7" },
          { type: "business", city: "Second" },
        ],
        im: [{ type: "xmpp", address: "ann@jabber.example" }],
        urls: [{ type: "home", url: "https://ann.example" }],
        anniversary: "2001-06-02",
        photo: { mediaType: "image/png", hash: "a".repeat(64) },
        extra: [
          { source: "vcard", name: "X-FOO", value: "bar" },
          { source: "graph", name: "spouseName", value: '"Bo"' },
        ],
      });
      const merged = mergeFromGraph(server, shownThenRead(server));
      assert.deepEqual(merged, server);
    });

    it("keeps phone kinds Graph lacks and applies an edit to a business phone", () => {
      const server = contact({
        phones: [
          { type: "pager", number: "100" },
          { type: "business", number: "200" },
          { type: "callback", number: "300" },
          { type: "homeFax", number: "400" },
        ],
      });
      const item = shownThenRead(server, (b) => ({ ...b, businessPhones: ["201"] }));
      assert.deepEqual(mergeFromGraph(server, item).phones, [
        { type: "pager", number: "100" },
        { type: "business", number: "201" },
        { type: "callback", number: "300" },
        { type: "homeFax", number: "400" },
      ]);
    });

    it("takes a field cleared in Outlook as cleared", () => {
      const server = contact({ displayName: "Ann", company: "Acme", categories: ["VIP"], notes: "hi" });
      const item = shownThenRead(server, ({ companyName: _c, categories: _k, personalNotes: _n, ...rest }) => rest);
      const merged = mergeFromGraph(server, item);
      assert.equal(merged.company, undefined);
      assert.deepEqual(merged.categories, []);
      assert.equal(merged.notes, undefined);
    });

    it("keeps a PO box Graph cannot show when the user edits that address", () => {
      const server = contact({ addresses: [{ type: "home", street: "Elm 1", city: "Oslo", poBox: "PO 9" }] });
      const item = shownThenRead(server, (b) => ({ ...b, homeAddress: { street: "Elm 2", city: "Oslo" } }));
      assert.deepEqual(mergeFromGraph(server, item).addresses, [
        { type: "home", street: "Elm 2", city: "Oslo", poBox: "PO 9" },
      ]);
    });

    it("adds an e-mail typed in Outlook after the hidden ones", () => {
      const server = contact({ emails: [{ type: "work", address: "a@example.org" }] });
      const item = shownThenRead(server, (b) => ({
        ...b,
        emailAddresses: [{ address: "a@example.org" }, { address: "b@example.org" }],
      }));
      assert.deepEqual(mergeFromGraph(server, item).emails, [
        { type: "work", address: "a@example.org" },
        { type: "other", address: "b@example.org" },
      ]);
    });
  });
});
