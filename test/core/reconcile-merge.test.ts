// The field-level three-way merge reconcile uses when both sides changed (core/contact/merge.ts).
import assert from "node:assert/strict";
import { contactSchema, type Contact, type ContactInput } from "../../core/contact/contact";
import { mergeContacts } from "../../core/contact/merge";

const contact = (input: Partial<ContactInput> = {}): Contact =>
  contactSchema.parse({ uid: "u1", displayName: "Ann Lee", ...input });

describe("mergeContacts", () => {
  it("merges name parts separately: a given name changed in Outlook and a family name on the server both stay", () => {
    const base = contact({ name: { given: "Ann", family: "Lee" } });
    const { contact: merged, conflicts } = mergeContacts(
      base,
      contact({ name: { given: "Anne", family: "Lee" } }),
      contact({ name: { given: "Ann", family: "Li" } }),
      "server",
    );
    assert.deepEqual(merged.name, { given: "Anne", family: "Li" });
    assert.deepEqual(conflicts, []);
  });

  it("matches phones by their digits, so reformatting a number is an edit of that number, not a new one", () => {
    const base = contact({ phones: [{ type: "mobile", number: "+1 555 0100" }] });
    const outlook = contact({ phones: [{ type: "mobile", number: "+1 (555) 0100" }] });
    const server = contact({
      phones: [
        { type: "mobile", number: "+1 555 0100" },
        { type: "home", number: "+1 555 0199" },
      ],
    });
    const { contact: merged } = mergeContacts(base, outlook, server, "server");
    assert.deepEqual(merged.phones, [
      { type: "mobile", number: "+1 (555) 0100" },
      { type: "home", number: "+1 555 0199" },
    ]);
  });

  it("matches addresses by type and settles two different edits of one address by the winner", () => {
    const base = contact({ addresses: [{ type: "business", city: "Oslo" }] });
    const outlook = contact({ addresses: [{ type: "business", city: "Bergen" }] });
    const server = contact({ addresses: [{ type: "business", city: "Trondheim" }] });
    const { contact: merged, conflicts } = mergeContacts(base, outlook, server, "outlook");
    assert.deepEqual(merged.addresses, [{ type: "business", city: "Bergen" }]);
    assert.equal(conflicts[0].field, "addresses[business]");
    assert.equal(conflicts[0].winner, "outlook");
  });

  it("keeps two e-mails that differ only by position instead of reading a reorder as a change", () => {
    const emails = [
      { type: "work" as const, address: "a@x.com" },
      { type: "home" as const, address: "b@y.com" },
    ];
    const base = contact({ emails });
    const { contact: merged, conflicts } = mergeContacts(
      base,
      contact({ emails: [...emails].reverse(), company: "Acme" }),
      contact({ emails, jobTitle: "CTO" }),
      "server",
    );
    assert.deepEqual(merged.emails.map((e) => e.address).sort(), ["a@x.com", "b@y.com"]);
    assert.equal(merged.company, "Acme");
    assert.equal(merged.jobTitle, "CTO");
    assert.deepEqual(conflicts, []);
  });

  it("merges categories as a set: one side adds, the other removes", () => {
    const base = contact({ categories: ["Friends", "Golf"] });
    const { contact: merged } = mergeContacts(
      base,
      contact({ categories: ["Friends", "Golf", "VIP"] }),
      contact({ categories: ["Friends"] }),
      "server",
    );
    assert.deepEqual(merged.categories.sort(), ["Friends", "VIP"]);
  });

  it("keeps unmodelled properties from both sides in extra", () => {
    const base = contact();
    const outlook = contact({ extra: [{ source: "graph", name: "spouseName", value: '"Bo"' }] });
    const server = contact({ extra: [{ source: "vcard", name: "X-SKYPE", value: "ann.lee" }] });
    assert.equal(mergeContacts(base, outlook, server, "server").contact.extra.length, 2);
  });

  it("without a base fills a field one side lacks and unions list fields", () => {
    const outlook = contact({ company: "Acme", emails: [{ type: "work", address: "ann@acme.com" }] });
    const server = contact({ jobTitle: "CTO", emails: [{ type: "home", address: "ann@home.net" }] });
    const { contact: merged, conflicts } = mergeContacts(undefined, outlook, server, "server");
    assert.equal(merged.company, "Acme");
    assert.equal(merged.jobTitle, "CTO");
    assert.equal(merged.emails.length, 2);
    assert.deepEqual(conflicts, []);
  });

  it("treats a cleared field on one side and a changed one on the other as a conflict the winner settles", () => {
    const base = contact({ notes: "old" });
    const { contact: merged, conflicts } = mergeContacts(
      base,
      contact({ notes: undefined }),
      contact({ notes: "new" }),
      "outlook",
    );
    assert.equal(merged.notes, undefined);
    assert.deepEqual(conflicts, [{ field: "notes", outlook: undefined, server: "new", winner: "outlook" }]);
  });

  it("compares photos by hash, not by the bytes a side may or may not carry", () => {
    const hash = "a".repeat(64);
    const base = contact({ photo: { mediaType: "image/jpeg", hash } });
    const withBytes = contact({ photo: { mediaType: "image/jpeg", hash, data: "AAAA" }, company: "Acme" });
    const { contact: merged, conflicts } = mergeContacts(
      base,
      withBytes,
      contact({ photo: { mediaType: "image/jpeg", hash }, jobTitle: "CTO" }),
      "server",
    );
    assert.equal(merged.photo?.hash, hash);
    assert.deepEqual(conflicts, []);
    const changed = mergeContacts(
      base,
      withBytes,
      contact({ photo: { mediaType: "image/jpeg", hash: "b".repeat(64) } }),
      "outlook",
    );
    assert.equal(changed.contact.photo?.hash, "b".repeat(64));
    assert.deepEqual(changed.conflicts, []);
  });

  it("produces a contact the schema accepts, with the server's uid", () => {
    const { contact: merged } = mergeContacts(
      contact(),
      { ...contact({ company: "A" }), uid: undefined },
      contact({ uid: "srv", jobTitle: "B" }),
      "server",
    );
    assert.equal(contactSchema.parse(merged).uid, "srv");
  });
});
