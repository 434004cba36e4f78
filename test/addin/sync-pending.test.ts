// A pair's sync over many rounds, with an Outlook store that behaves like Graph's delta and EWS's
// listing at their worst (test/support/memory-outlook-store.ts) against the real server: positions
// that always advance, what one sync leaves pending, the pair claim, first-sync tombstones.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Contact } from "../../core/contact/contact";
import { createServerApi, ServerApiError, type Book, type ServerApi } from "../../addin/server-api";
import { pairId, pairStateFromJson } from "../../addin/sync/pair-state";
import { syncPair, type SyncRequest } from "../../addin/sync/sync-session";
import { withContractEndpoints } from "../support/contract-endpoints";
import { memoryOutlookStore, type MemoryOutlookStore } from "../support/memory-outlook-store";
import { testApp, type TestApp } from "../support/app";

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

describe("sync session: positions, pending items and claims", function () {
  let t: TestApp;
  let server: Server;
  let serverUrl: string;

  before(async () => {
    t = await testApp();
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, "127.0.0.1", () => resolve(s));
    });
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  async function setup(username: string) {
    const user = await t.user(username);
    const endpoints = withContractEndpoints();
    const serverCalls: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      serverCalls.push(String(input));
      return endpoints.fetch(input, init);
    };
    const api = createServerApi({ baseUrl: serverUrl, getToken: () => user.token, fetch });
    const book = (await api.listBooks()).find((b) => b.id === user.primaryBook)!;
    const outlook = memoryOutlookStore();
    const folder = await outlook.store.ensureFolder("Contacts");
    const deviceId = `device-${username}`;
    const sync = (more: Partial<SyncRequest> = {}) =>
      syncPair({ api, outlook: outlook.connection, deviceId, book, admin: false, folderId: folder.id, ...more });
    return { user, api, book, outlook, folderId: folder.id, deviceId, endpoints, serverCalls, sync };
  }

  const serverNames = async (api: ServerApi, book: Book) =>
    (await api.readAllChanges(book.id)).changes
      .filter((c) => !c.deleted)
      .map((c) => c.contact!.displayName)
      .sort();

  const idOf = (outlook: MemoryOutlookStore, folderId: string, name: string) =>
    outlook.contactsIn(folderId).find((s) => s.wire.displayName === name)!.id;

  it("moves both read positions on after a sync that quarantined an item, and reads that item again directly", async () => {
    const s = await setup("quinn");
    s.outlook.userCreate(s.folderId, { displayName: "Ada Lane" });
    // Two Outlook items carrying one Concord uid: quarantined on every sync until the user fixes it.
    const first = s.outlook.userCreate(s.folderId, { displayName: "Twin One" }, "twin-uid");
    const second = s.outlook.userCreate(s.folderId, { displayName: "Twin Two" }, "twin-uid");

    const quarantining = await s.sync();
    assert.equal(quarantining.kind, "synced");
    assert.deepEqual(
      quarantining.plan.quarantined.map((q) => q.uid),
      ["twin-uid"],
    );

    s.serverCalls.length = 0;
    await s.sync();

    assert.notEqual(s.outlook.calls.reads.at(-1), undefined, "Outlook was read from the saved delta state, not whole");
    assert.ok(
      s.serverCalls.some((url) => url.includes("/changes?") && url.includes("since=")),
      "the server was read from its token",
    );
    const reread = s.outlook.calls.getItems.at(-1) ?? [];
    assert.ok(reread.includes(first) && reread.includes(second), `the twins were read again by id: ${reread}`);
  });

  it("deletes on the server a contact the sync put in Outlook that the user deleted before the delta could report it", async () => {
    const s = await setup("rosa");
    await s.api.applyBatch(s.book.id, [
      { op: "put", uid: "keep-1", contact: contact("keep-1", "Kept Person") },
      { op: "put", uid: "gone-1", contact: contact("gone-1", "Gone Person") },
    ]);
    await s.sync();
    assert.deepEqual(s.outlook.namesIn(s.folderId), ["Gone Person", "Kept Person"]);

    await s.outlook.userDelete(idOf(s.outlook, s.folderId, "Gone Person"));
    const next = await s.sync();

    assert.deepEqual(next.errors, []);
    assert.equal(next.counts.server.deleted, 1);
    assert.deepEqual(await serverNames(s.api, s.book), ["Kept Person"]);
  });

  it("keeps on the server a contact the whole-folder listing missed although it is still in Outlook", async () => {
    const s = await setup("sami");
    for (const name of ["Ann One", "Ben Two", "Cy Three"]) s.outlook.userCreate(s.folderId, { displayName: name });
    await s.sync();
    s.outlook.expireState();
    s.outlook.hideFromNextFullRead(idOf(s.outlook, s.folderId, "Ben Two"));

    const full = await s.sync();

    assert.equal(full.counts.server.deleted, 0);
    assert.deepEqual(await serverNames(s.api, s.book), ["Ann One", "Ben Two", "Cy Three"]);
  });

  it("deletes nothing on the server when a whole-folder listing that never held still skips a contact", async () => {
    const s = await setup("ulla");
    // The user switched the Outlook API (Graph <-> EWS): the saved Outlook state means nothing, the folder is listed whole.
    const switchApi = () =>
      Object.assign(s.outlook.store, { kind: s.outlook.store.kind === "graph" ? "ews" : "graph" });
    for (const name of ["Ann One", "Ben Two", "Cy Three"]) s.outlook.userCreate(s.folderId, { displayName: name });
    await s.sync();
    switchApi();
    s.outlook.unstableNextFullRead(idOf(s.outlook, s.folderId, "Ben Two"));
    s.outlook.userCreate(s.folderId, { displayName: "Dee Four" });

    const unstable = await s.sync();

    assert.equal(unstable.counts.server.deleted, 0);
    assert.deepEqual(
      await serverNames(s.api, s.book),
      ["Ann One", "Ben Two", "Cy Three"],
      "a new item waits for a read that holds",
    );
    const after = await s.sync();
    assert.equal(after.counts.server.deleted, 0);
    assert.deepEqual(await serverNames(s.api, s.book), ["Ann One", "Ben Two", "Cy Three", "Dee Four"]);
    // And a deletion in Outlook during an unstable read still reaches the server once confirmed gone.
    switchApi();
    s.outlook.unstableNextFullRead(idOf(s.outlook, s.folderId, "Cy Three"));
    s.outlook.userDelete(idOf(s.outlook, s.folderId, "Cy Three"));
    await s.sync();
    await s.sync();
    assert.deepEqual(await serverNames(s.api, s.book), ["Ann One", "Ben Two", "Dee Four"]);
  });

  it("names a contact kept in a read-only book's folder on every sync, and uploads it once the book is writable", async () => {
    const owner = await setup("xena");
    const reader = await t.user("yuri");
    await t
      .http()
      .put(`/api/books/${owner.book.id}/shares/yuri`)
      .set(owner.user.auth)
      .send({ access: "read" })
      .expect(200);
    const api = createServerApi({
      baseUrl: serverUrl,
      getToken: () => reader.token,
      fetch: withContractEndpoints().fetch,
    });
    const outlook = memoryOutlookStore();
    const folder = await outlook.store.ensureFolder("Contacts (XENA)");
    const shared = async () => (await api.listBooks()).find((b) => b.id === owner.book.id)!;
    const sync = async () =>
      syncPair({
        api,
        outlook: outlook.connection,
        deviceId: "yuri-pc",
        book: await shared(),
        admin: false,
        folderId: folder.id,
      });
    await sync();
    outlook.userCreate(folder.id, { displayName: "Yuri's Note" });

    assert.deepEqual(
      (await sync()).plan.unsynced.map((u) => u.name),
      ["Yuri's Note"],
    );
    assert.deepEqual(
      (await sync()).plan.unsynced.map((u) => u.name),
      ["Yuri's Note"],
      "still named after the positions moved on",
    );
    await t
      .http()
      .put(`/api/books/${owner.book.id}/shares/yuri`)
      .set(owner.user.auth)
      .send({ access: "write" })
      .expect(200);
    const writable = await sync();

    assert.equal(writable.mode, "two-way");
    assert.deepEqual(await serverNames(owner.api, owner.book), ["Yuri's Note"]);
  });

  it("syncs next time an edit Outlook refused to save, although the read positions moved on", async () => {
    const s = await setup("tara");
    await s.api.applyBatch(s.book.id, [{ op: "put", uid: "vic-1", contact: contact("vic-1", "Vic Hale") }]);
    await s.sync();
    const vic = (await s.api.readAllChanges(s.book.id)).changes.find((c) => c.uid === "vic-1")!;
    await s.api.applyBatch(s.book.id, [
      { op: "put", uid: "vic-1", ifMatch: vic.etag, contact: { ...vic.contact!, jobTitle: "Director" } },
    ]);
    s.outlook.rejectUpdates(idOf(s.outlook, s.folderId, "Vic Hale"));

    const refused = await s.sync();
    assert.equal(refused.errors.length, 1);
    const saved = pairStateFromJson((await s.api.getSyncState(s.deviceId, pairId(s.book.id, s.folderId)))!.json)!;
    assert.deepEqual(saved.pending?.uids, ["vic-1"]);

    s.outlook.rejectUpdates(idOf(s.outlook, s.folderId, "Vic Hale"), false);
    const retried = await s.sync();

    assert.deepEqual(retried.errors, []);
    assert.equal(retried.counts.outlook.updated, 1);
    assert.equal(s.outlook.contactsIn(s.folderId)[0]!.wire.jobTitle, "Director");
  });

  it("reads a pair state saved before pending items existed", () => {
    const old = {
      version: 1,
      outlookKind: "graph",
      outlookState: "s",
      serverToken: "t",
      status: { version: 1, entries: [] },
    };
    assert.deepEqual(pairStateFromJson(old), {
      outlookKind: "graph",
      outlookState: "s",
      serverToken: "t",
      status: { version: 1, entries: [] },
    });
  });

  it("says another Outlook is syncing the book and writes nothing while that Outlook holds the pair", async () => {
    const s = await setup("uma");
    s.outlook.userCreate(s.folderId, { displayName: "Wes Park" });
    s.endpoints.claimedByOther(s.user.token, s.deviceId, pairId(s.book.id, s.folderId));

    await assert.rejects(
      s.sync(),
      (e: unknown) =>
        e instanceof ServerApiError &&
        e.kind === "pair-busy" &&
        /Another Outlook is syncing this address book right now/.test(e.message),
    );
    assert.deepEqual(await serverNames(s.api, s.book), []);
    assert.equal(await s.api.getSyncState(s.deviceId, pairId(s.book.id, s.folderId)), undefined);
  });

  it("claims the pair for the sync and gives the claim back when it is done", async () => {
    const s = await setup("vera");
    s.outlook.userCreate(s.folderId, { displayName: "Wes Park" });
    await s.sync();
    const claims = s.endpoints.requests.filter((r) => r.path.endsWith("/claim"));
    assert.deepEqual(
      claims.map((r) => r.method),
      ["POST", "DELETE"],
    );
    assert.deepEqual(s.endpoints.liveClaims(), []);
  });

  it("offers, on a first sync, to delete an Outlook contact the server deleted instead of uploading it again", async () => {
    const s = await setup("wynn");
    await s.api.applyBatch(s.book.id, [
      { op: "put", uid: "old-1", contact: contact("old-1", "Old Friend") },
      { op: "put", uid: "new-1", contact: contact("new-1", "New Friend") },
    ]);
    await s.api.applyBatch(s.book.id, [{ op: "delete", uid: "old-1" }]);
    // Stamped by an earlier pair (another device, a lost state): the status here is empty.
    s.outlook.userCreate(s.folderId, { displayName: "Old Friend" }, "old-1");

    const preview = await s.sync({ dryRun: true });

    assert.deepEqual(
      preview.plan.deletions.outlook.map((d) => d.name),
      ["Old Friend"],
    );
    assert.equal(preview.counts.server.created, 0);
  });
});
