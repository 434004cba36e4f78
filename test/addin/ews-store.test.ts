// The EWS contact store against a fake Exchange over real HTTP on 127.0.0.1.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createFakeEws, fakeMessageLimit, type FakeMailbox } from "../fakes/fake-ews";
import { createEwsContactStore, type EwsContactStore } from "../../addin/outlook/ews-store";
import { httpEwsTransport } from "../../addin/outlook/ews-transport";
import { callEws, defaultCallOptions, EwsError } from "../../addin/outlook/ews-soap";
import { concordPropertySetId } from "../../core/formats/outlook/graph-contact";
import { decodeState, encodeState } from "../../addin/outlook/ews-state";

type Fields = {
  given?: string;
  surname?: string;
  mobile?: string;
  business?: string;
  email?: string;
  notes?: string;
  spouse?: string;
  street?: string;
};

function contactXml(f: Fields): string {
  const phones = [
    f.business && `<t:Entry Key="BusinessPhone">${f.business}</t:Entry>`,
    f.mobile && `<t:Entry Key="MobilePhone">${f.mobile}</t:Entry>`,
  ]
    .filter(Boolean)
    .join("");
  return (
    `<t:Contact>` +
    (f.notes ? `<t:Body BodyType="Text">${f.notes}</t:Body>` : "") +
    (f.given ? `<t:GivenName>${f.given}</t:GivenName>` : "") +
    (f.email ? `<t:EmailAddresses><t:Entry Key="EmailAddress1">${f.email}</t:Entry></t:EmailAddresses>` : "") +
    (f.street
      ? `<t:PhysicalAddresses><t:Entry Key="Home"><t:Street>${f.street}</t:Street><t:City>Lyon</t:City></t:Entry></t:PhysicalAddresses>`
      : "") +
    (phones ? `<t:PhoneNumbers>${phones}</t:PhoneNumbers>` : "") +
    (f.spouse ? `<t:SpouseName>${f.spouse}</t:SpouseName>` : "") +
    (f.surname ? `<t:Surname>${f.surname}</t:Surname>` : "") +
    `</t:Contact>`
  );
}

const uidKey = `${concordPropertySetId}|ConcordUid`;

