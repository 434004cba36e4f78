// The Mailtraq Outlook Synchronizer scenarios, end to end through the code the task pane runs:
// syncPair over the real server app (embedded database) and fake Graph mailboxes, all over real HTTP.
import assert from "node:assert/strict";
import type { Contact } from "../../core/contact";
import { createServerApi } from "../../addin/server-api";
import { pairId, pairStateFromJson } from "../../addin/sync/pair-state";
import type { SyncProgress } from "../../addin/sync/sync-session";
import {
  assertUnique, byName, contact, outlookContacts, person, serverContacts, startStack, type Account, type Mailbox, type Stack,
} from "./support/stack";

const names = (contacts: { displayName: string }[]) => contacts.map((c) => c.displayName).sort();

/** Every Outlook item carries the uid of exactly one server contact, and both sides list the same people. */
function assertSameContacts(outlook: { uid: string; displayName: string }[], server: Contact[]) {
  assert.equal(outlook.length, server.length);
  const serverNames = new Map(server.map((c) => [c.uid, c.displayName]));
  for (const item of outlook) assert.equal(serverNames.get(item.uid), item.displayName, `Outlook item ${item.displayName} has uid ${item.uid}`);
}

/** A fresh server database (the GAB is one per server) and its mailboxes for each scenario group. */
function freshStack(): () => Stack {
  let stack: Stack | undefined;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });
  return () => stack!;
}

