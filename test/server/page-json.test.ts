// Full reads send each contact's stored JSON text as it is: what goes out must be what
// JSON.stringify of the records the store gave would send, and a record's contact is still
// there for every other reader.
import assert from "node:assert/strict";
import { contactSchema } from "../../core/contact/contact";
import { changesJson, contactsJson } from "../../server/http/page-bytes";
import { contactTextsOf, withContactTexts } from "../../server/store/contract";
import type { StoredVersion } from "../../server/store/contacts/checkpoints";
import { changeOf, storedOf } from "../../server/store/contacts/records";

const contact = contactSchema.parse({
  uid: "a",
  displayName: 'Zoë "Q" \u2028 O\'Neil',
  emails: [{ type: "work", address: "zoe@example.com" }],
  notes: "line one\nline two \ud83d\ude00",
});
const live = (extra: Partial<StoredVersion> = {}): StoredVersion => ({
  uid: "a",
  seq: 7,
  etag: '"e7"',
  deleted: false,
  updatedAt: new Date(1_700_000_000_000),
  text: JSON.stringify(contact),
  href: null,
  source: null,
  ...extra,
});
const tombstone: StoredVersion = { ...live(), uid: "b", seq: 8, deleted: true, text: null };

describe("full pages sent as the store's contact texts", () => {
  it("sends each change exactly as JSON.stringify of the store's change would", () => {
    const versions = [live(), live({ uid: "c", href: "c.vcf" }), tombstone];
    const page = withContactTexts(
      { changes: versions.map(changeOf), token: "t", more: false },
      versions.map((v) => v.text),
    );
    const json = changesJson(page);
    assert.equal(json.count, 3);
    for (let i = 0; i < 3; i++) assert.deepEqual(JSON.parse(json.json(i)), JSON.parse(JSON.stringify(page.changes[i])));
    assert.deepEqual(JSON.parse(json.json(0)).contact, contact);
    assert.equal(JSON.parse(json.json(1)).href, "c.vcf");
    assert.equal("contact" in JSON.parse(json.json(2)), false, "a tombstone has no contact");
  });

  it("sends the listing's uid, etag and contact, and only those", () => {
    const versions = [live({ href: "a.vcf", source: "ldap" })];
    const page = withContactTexts(
      { contacts: versions.map(storedOf), cursor: null },
      versions.map((v) => v.text),
    );
    assert.deepEqual(JSON.parse(contactsJson(page).json(0)), { uid: "a", etag: '"e7"', contact });
  });

  it("splices the text in without turning the contact into JSON again", () => {
    const change = changeOf(live());
    const page = withContactTexts({ changes: [change], token: "t", more: false }, ['{"uid":"as stored"}']);
    assert.deepEqual(JSON.parse(changesJson(page).json(0)).contact, { uid: "as stored" });
  });

  it("sends records without texts as JSON.stringify does", () => {
    const page = { changes: [changeOf(live())], token: "t", more: false };
    assert.equal(contactTextsOf(page), undefined);
    assert.equal(changesJson(page).json(0), JSON.stringify(page.changes[0]));
  });

  it("keeps the texts off the page's own properties: it compares and serializes as a plain page", () => {
    const plain = { changes: [changeOf(live())], token: "t", more: false };
    const page = withContactTexts({ ...plain }, [live().text]);
    assert.deepEqual(page, plain);
    assert.equal(JSON.stringify(page), JSON.stringify(plain));
  });

  it("gives each record a contact of its own, parsed when read, that a reader may change or replace", () => {
    const v = live();
    const [one, two] = [changeOf(v), storedOf(v)];
    assert.deepEqual(one.contact, contact);
    assert.equal(one.contact, one.contact, "parsed once");
    one.contact!.displayName = "Changed";
    assert.equal(two.contact.displayName, contact.displayName);
    two.contact = { ...contact, displayName: "Replaced" };
    assert.equal(two.contact.displayName, "Replaced");
    assert.deepEqual({ ...two }, { uid: "a", etag: '"e7"', seq: 7, contact: two.contact });
  });
});
