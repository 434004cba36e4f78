// Whole sync sessions of one pair: the real server app and the fake Microsoft Graph, both over real HTTP.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Contact } from "../../core/contact/contact";
import { createGraphStore } from "../../addin/outlook/graph-store";
import { createServerApi, type Book, type ServerApi } from "../../addin/server-api";
import { graphCodec } from "../../addin/sync/outlook-codec";
import { syncPair, type OutlookConnection, type SyncRequest } from "../../addin/sync/sync-session";
import { createFakeGraph, type FakeGraph, type FakeGraphOptions } from "../fakes/fake-graph";
import { testApp, type TestApp } from "../support/app";
import { withContractEndpoints } from "../support/contract-endpoints";

const servers: Server[] = [];

async function listen(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Mailbox = { graph: FakeGraph; outlook: OutlookConnection };

async function mailbox(options: FakeGraphOptions = {}): Promise<Mailbox> {
  const graph = createFakeGraph(options);
  const baseUrl = `${await listen(graph.app)}/v1.0`;
  const store = createGraphStore({ getToken: async () => graph.token, baseUrl, sleep: async () => {} });
  return { graph, outlook: { store, codec: graphCodec } };
}

const person = (given: string, family: string, extra: Record<string, unknown> = {}) => ({
  displayName: `${given} ${family}`,
  givenName: given,
  surname: family,
  emailAddresses: [{ address: `${given.toLowerCase()}@example.com`, name: `${given} ${family}` }],
  ...extra,
});

const contact = (uid: string, displayName: string, fields: Partial<Contact> = {}): Contact => ({
  uid,
  displayName,
  emails: [],
  phones: [],
  addresses: [],
  urls: [],
  im: [],
  categories: [],
  extra: [],
  ...fields,
});

describe("sync session: one pair against the real server and a fake Graph", function () {
  let t: TestApp;
  let serverUrl: string;

  before(async () => {
    t = await testApp();
    serverUrl = await listen(t.app);
  });
  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await t.close();
  });

  async function account(username: string, admin = false) {
    const user = await t.user(username, { admin });
    const api = createServerApi({
      baseUrl: serverUrl,
      getToken: () => user.token,
      fetch: withContractEndpoints().fetch,
    });
    const books = await api.listBooks();
    const book = (id: string): Book => books.find((b) => b.id === id)!;
    return { api, admin, book, primaryBook: book(user.primaryBook), deviceId: `device-${username}` };
  }

  type Account = Awaited<ReturnType<typeof account>>;

  const sync = (who: Account, box: Mailbox, book: Book, folderId: string, more: Partial<SyncRequest> = {}) =>
    syncPair({ api: who.api, outlook: box.outlook, deviceId: who.deviceId, book, admin: who.admin, folderId, ...more });

  async function serverContacts(
    api: ServerApi,
    book: string,
  ): Promise<Map<string, { contact: Contact; etag: string }>> {
    const feed = await api.readAllChanges(book);
    return new Map(
      feed.changes
        .filter((c) => !c.deleted)
        .map((c) => [c.contact!.displayName, { contact: c.contact!, etag: c.etag }]),
    );
  }

  const outlookByName = (box: Mailbox, folderId: string) =>
    new Map(box.graph.mailbox.contactsIn(folderId).map((c) => [String(c.properties.displayName), c]));

  it("lets the later edit of the same field win under newest-wins, by the server's and Outlook's modification times", async () => {
    const una = await account("una");
    // Outlook and the server read the same wall clock here, as they would in one organisation.
    const box = await mailbox({ clock: () => new Date() });
    const folder = await box.outlook.store.ensureFolder("Una's contacts");
    box.graph.addContact(folder.id, person("Vera", "Stone", { jobTitle: "Analyst" }));
    await sync(una, box, una.primaryBook, folder.id);
    const pause = () => new Promise((r) => setTimeout(r, 30));

    const editServer = async (jobTitle: string) => {
      const vera = (await serverContacts(una.api, una.primaryBook.id)).get("Vera Stone")!;
      await una.api.applyBatch(una.primaryBook.id, [
        { op: "put", uid: vera.contact.uid, ifMatch: vera.etag, contact: { ...vera.contact, jobTitle } },
      ]);
    };
    const editOutlook = (jobTitle: string) =>
      box.graph.editContact(outlookByName(box, folder.id).get("Vera Stone")!.id, { jobTitle });

    await editServer("Server title");
    await pause();
    editOutlook("Outlook title");
    const outlookLater = await sync(una, box, una.primaryBook, folder.id, { policy: "newest-wins" });
    assert.equal(outlookLater.conflicts[0]?.winner, "outlook");
    assert.equal(
      (await serverContacts(una.api, una.primaryBook.id)).get("Vera Stone")!.contact.jobTitle,
      "Outlook title",
    );

    editOutlook("Outlook again");
    await pause();
    await editServer("Server again");
    const serverLater = await sync(una, box, una.primaryBook, folder.id, { policy: "newest-wins" });
    assert.equal(serverLater.conflicts[0]?.winner, "server");
    assert.equal(outlookByName(box, folder.id).get("Vera Stone")!.properties.jobTitle, "Server again");
  });

  it("pushes Outlook contacts to a PAB, then merges edits made on both sides, keeping what Outlook cannot hold", async () => {
    const ann = await account("ann");
    const box = await mailbox();
    const folder = await box.outlook.store.ensureFolder("Ann's contacts");
    box.graph.addContact(folder.id, person("Alice", "Smith", { jobTitle: "Engineer" }));
    box.graph.addContact(folder.id, person("Bob", "Jones"));
    box.graph.addContact(folder.id, person("Cleo", "Park"));
    const phases = new Set<string>();

    const first = await sync(ann, box, ann.primaryBook, folder.id, { onProgress: (p) => phases.add(p.phase) });

    assert.equal(first.kind, "synced");
    assert.equal(first.mode, "two-way");
    assert.deepEqual(first.counts.server, { created: 3, updated: 0, deleted: 0 });
    assert.deepEqual(first.errors, []);
    assert.deepEqual([...phases].sort(), [
      "loading",
      "planning",
      "reading-outlook",
      "reading-server",
      "saving",
      "writing",
    ]);
    let server = await serverContacts(ann.api, ann.primaryBook.id);
    assert.deepEqual([...server.keys()].sort(), ["Alice Smith", "Bob Jones", "Cleo Park"]);
    assert.equal(server.get("Alice Smith")!.contact.jobTitle, "Engineer");
    // Every Outlook item now carries its Concord uid.
    assert.ok(box.graph.mailbox.contactsIn(folder.id).every((c) => c.extended.size === 1));

    // On the server: Alice gets a company and a 4th e-mail (Outlook holds three); a new contact appears.
    const alice = server.get("Alice Smith")!;
    const emails = [1, 2, 3, 4].map((n) => ({ type: "work" as const, address: `alice${n}@example.com` }));
    await ann.api.applyBatch(ann.primaryBook.id, [
      {
        op: "put",
        uid: alice.contact.uid,
        ifMatch: alice.etag,
        contact: { ...alice.contact, company: "Acme", emails },
      },
      {
        op: "put",
        uid: "dora-1",
        contact: contact("dora-1", "Dora Lee", { emails: [{ type: "home", address: "dora@example.com" }] }),
      },
    ]);
    await sync(ann, box, ann.primaryBook, folder.id);
    // In Outlook: Alice's job title changes, Bob is deleted.
    const inOutlook = outlookByName(box, folder.id);
    box.graph.editContact(inOutlook.get("Alice Smith")!.id, { jobTitle: "Lead engineer" });
    box.graph.deleteContact(inOutlook.get("Bob Jones")!.id);
    // And on the server, Alice's company changes again at the same time.
    server = await serverContacts(ann.api, ann.primaryBook.id);
    const alice2 = server.get("Alice Smith")!;
    await ann.api.applyBatch(ann.primaryBook.id, [
      {
        op: "put",
        uid: alice2.contact.uid,
        ifMatch: alice2.etag,
        contact: { ...alice2.contact, company: "Acme Corp" },
      },
    ]);

    const third = await sync(ann, box, ann.primaryBook, folder.id);

    assert.deepEqual(third.errors, []);
    assert.deepEqual(third.counts.server, { created: 0, updated: 1, deleted: 1 });
    assert.deepEqual(third.counts.outlook, { created: 0, updated: 1, deleted: 0 });
    server = await serverContacts(ann.api, ann.primaryBook.id);
    assert.deepEqual([...server.keys()].sort(), ["Alice Smith", "Cleo Park", "Dora Lee"]);
    const merged = server.get("Alice Smith")!.contact;
    assert.equal(merged.jobTitle, "Lead engineer");
    assert.equal(merged.company, "Acme Corp");
    assert.deepEqual(
      merged.emails.map((e) => e.address),
      emails.map((e) => e.address),
      "the 4th e-mail stays on the server",
    );
    const outlookAlice = outlookByName(box, folder.id).get("Alice Smith")!;
    assert.equal(outlookAlice.properties.companyName, "Acme Corp");
    assert.equal((outlookAlice.properties.emailAddresses as unknown[]).length, 3);
    assert.ok(outlookByName(box, folder.id).has("Dora Lee"));

    // Nothing changed since: the next sync writes nothing and reads Outlook by delta token.
    const before = box.graph.mailbox.requests.length;
    const quiet = await sync(ann, box, ann.primaryBook, folder.id);
    assert.deepEqual(quiet.counts.outlook, { created: 0, updated: 0, deleted: 0 });
    assert.deepEqual(quiet.counts.server, { created: 0, updated: 0, deleted: 0 });
    // Reads only: the delta, and a JSON batch of GETs for the item this sync's previous round wrote
    // (re-read directly, as delta may not report its deletion).
    const calls = box.graph.mailbox.requests.slice(before);
    assert.ok(
      calls.every((r) => r.method === "GET" || r.path.endsWith("$batch")),
      JSON.stringify(calls.map((r) => r.path)),
    );
    assert.ok(calls.some((r) => r.path.includes("$deltatoken")));
  });

  it("previews a dry run without writing, and asks before a mass delete until confirmed", async () => {
    const bea = await account("bea");
    const box = await mailbox();
    const folder = await box.outlook.store.ensureFolder("Bea");
    for (let n = 0; n < 8; n++) box.graph.addContact(folder.id, person(`P${n}`, "Test"));
    const before = box.graph.mailbox.requests.length;

    const preview = await sync(bea, box, bea.primaryBook, folder.id, { dryRun: true });
    assert.equal(preview.kind, "preview");
    assert.equal(preview.counts.server.created, 8);
    assert.equal((await serverContacts(bea.api, bea.primaryBook.id)).size, 0);
    assert.ok(box.graph.mailbox.requests.slice(before).every((r) => r.method === "GET"));

    await sync(bea, box, bea.primaryBook, folder.id);
    for (const c of box.graph.mailbox.contactsIn(folder.id).slice(0, 6)) box.graph.deleteContact(c.id);

    const asked = await sync(bea, box, bea.primaryBook, folder.id);
    assert.equal(asked.kind, "needs-confirmation");
    assert.deepEqual(
      asked.refusals.map((r) => r.kind),
      ["mass-delete"],
    );
    assert.equal((await serverContacts(bea.api, bea.primaryBook.id)).size, 8);

    const shown = asked.plan.deletions;
    assert.deepEqual(shown.server.map((d) => d.name).sort(), [
      "P0 Test",
      "P1 Test",
      "P2 Test",
      "P3 Test",
      "P4 Test",
      "P5 Test",
    ]);
    const confirmed = await sync(bea, box, bea.primaryBook, folder.id, {
      confirmedDeletes: { outlook: [], server: shown.server.map((d) => d.uid) },
    });
    assert.equal(confirmed.kind, "synced");
    assert.equal(confirmed.counts.server.deleted, 6);
    assert.equal((await serverContacts(bea.api, bea.primaryBook.id)).size, 2);
  });

  it("deletes only the contacts the dialog named, and asks again for one deleted since", async () => {
    const cid = await account("cid");
    const box = await mailbox();
    const folder = await box.outlook.store.ensureFolder("Cid");
    for (let n = 0; n < 10; n++) box.graph.addContact(folder.id, person(`Q${n}`, "Test"));
    await sync(cid, box, cid.primaryBook, folder.id);
    const inOutlook = box.graph.mailbox.contactsIn(folder.id);
    for (const c of inOutlook.slice(0, 6)) box.graph.deleteContact(c.id);
    const asked = await sync(cid, box, cid.primaryBook, folder.id);
    assert.equal(asked.kind, "needs-confirmation");
    const shown = asked.plan.deletions.server.map((d) => d.uid);
    assert.equal(shown.length, 6);

    // While the dialog is open, one more contact goes.
    box.graph.deleteContact(inOutlook[6]!.id);
    const again = await sync(cid, box, cid.primaryBook, folder.id, {
      confirmedDeletes: { outlook: [], server: shown },
    });

    assert.equal(again.kind, "needs-confirmation");
    assert.equal((await serverContacts(cid.api, cid.primaryBook.id)).size, 10, "nothing was deleted");
  });

  it("replaces the GAB with an admin's folder only when asked, deleting exactly what the preview named; a user's pull reverts local edits", async () => {
    const admin = await account("root", true);
    const adminBox = await mailbox();
    const gabFolder = await adminBox.outlook.store.ensureFolder("Global Address Book");
    adminBox.graph.addContact(gabFolder.id, person("Hana", "Ito", { jobTitle: "CEO" }));
    adminBox.graph.addContact(gabFolder.id, person("Ivan", "Roe"));
    await admin.api.applyBatch("gab", [{ op: "put", uid: "stale-1", contact: contact("stale-1", "Old Entry") }]);

    const preview = await sync(admin, adminBox, admin.book("gab"), gabFolder.id, { mode: "publish", dryRun: true });
    assert.equal(preview.kind, "preview");
    assert.equal(preview.mode, "publish");
    assert.deepEqual(
      preview.plan.deletions.server.map((d) => d.name),
      ["Old Entry"],
    );
    assert.ok((await serverContacts(admin.api, "gab")).has("Old Entry"), "a preview writes nothing");

    // Published meanwhile by someone else: not in what the admin saw, so not deleted without asking.
    await admin.api.applyBatch("gab", [{ op: "put", uid: "late-1", contact: contact("late-1", "Late Entry") }]);
    const confirmedDeletes = { outlook: [], server: preview.plan.deletions.server.map((d) => d.uid) };
    const asked = await sync(admin, adminBox, admin.book("gab"), gabFolder.id, { mode: "publish", confirmedDeletes });
    assert.equal(asked.kind, "needs-confirmation");
    assert.ok((await serverContacts(admin.api, "gab")).has("Old Entry"));

    const published = await sync(admin, adminBox, admin.book("gab"), gabFolder.id, {
      mode: "publish",
      confirmedDeletes: { outlook: [], server: asked.plan.deletions.server.map((d) => d.uid) },
    });

    assert.equal(published.mode, "publish");
    assert.deepEqual(published.counts.server, { created: 2, updated: 0, deleted: 2 });
    assert.deepEqual([...(await serverContacts(admin.api, "gab")).keys()].sort(), ["Hana Ito", "Ivan Roe"]);

    // A user's pull reverts local edits to the published GAB.
    const user = await account("joe");
    const box = await mailbox();
    const folder = await box.outlook.store.ensureFolder("Global Address Book");
    const pulled = await sync(user, box, user.book("gab"), folder.id);
    assert.equal(pulled.mode, "pull");
    assert.deepEqual(pulled.counts.outlook, { created: 2, updated: 0, deleted: 0 });

    const local = outlookByName(box, folder.id);
    box.graph.editContact(local.get("Hana Ito")!.id, { jobTitle: "Intern" });
    box.graph.deleteContact(local.get("Ivan Roe")!.id);
    box.graph.addContact(folder.id, person("Local", "Only"));

    const reverted = await sync(user, box, user.book("gab"), folder.id);

    assert.deepEqual(reverted.errors, []);
    assert.deepEqual(reverted.counts.server, { created: 0, updated: 0, deleted: 0 });
    const after = outlookByName(box, folder.id);
    // A contact the user added to the GAB's folder was never on the server: kept, and named.
    assert.deepEqual([...after.keys()].sort(), ["Hana Ito", "Ivan Roe", "Local Only"]);
    assert.deepEqual(
      reverted.plan.unsynced.map((u) => u.name),
      ["Local Only"],
    );
    assert.equal(after.get("Hana Ito")!.properties.jobTitle, "CEO");
    assert.equal((await serverContacts(admin.api, "gab")).get("Hana Ito")!.contact.jobTitle, "CEO");

    // The next pull reads only what changed on either side: Outlook by delta token, the server
    // from its change token, and still follows an edit the admin publishes.
    const hana = (await serverContacts(admin.api, "gab")).get("Hana Ito")!;
    await admin.api.applyBatch("gab", [
      { op: "put", uid: hana.contact.uid, ifMatch: hana.etag, contact: { ...hana.contact, jobTitle: "Chair" } },
    ]);
    const before = box.graph.mailbox.requests.length;
    const next = await sync(user, box, user.book("gab"), folder.id);
    assert.deepEqual(next.counts.outlook, { created: 0, updated: 1, deleted: 0 });
    assert.equal(outlookByName(box, folder.id).get("Hana Ito")!.properties.jobTitle, "Chair");
    const reads = box.graph.mailbox.requests.slice(before).filter((r) => r.method === "GET");
    assert.ok(
      reads.some((r) => r.path.includes("$deltatoken")),
      "Outlook was read by delta token, not whole",
    );
    assert.equal(next.plan.counts.unchanged, 1, "Ivan was neither read in full nor written");
  });

  it("syncs an admin's GAB both ways, deleting nothing on the server that the folder lacks", async () => {
    const admin = await account("boss", true);
    const box = await mailbox();
    const folder = await box.outlook.store.ensureFolder("Global Address Book");
    box.graph.addContact(folder.id, person("Lena", "Moss"));
    await admin.api.applyBatch("gab", [{ op: "put", uid: "kept-1", contact: contact("kept-1", "Kept Entry") }]);

    const synced = await sync(admin, box, admin.book("gab"), folder.id);

    assert.equal(synced.mode, "two-way");
    assert.equal(synced.counts.server.deleted, 0);
    assert.ok((await serverContacts(admin.api, "gab")).has("Kept Entry"));
    assert.ok(outlookByName(box, folder.id).has("Kept Entry"));
  });
});