describe("Mailtraq Outlook Synchronizer scenarios, end to end", function () {
  this.timeout(60_000);

  describe("the admin publishes the GAB from an Outlook folder; users pull it", () => {
    const current = freshStack();
    let stack: Stack;
    let admin: Account;
    let adminBox: Mailbox;
    let publishedFolder: string;
    const people = Array.from({ length: 200 }, (_, n) => person(`Given${String(n).padStart(3, "0")}`, `Family${n % 17}`, { jobTitle: `Role ${n}` }));

    before(async () => {
      stack = current();
      admin = await stack.account("admin1", true);
      adminBox = await stack.mailbox();
      publishedFolder = (await adminBox.outlook.store.ensureFolder("Company")).id;
      for (const p of people) adminBox.graph.addContact(publishedFolder, p);
      // Something stale on the server that the published folder does not hold.
      await admin.api.applyBatch("gab", [{ op: "put", uid: "stale", contact: contact("stale", "Left Long Ago") }]);
    });

    it("makes the GAB hold exactly the 200 contacts of the published folder", async () => {
      const outcome = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder);

      assert.equal(outcome.mode, "publish");
      assert.deepEqual(outcome.errors, []);
      assert.deepEqual(outcome.counts.server, { created: 200, updated: 0, deleted: 1 });
      const gab = await serverContacts(admin.api, "gab");
      assert.deepEqual(names(gab), names(people));
      assert.equal(byName(gab).get("Given042 Family8")!.jobTitle, "Role 42");
      assertSameContacts(outlookContacts(adminBox.graph, publishedFolder), gab);
    });

    it("removes from the GAB the 3 contacts the admin deleted in Outlook", async () => {
      const items = outlookContacts(adminBox.graph, publishedFolder);
      const doomed = [items[5]!, items[77]!, items[150]!];
      for (const item of doomed) adminBox.graph.deleteContact(item.id);

      const outcome = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder);

      assert.deepEqual(outcome.counts.server, { created: 0, updated: 0, deleted: 3 });
      const gab = await serverContacts(admin.api, "gab");
      assert.equal(gab.length, 197);
      const left = new Set(gab.map((c) => c.uid));
      for (const item of doomed) assert.ok(!left.has(item.uid), `${item.displayName} is gone from the GAB`);
      assertSameContacts(outlookContacts(adminBox.graph, publishedFolder), gab);
    });

    it("reverts a non-admin's local edit of a GAB contact and restores one they deleted", async () => {
      const joe = await stack.account("joe");
      const box = await stack.mailbox();
      const folder = (await box.outlook.store.ensureFolder("Global Address Book")).id;
      const pulled = await stack.sync(joe, box, joe.book("gab"), folder);
      assert.equal(pulled.mode, "pull");
      assert.deepEqual(pulled.counts.outlook, { created: 197, updated: 0, deleted: 0 });
      const gab = await serverContacts(admin.api, "gab");
      assertSameContacts(outlookContacts(box.graph, folder), gab);

      const local = byName(outlookContacts(box.graph, folder));
      const edited = local.get("Given010 Family10")!;
      const removed = local.get("Given011 Family11")!;
      box.graph.editContact(edited.id, { jobTitle: "Self-promoted", businessPhones: ["+1 555 0100"] });
      box.graph.deleteContact(removed.id);

      const reverted = await stack.sync(joe, box, joe.book("gab"), folder);

      assert.deepEqual(reverted.errors, []);
      assert.deepEqual(reverted.counts.server, { created: 0, updated: 0, deleted: 0 });
      assert.deepEqual(reverted.counts.outlook, { created: 1, updated: 1, deleted: 0 });
      const after = outlookContacts(box.graph, folder);
      assertSameContacts(after, gab);
      const again = byName(after);
      assert.equal(again.get("Given010 Family10")!.properties.jobTitle, "Role 10");
      assert.deepEqual(again.get("Given010 Family10")!.properties.businessPhones ?? [], []);
      assert.equal(again.get("Given011 Family11")!.uid, removed.uid, "the restored contact has its GAB uid again");
      assert.deepEqual(names(await serverContacts(admin.api, "gab")), names(gab), "the GAB itself is untouched");
    });

    it("refuses to publish an Outlook folder emptied by accident, and deletes nothing on the server", async () => {
      for (const item of adminBox.graph.mailbox.contactsIn(publishedFolder)) adminBox.graph.deleteContact(item.id);
      const before = await serverContacts(admin.api, "gab");

      const outcome = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder);

      assert.equal(outcome.kind, "needs-confirmation");
      assert.ok(outcome.refusals.some((r) => r.kind === "side-emptied" && r.side === "outlook"), JSON.stringify(outcome.refusals));
      const after = await serverContacts(admin.api, "gab");
      assert.equal(after.length, 197);
      assert.deepEqual(names(after), names(before));
    });
  });

  describe("personal address books", () => {
    const current = freshStack();

    it("refuses to sync a PAB whose Outlook folder was emptied by accident, and deletes nothing on either side", async () => {
      const stack = current();
      const kim = await stack.account("kim");
      const box = await stack.mailbox();
      const folder = (await box.outlook.store.ensureFolder("Kim")).id;
      for (let n = 0; n < 12; n++) box.graph.addContact(folder, person(`Friend${n}`, "Kim"));
      await stack.sync(kim, box, kim.primary, folder);
      for (const item of box.graph.mailbox.contactsIn(folder)) box.graph.deleteContact(item.id);
      const writesBefore = box.graph.mailbox.requests.filter((r) => r.method !== "GET").length;

      const outcome = await stack.sync(kim, box, kim.primary, folder);

      assert.equal(outcome.kind, "needs-confirmation");
      assert.ok(outcome.refusals.some((r) => r.kind === "side-emptied" && r.side === "outlook"), JSON.stringify(outcome.refusals));
      assert.equal((await serverContacts(kim.api, kim.primary.id)).length, 12);
      assert.equal(box.graph.mailbox.requests.filter((r) => r.method !== "GET").length, writesBefore, "nothing written to Outlook either");
    });

    it("keeps both users' edits to different fields of one contact in a PAB shared read-write", async () => {
      const stack = current();
      const amy = await stack.account("amy");
      const ben = await stack.account("ben");
      const share = await fetch(`${stack.serverUrl}/api/books/${amy.primary.id}/shares/ben`, {
        method: "PUT",
        headers: { authorization: `Bearer ${amy.token}`, "content-type": "application/json" },
        body: JSON.stringify({ access: "write" }),
      });
      assert.equal(share.status, 200, await share.text());
      const shared = (await ben.api.listBooks()).find((b) => b.id === amy.primary.id);
      assert.equal(shared?.access, "write");

      const amyBox = await stack.mailbox();
      const benBox = await stack.mailbox();
      const amyFolder = (await amyBox.outlook.store.ensureFolder("Team")).id;
      const benFolder = (await benBox.outlook.store.ensureFolder("Amy's team")).id;
      amyBox.graph.addContact(amyFolder, person("Carol", "Shared", { jobTitle: "Analyst", companyName: "Acme" }));
      amyBox.graph.addContact(amyFolder, person("Dan", "Other"));
      await stack.sync(amy, amyBox, amy.primary, amyFolder);
      const benFirst = await stack.sync(ben, benBox, shared!, benFolder);
      assert.equal(benFirst.mode, "two-way");
      assert.deepEqual(benFirst.counts.outlook, { created: 2, updated: 0, deleted: 0 });

      // Each edits a different field of Carol in their own Outlook.
      amyBox.graph.editContact(byName(outlookContacts(amyBox.graph, amyFolder)).get("Carol Shared")!.id, { jobTitle: "Senior analyst" });
      benBox.graph.editContact(byName(outlookContacts(benBox.graph, benFolder)).get("Carol Shared")!.id, { mobilePhone: "+49 151 2345678" });

      const amySync = await stack.sync(amy, amyBox, amy.primary, amyFolder);
      const benSync = await stack.sync(ben, benBox, shared!, benFolder);
      const amyAgain = await stack.sync(amy, amyBox, amy.primary, amyFolder);

      for (const outcome of [amySync, benSync, amyAgain]) assert.deepEqual(outcome.errors, []);
      assert.deepEqual(benSync.conflicts, [], "different fields do not conflict");
      const server = await serverContacts(amy.api, amy.primary.id);
      assert.deepEqual(names(server), ["Carol Shared", "Dan Other"]);
      const carol = byName(server).get("Carol Shared")!;
      assert.equal(carol.jobTitle, "Senior analyst");
      assert.deepEqual(carol.phones.map((p) => p.number), ["+49 151 2345678"]);
      assert.equal(carol.company, "Acme");
      for (const [box, folder] of [[amyBox, amyFolder], [benBox, benFolder]] as const) {
        const items = outlookContacts(box.graph, folder);
        assertSameContacts(items, server);
        const inOutlook = byName(items).get("Carol Shared")!.properties;
        assert.equal(inOutlook.jobTitle, "Senior analyst");
        assert.equal(inOutlook.mobilePhone, "+49 151 2345678");
      }
      const quiet = await stack.sync(ben, benBox, shared!, benFolder);
      assert.deepEqual(quiet.counts.outlook, { created: 0, updated: 0, deleted: 0 });
      assert.deepEqual(quiet.counts.server, { created: 0, updated: 0, deleted: 0 });
    });
  });

  describe("a large GAB", () => {
    const current = freshStack();

    it("pulls a 40,000-contact GAB into a fresh mailbox in chunks, and a run cut off half-way resumes without duplicates", async function () {
      this.timeout(600_000);
      const stack = current();
      const total = 40_000;
      const chunkSize = 1000;
      const root = await stack.account("bigadmin", true);
      const gab = Array.from({ length: total }, (_, n) => {
        const uid = `big-${String(n).padStart(5, "0")}`;
        return contact(uid, `Person ${n}`, { jobTitle: `Job ${n % 97}`, emails: [{ type: "work", address: `p${n}@example.com` }] });
      });
      // Seeded as an admin's import would: 40 batches of 1000 (the server's batch limit).
      for (let start = 0; start < total; start += 1000) {
        const results = await root.api.applyBatch("gab", gab.slice(start, start + 1000).map((c) => ({ op: "put" as const, uid: c.uid, contact: c })));
        assert.deepEqual(new Set(results.map((r) => r.status)), new Set(["created"]), `batch at ${start}`);
      }

      // The line to both Outlook and the server goes dead after 20,500 Outlook creates: the 21st chunk is
      // half written in Outlook and its progress is never saved, as when the pane closes mid-sync.
      const cutAfter = 20_500;
      let creates = 0;
      let cut = false;
      const isCreate = (url: string, method: string) => method === "POST" && /\/contactFolders\/[^/]+\/contacts$/.test(url);
      const graphFetch: typeof fetch = async (input, init) => {
        if (cut) throw new TypeError("Failed to fetch");
        const response = await fetch(input, init);
        if (isCreate(String(input), init?.method ?? "GET") && ++creates >= cutAfter) cut = true;
        return response;
      };
      const serverFetch: typeof fetch = async (input, init) => {
        if (cut) throw new TypeError("Failed to fetch");
        return fetch(input, init);
      };
      const pat = await stack.account("pat");
      const box = await stack.mailbox({}, graphFetch);
      const folder = (await box.outlook.store.ensureFolder("Global Address Book")).id;
      const cutApi = createServerApi({ baseUrl: stack.serverUrl, getToken: () => pat.token, fetch: serverFetch });
      const writing: number[] = [];
      const onProgress = (p: SyncProgress) => void (p.phase === "writing" && writing.push(p.done));

      await assert.rejects(stack.sync({ ...pat, api: cutApi }, box, pat.book("gab"), folder, { chunkSize, saveEveryMs: 0, onProgress }), /Cannot reach the Concord server/);

      assert.equal(box.graph.mailbox.contactsIn(folder).length, cutAfter);
      assert.deepEqual(writing, Array.from({ length: 20 }, (_, k) => (k + 1) * chunkSize), "progress and state were saved per chunk");
      const saved = await pat.api.getSyncState(pat.deviceId, pairId("gab", folder));
      assert.equal(pairStateFromJson(saved!.json)!.status.entries.length, 20 * chunkSize, "the last saved state holds the 20 finished chunks");

      const postsBefore = box.graph.mailbox.requests.filter((r) => r.method === "POST").length;
      cut = false;
      creates = -Infinity;
      const resumed = await stack.sync(pat, box, pat.book("gab"), folder, { chunkSize });

      assert.deepEqual(resumed.errors, []);
      assert.equal(resumed.counts.outlook.created, total - cutAfter, "the contacts already in Outlook are matched by uid, not created again");
      assert.equal(box.graph.mailbox.requests.filter((r) => r.method === "POST").length - postsBefore, total - cutAfter);
      const items = outlookContacts(box.graph, folder);
      assert.equal(items.length, total);
      assertUnique(items.map((i) => i.displayName), "names in Outlook");
      assertSameContacts(items, gab);
      const expected = new Map(gab.map((c) => [c.uid, c]));
      for (const item of items) {
        const wanted = expected.get(item.uid)!;
        assert.equal(item.properties.jobTitle, wanted.jobTitle, item.displayName);
        assert.deepEqual((item.properties.emailAddresses as { address: string }[]).map((e) => e.address), [wanted.emails[0]!.address], item.displayName);
      }
      const final = pairStateFromJson((await pat.api.getSyncState(pat.deviceId, pairId("gab", folder)))!.json)!.status.entries;
      assert.equal(final.length, total);
      assertUnique(final.map((e) => e.outlookId), "Outlook items in the sync state");
    });
  });
});