describe("EWS contact store (fake Exchange over HTTP)", () => {
  let server: Server;
  let mailbox: FakeMailbox;
  let store: EwsContactStore;
  let url: string;
  let sleeps: number[];

  const makeStore = (options: { pageSize?: number; maxRetries?: number } = {}) =>
    createEwsContactStore({ transport: httpEwsTransport(url), sleep: async (ms) => void sleeps.push(ms), ...options });

  beforeEach(async () => {
    const fake = createFakeEws();
    mailbox = fake.mailbox;
    server = await new Promise<Server>((resolve) => {
      const s = fake.app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
    sleeps = [];
    store = makeStore({ pageSize: 7 });
  });

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("creates a contacts folder once and finds it again by name", async () => {
    const first = await store.ensureFolder("Concord – GAB");
    const again = await store.ensureFolder("Concord – GAB");
    assert.equal(again.id, first.id);
    assert.deepEqual(await store.listFolders(), [{ id: first.id, name: "Concord – GAB" }]);
    assert.equal(mailbox.log.filter((r) => r.operation === "CreateFolder").length, 1);
  });

  it("finds the main Contacts folder's id with GetFolder of the distinguished folder, and syncs into it", async () => {
    mailbox.addContact(mailbox.contactsFolderId, contactXml({ given: "Main" }));
    const main = await store.mainFolder();
    assert.deepEqual(main, { id: mailbox.contactsFolderId, name: "Contacts" });
    const read = await store.readFolder(main.id);
    assert.equal(read.items.length, 1);
    assert.deepEqual(await store.listFolders(), [], "the main folder is not its own subfolder");
  });

  it("reads a whole folder page by page on the first read", async () => {
    const folder = mailbox.addFolder("PAB");
    for (let i = 0; i < 20; i++) mailbox.addContact(folder, contactXml({ given: `Person${i}` }));
    const read = await store.readFolder(folder);
    assert.equal(read.full, true);
    assert.deepEqual(read.removed, []);
    assert.equal(read.items.length, 20);
    assert.deepEqual(new Set(read.items.map((i) => i.id)), new Set(mailbox.idsIn(folder)));
    assert.match(
      read.items.find((i) => i.wire.includes("Person13"))!.wire,
      /^<t:Contact>.*<t:GivenName>Person13<\/t:GivenName>/,
    );
    const finds = mailbox.log.filter((r) => r.operation === "FindItem").length;
    assert.equal(finds, 4, "20 contacts in pages of 7, each page repeating the last item of the one before");
  });

  it("returns only contacts whose ChangeKey changed since the last read", async () => {
    const folder = mailbox.addFolder("PAB");
    const ids = [0, 1, 2].map((i) => mailbox.addContact(folder, contactXml({ given: `P${i}` })));
    const first = await store.readFolder(folder);
    const unchanged = await store.readFolder(folder, first.state);
    assert.deepEqual(unchanged.items, []);
    assert.equal(unchanged.full, false);
    mailbox.editContact(ids[1]!, contactXml({ given: "Edited in Outlook" }));
    const changed = await store.readFolder(folder, unchanged.state);
    assert.deepEqual(
      changed.items.map((i) => i.id),
      [ids[1]],
    );
    assert.notEqual(changed.items[0]!.changeKey, first.items.find((i) => i.id === ids[1])!.changeKey);
    assert.match(changed.items[0]!.wire, /Edited in Outlook/);
    assert.ok(changed.items[0]!.lastModified! > first.items.find((i) => i.id === ids[1])!.lastModified!);
  });

  it("reports contacts deleted in Outlook as removed", async () => {
    const folder = mailbox.addFolder("PAB");
    const [keep, gone] = [
      mailbox.addContact(folder, contactXml({ given: "Keep" })),
      mailbox.addContact(folder, contactXml({ given: "Gone" })),
    ];
    const first = await store.readFolder(folder);
    mailbox.deleteContact(gone);
    const next = await store.readFolder(folder, first.state);
    assert.deepEqual(next.removed, [gone]);
    assert.deepEqual(next.items, []);
    assert.deepEqual(mailbox.idsIn(folder), [keep]);
  });

  it("does not report an untouched contact as deleted when an Outlook delete and create shift the pages", async () => {
    const folder = mailbox.addFolder("PAB");
    const ids = Array.from({ length: 20 }, (_, i) => mailbox.addContact(folder, contactXml({ given: `P${i}` })));
    const first = await store.readFolder(folder);
    let added = "";
    mailbox.betweenFindItemPages(() => {
      mailbox.deleteContact(ids[1]!);
      added = mailbox.addContact(folder, contactXml({ given: "New in Outlook" }));
    });
    const next = await store.readFolder(folder, first.state);
    assert.deepEqual(next.removed, [ids[1]]);
    assert.deepEqual(
      next.items.map((i) => i.id),
      [added],
    );
    const after = await store.readFolder(folder, next.state);
    assert.deepEqual([after.items, after.removed], [[], []], "the state still knows every contact");
  });

  it("reads every contact on a first read while a delete and a create shift the pages", async () => {
    const folder = mailbox.addFolder("PAB");
    const ids = Array.from({ length: 20 }, (_, i) => mailbox.addContact(folder, contactXml({ given: `P${i}` })));
    mailbox.betweenFindItemPages(() => {
      mailbox.deleteContact(ids[0]!);
      mailbox.addContact(folder, contactXml({ given: "New in Outlook" }));
    });
    const read = await store.readFolder(folder);
    assert.equal(read.full, true);
    assert.deepEqual(new Set(read.items.map((i) => i.id)), new Set(mailbox.idsIn(folder)));
  });

  it("reports no deletion it has not confirmed when the listing never holds still", async () => {
    const folder = mailbox.addFolder("PAB");
    const ids = Array.from({ length: 20 }, (_, i) => mailbox.addContact(folder, contactXml({ given: `P${i}` })));
    const first = await store.readFolder(folder);
    let victim = 0;
    const churn = () => {
      mailbox.deleteContact(mailbox.idsIn(folder)[0]!);
      mailbox.addContact(folder, contactXml({ given: `Churn ${victim++}` }));
    };
    mailbox.betweenFindItemPages(churn, 1_000);
    const next = await store.readFolder(folder, first.state);
    mailbox.stopPageChanges();
    const gone = ids.filter((id) => !mailbox.items.has(id));
    assert.ok(gone.length > 3, "the churn deleted contacts");
    assert.equal(next.full, false);
    assert.ok(
      next.removed.every((id) => gone.includes(id)),
      "every reported removal is a real one",
    );
    // A contact deleted after the listing had passed it is seen gone by the next read.
    const calm = await store.readFolder(folder, next.state);
    assert.deepEqual([...next.removed, ...calm.removed].sort(), gone.sort(), "no deletion is lost");

    const unstableFirst = makeStore({ pageSize: 7 });
    mailbox.betweenFindItemPages(churn, 1_000);
    const firstRead = await unstableFirst.readFolder(folder);
    mailbox.stopPageChanges();
    assert.equal(firstRead.full, false, "an unstable first read does not claim the absent are gone");
    assert.deepEqual(firstRead.removed, []);
  });

  it("reports the deletion of a contact it created after the state it is given", async () => {
    const folder = mailbox.addFolder("PAB");
    mailbox.addContact(folder, contactXml({ given: "Kept" }));
    const first = await store.readFolder(folder);
    const created = await store.create(folder, contactXml({ given: "Created" }), "uid-created");
    const createdAndKept = await store.create(folder, contactXml({ given: "Stays" }), "uid-stays");
    mailbox.deleteContact(created.id);
    const next = await store.readFolder(folder, first.state);
    assert.deepEqual(next.removed, [created.id]);
    assert.deepEqual(
      next.items.map((i) => i.id),
      [createdAndKept.id],
    );
    const fresh = await makeStore({ pageSize: 7 }).readFolder(folder, first.state);
    assert.ok(!fresh.items.some((i) => i.id === created.id), "another pane session never reports it present");
  });

  it("reports a contact deleted between FindItem and GetItem as removed, not as a failure", async () => {
    const folder = mailbox.addFolder("PAB");
    const id = mailbox.addContact(folder, contactXml({ given: "Racy" }));
    const first = await store.readFolder(folder);
    mailbox.editContact(id, contactXml({ given: "Racy 2" }));
    mailbox.failNextItem("ErrorItemNotFound");
    const next = await store.readFolder(folder, first.state);
    assert.deepEqual(next.items, []);
    assert.deepEqual(next.removed, [id]);
  });

  it("reads given contacts with GetItem and reports deleted ones and ones in another folder as missing", async () => {
    const folder = mailbox.addFolder("PAB");
    const other = mailbox.addFolder("Other");
    const [kept, deleted, removedBySync] = ["Kept", "Deleted", "Removed"].map((n) =>
      mailbox.addContact(folder, contactXml({ given: n })),
    );
    const elsewhere = mailbox.addContact(other, contactXml({ given: "Elsewhere" }));
    const created = await store.create(folder, contactXml({ given: "Created" }), "uid-created");
    mailbox.deleteContact(deleted!);
    await store.remove(removedBySync!);
    const read = await store.getItems(folder, [kept!, deleted!, removedBySync!, elsewhere, created.id]);
    assert.deepEqual(read.items.map((i) => i.id).sort(), [kept!, created.id].sort());
    assert.equal(read.items.find((i) => i.id === created.id)!.concordUid, "uid-created");
    assert.match(read.items.find((i) => i.id === kept)!.wire, /<t:GivenName>Kept<\/t:GivenName>/);
    assert.deepEqual(read.missing.sort(), [deleted!, removedBySync!, elsewhere].sort());
  });

  it("reads many contacts by id in few GetItem requests", async () => {
    const folder = mailbox.addFolder("PAB");
    const ids = Array.from({ length: 120 }, (_, i) => mailbox.addContact(folder, contactXml({ given: `P${i}` })));
    const before = mailbox.log.length;
    const read = await store.getItems(folder, ids);
    assert.equal(read.items.length, 120);
    assert.deepEqual(read.missing, []);
    assert.ok(mailbox.log.length - before <= 3, `${mailbox.log.length - before} requests`);
  });

  it("reads everything again when the state belongs to another folder", async () => {
    const a = mailbox.addFolder("A");
    const b = mailbox.addFolder("B");
    mailbox.addContact(b, contactXml({ given: "In B" }));
    const stateOfA = (await store.readFolder(a)).state;
    const read = await store.readFolder(b, stateOfA);
    assert.equal(read.full, true);
    assert.equal(read.items.length, 1);
  });

  it("removes a contact by moving it to Deleted Items, never with DeleteItem", async () => {
    const folder = mailbox.addFolder("PAB");
    const id = mailbox.addContact(folder, contactXml({ given: "Bye" }));
    await store.remove(id);
    assert.deepEqual(mailbox.idsIn(folder), []);
    assert.equal(mailbox.idsIn(mailbox.deletedItemsFolderId).length, 1);
    assert.ok(mailbox.log.some((r) => r.operation === "MoveItem"));
    assert.ok(!mailbox.log.some((r) => r.operation === "DeleteItem"));
    await store.remove(id); // already gone: no error
  });

  it("gets ErrorInvalidRequest for DeleteItem and SyncFolderItems, which add-ins may not call", async () => {
    const options = { ...defaultCallOptions, transport: httpEwsTransport(url) };
    for (const operation of ["DeleteItem", "SyncFolderItems"]) {
      await assert.rejects(
        callEws(options, `<m:${operation}/>`),
        (e: unknown) => e instanceof EwsError && e.code === "ErrorInvalidRequest",
      );
    }
  });

  it("round-trips the Concord uid as an extended property", async () => {
    const folder = mailbox.addFolder("PAB");
    const created = await store.create(folder, contactXml({ given: "Ada" }), "uid-ada-1");
    assert.equal(mailbox.extendedValue(created.id, uidKey), "uid-ada-1");
    mailbox.addContact(folder, contactXml({ given: "Made in Outlook" }));
    const read = await store.readFolder(folder);
    const byName = (n: string) => read.items.find((i) => i.wire.includes(n))!;
    assert.equal(byName("Ada").concordUid, "uid-ada-1");
    assert.equal(byName("Made in Outlook").concordUid, undefined);
    await store.update(created.id, contactXml({ given: "Ada L." }), "uid-ada-2", byName("Ada").changeKey);
    const again = await store.readFolder(folder, read.state);
    assert.equal(again.items[0]!.concordUid, "uid-ada-2");
  });

  it("leaves one item when two Outlooks of the mailbox create the same Concord uid in one folder", async () => {
    const folder = mailbox.addFolder("PAB");
    const elsewhere = mailbox.addFolder("Other");
    await store.create(elsewhere, contactXml({ given: "Same uid, other folder" }), "uid-ada");
    const otherDevice = makeStore();
    const first = await store.create(folder, contactXml({ given: "Ada" }), "uid-ada");
    const second = await otherDevice.create(folder, contactXml({ given: "Ada Lovelace" }), "uid-ada");
    assert.equal(second.id, first.id);
    assert.deepEqual(mailbox.idsIn(folder), [first.id]);
    assert.match(mailbox.contactXml(first.id), /<t:GivenName>Ada Lovelace<\/t:GivenName>/);
    assert.equal(mailbox.extendedValue(first.id, uidKey), "uid-ada");
    assert.equal(mailbox.idsIn(elsewhere).length, 1);
    await store.create(folder, contactXml({ given: "Other case" }), "UID-ADA");
    assert.equal(mailbox.idsIn(folder).length, 2, "uids differing in case are different contacts");
  });

  it("deletes exactly the phone and the address the new wire lacks", async () => {
    const folder = mailbox.addFolder("PAB");
    const id = mailbox.addContact(
      folder,
      contactXml({ given: "Bob", mobile: "+33 6 1", business: "+33 4 2", email: "b@x.org", street: "1 rue" }),
    );
    const before = (await store.readFolder(folder)).items[0]!;
    const updated = await store.update(
      id,
      contactXml({ given: "Robert", business: "+33 4 2", email: "b@x.org" }),
      "uid-bob",
      before.changeKey,
    );
    assert.notEqual(updated.changeKey, before.changeKey);
    const stored = mailbox.contactXml(id);
    assert.match(stored, /<t:Entry Key="BusinessPhone">\+33 4 2<\/t:Entry>/);
    assert.doesNotMatch(stored, /MobilePhone/);
    assert.doesNotMatch(stored, /PhysicalAddresses/, "the home address left the wire, so it is deleted");
    assert.match(stored, /<t:GivenName>Robert<\/t:GivenName>/);
    assert.match(stored, /EmailAddress1">b@x.org/);
  });

  it("never overwrites a contact edited in Outlook after the sync read it (ErrorIrresolvableConflict)", async () => {
    const folder = mailbox.addFolder("PAB");
    const id = mailbox.addContact(folder, contactXml({ given: "Ann", mobile: "+33 6 1" }));
    const read = (await store.readFolder(folder)).items[0]!;
    mailbox.editContact(id, contactXml({ given: "Ann", mobile: "+33 6 9 typed in Outlook" }));
    await assert.rejects(
      store.update(id, contactXml({ given: "Ann from the server" }), "uid-ann", read.changeKey),
      (e: unknown) => e instanceof EwsError && e.code === "ErrorIrresolvableConflict",
    );
    assert.match(mailbox.contactXml(id), /typed in Outlook/);
    assert.doesNotMatch(mailbox.contactXml(id), /from the server/);
  });

  it("updates a contact nobody touched since it was read, with the ChangeKey it was read with", async () => {
    const folder = mailbox.addFolder("PAB");
    const id = mailbox.addContact(folder, contactXml({ given: "Ann" }));
    const read = (await store.readFolder(folder)).items[0]!;
    const updated = await store.update(id, contactXml({ given: "Ann B." }), "uid-ann", read.changeKey);
    assert.notEqual(updated.changeKey, read.changeKey);
    assert.match(mailbox.contactXml(id), /Ann B\./);
  });

  it("updates without a ChangeKey by overwriting instead of failing with ErrorChangeKeyRequired", async () => {
    const folder = mailbox.addFolder("PAB");
    const id = mailbox.addContact(folder, contactXml({ given: "Old" }));
    await store.update(id, contactXml({ given: "New" }), "uid-1");
    assert.match(mailbox.contactXml(id), /<t:GivenName>New<\/t:GivenName>/);
  });

  it("maps item errors to named EwsErrors", async () => {
    const folder = mailbox.addFolder("PAB");
    const id = mailbox.addContact(folder, contactXml({ given: "X" }));
    mailbox.failNextItem("ErrorIrresolvableConflict");
    await assert.rejects(
      store.update(id, contactXml({ given: "Y" }), "u", "stale"),
      (e: unknown) =>
        e instanceof EwsError && e.code === "ErrorIrresolvableConflict" && /changed in Outlook/.test(e.message),
    );
    mailbox.deleteContact(id);
    await assert.rejects(
      store.update(id, contactXml({ given: "Y" }), "u", "ck"),
      (e: unknown) => e instanceof EwsError && e.code === "ErrorItemNotFound",
    );
  });

  it("waits BackOffMilliseconds and retries when Exchange answers ErrorServerBusy", async () => {
    const folder = mailbox.addFolder("PAB");
    mailbox.addContact(folder, contactXml({ given: "Patient" }));
    mailbox.throttleNext(2, 1234);
    const read = await store.readFolder(folder);
    assert.equal(read.items.length, 1);
    assert.deepEqual(sleeps, [1234, 1234]);
  });

  it("gives up with ErrorServerBusy after the retries run out", async () => {
    mailbox.throttleNext(10, 5);
    await assert.rejects(
      makeStore({ maxRetries: 3 }).listFolders(),
      (e: unknown) => e instanceof EwsError && e.code === "ErrorServerBusy",
    );
    assert.equal(sleeps.length, 3);
  });

  it("keeps every request and response under 1 MB while creating and reading 2,000 contacts", async function () {
    this.timeout(120_000);
    const folder = mailbox.addFolder("GAB");
    const inputs = Array.from({ length: 2_000 }, (_, i) => ({
      wire: contactXml({ given: `G${i}`, surname: `S${i}`, mobile: `+1 555 ${i}`, notes: "n".repeat(1_500) }),
      concordUid: `uid-${i}`,
    }));
    const results = await makeStore().createMany(folder, inputs);
    assert.ok(results.every((r) => !(r instanceof EwsError)));
    const read = await makeStore().readFolder(folder);
    assert.equal(read.items.length, 2_000);
    assert.equal(new Set(read.items.map((i) => i.concordUid)).size, 2_000);
    assert.ok(
      mailbox.log.every((r) => r.status === 200),
      "no request refused for size",
    );
    assert.ok(Math.max(...mailbox.log.map((r) => r.requestChars)) < fakeMessageLimit);
    assert.ok(Math.max(...mailbox.log.map((r) => r.responseChars)) < fakeMessageLimit);
    assert.ok(
      mailbox.log.filter((r) => r.operation === "CreateItem").length >= 4,
      "3+ MB of contacts need several CreateItem requests",
    );
    assert.ok(mailbox.log.filter((r) => r.operation === "GetItem").length >= 4);
  });

  it("refuses a contact too large for one request before sending it", async () => {
    const folder = mailbox.addFolder("PAB");
    const huge = contactXml({ given: "Photo", notes: "p".repeat(1_100_000) });
    await assert.rejects(
      store.create(folder, huge, "uid-big"),
      (e: unknown) => e instanceof EwsError && e.code === "RequestTooLarge" && /uid-big/.test(e.message),
    );
    assert.ok(!mailbox.log.some((r) => r.operation === "CreateItem" || r.status === 413));
  });

  it("keeps the state of 40,000 contacts to about 2 MB and decodes it losslessly", () => {
    const prefix =
      "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e9AAAAAAEOAAAiIsqMbYjsT5e9";
    const keys = new Map(
      Array.from({ length: 40_000 }, (_, i) => [
        `${prefix}${i.toString(36).padStart(30, "Q")}AAA=`,
        `CQAAABYAAAAiIsqMbYjsT5e9AAA${i}`,
      ]),
    );
    const state = encodeState("f", keys);
    assert.ok(state.length < 2_500_000, `state is ${state.length} characters`);
    const decoded = decodeState("f", state)!;
    assert.deepEqual([...decoded.hashes.keys()], [...keys.keys()]);
  });
});
