// The Mailtraq Outlook Synchronizer scenarios, end to end through the code the task pane runs:
// syncPair over the real server app (embedded database) and fake Graph mailboxes, all over real HTTP.
import assert from "node:assert/strict";
import type { Contact } from "../../core/contact/contact";
import { concordUidPropertyId } from "../../core/formats/outlook/graph-contact";
import { createServerApi } from "../../addin/server-api";
import { pairId, pairStateFromJson } from "../../addin/sync/pair-state";
import { CLAIM_SECONDS } from "../../addin/sync/pair-claim";
import type { SyncProgress } from "../../addin/sync/sync-session";
import { paneSettingsSchema, type PaneSettings } from "../../addin/taskpane/pane-settings";
import { syncBooks } from "../../addin/taskpane/sync-books";
import {
  assertUnique,
  byName,
  contact,
  outlookContacts,
  outlookWrites,
  person,
  serverContacts,
  startStack,
  type Account,
  type Mailbox,
  type Stack,
} from "./support/stack";

/** Pane settings after the setup step with every book switched on (each folder still to be paired). */
const switchedOn = (books: { id: string }[]): PaneSettings => ({
  ...paneSettingsSchema.parse({}),
  pairs: Object.fromEntries(books.map((b) => [b.id, { policy: "server-wins" as const, enabled: true }])),
});

const names = (contacts: { displayName: string }[]) => contacts.map((c) => c.displayName).sort();
/** Every item of an Outlook folder, synced or not. */
const graphContacts = (box: Mailbox, folderId: string) =>
  box.graph.mailbox.contactsIn(folderId).map((c) => ({ ...c, displayName: String(c.properties.displayName ?? "") }));
const graphNames = (box: Mailbox, folderId: string) => names(graphContacts(box, folderId));

/** Every Outlook item carries the uid of exactly one server contact, and both sides list the same people. */
function assertSameContacts(outlook: { uid: string; displayName: string }[], server: Contact[]) {
  assert.equal(outlook.length, server.length);
  const serverNames = new Map(server.map((c) => [c.uid, c.displayName]));
  for (const item of outlook)
    assert.equal(serverNames.get(item.uid), item.displayName, `Outlook item ${item.displayName} has uid ${item.uid}`);
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
    const people = Array.from({ length: 200 }, (_, n) =>
      person(`Given${String(n).padStart(3, "0")}`, `Family${n % 17}`, { jobTitle: `Role ${n}` }),
    );

    before(async () => {
      stack = current();
      admin = await stack.account("admin1", true);
      adminBox = await stack.mailbox();
      publishedFolder = (await adminBox.outlook.store.ensureFolder("Company")).id;
      for (const p of people) adminBox.graph.addContact(publishedFolder, p);
      // Something stale on the server that the published folder does not hold.
      await admin.api.applyBatch("gab", [{ op: "put", uid: "stale", contact: contact("stale", "Left Long Ago") }]);
    });

    it("replaces the GAB with the folder only on the admin's explicit, previewed, confirmed Replace", async () => {
      // Plain Sync now: the admin's GAB syncs both ways, so the stale server contact comes down
      // into the folder instead of being deleted.
      const preview = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder, { dryRun: true });
      assert.equal(preview.mode, "two-way");
      assert.deepEqual(preview.plan.deletions, { outlook: [], server: [] });

      // "Replace the GAB with this folder": a dry run in publish mode names what would go.
      const replace = { mode: "publish" as const };
      const dry = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder, { ...replace, dryRun: true });
      assert.equal(dry.kind, "preview");
      assert.deepEqual(dry.plan.deletions.server, [{ uid: "stale", name: "Left Long Ago" }]);
      assert.deepEqual(dry.plan.deletions.outlook, []);
      assert.deepEqual(names(await serverContacts(admin.api, "gab")), ["Left Long Ago"], "a preview writes nothing");

      // A confirmation that does not name the stale contact lets no deletion through.
      const unconfirmed = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder, {
        ...replace,
        confirmedDeletes: { outlook: [], server: [] },
      });
      assert.equal(unconfirmed.kind, "needs-confirmation");
      assert.deepEqual(names(await serverContacts(admin.api, "gab")), ["Left Long Ago"]);

      const confirmedDeletes = { outlook: [], server: dry.plan.deletions.server.map((d) => d.uid) };
      const outcome = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder, {
        ...replace,
        confirmedDeletes,
      });

      assert.equal(outcome.kind, "synced");
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

    it("refuses to sync an admin's GAB folder emptied by accident, and deletes nothing on the server", async () => {
      for (const item of adminBox.graph.mailbox.contactsIn(publishedFolder)) adminBox.graph.deleteContact(item.id);
      const before = await serverContacts(admin.api, "gab");

      const outcome = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder);

      assert.equal(outcome.kind, "needs-confirmation");
      assert.ok(
        outcome.refusals.some((r) => r.kind === "side-emptied" && r.side === "outlook"),
        JSON.stringify(outcome.refusals),
      );
      // Nor does the explicit Replace go through unseen: it too asks, naming all 197.
      const replace = await stack.sync(admin, adminBox, admin.book("gab"), publishedFolder, { mode: "publish" });
      assert.equal(replace.kind, "needs-confirmation");
      assert.equal(replace.plan.deletions.server.length, 197);
      const after = await serverContacts(admin.api, "gab");
      assert.equal(after.length, 197);
      assert.deepEqual(names(after), names(before));
    });
  });

  describe("two admins and a REST writer share the GAB", () => {
    const current = freshStack();

    it("keeps every writer's additions, edits and deletions, and converges both admins' folders", async () => {
      const stack = current();
      const ada = await stack.account("ada", true);
      const abe = await stack.account("abe", true);
      const rex = stack.rest(await stack.account("rex", true));
      const seeded = [
        ["g-hana", "Hana Ito", "CEO"],
        ["g-ivan", "Ivan Roe", "CFO"],
        ["g-june", "June Park", "Engineer"],
        ["g-kurt", "Kurt Lang", "Clerk"],
      ];
      for (const [uid, name, jobTitle] of seeded) {
        const emails = [{ type: "work" as const, address: `${uid}@example.com` }];
        await rex.create("gab", contact(uid!, name!, { jobTitle, emails }));
      }

      // Admin 1 pairs a folder holding one contact of their own with the GAB.
      const adaBox = await stack.mailbox();
      const adaFolder = (await adaBox.outlook.store.ensureFolder("Global Address Book")).id;
      adaBox.graph.addContact(adaFolder, person("Ada", "Added"));
      const adaPreview = await stack.sync(ada, adaBox, ada.book("gab"), adaFolder, { dryRun: true });
      assert.equal(adaPreview.mode, "two-way");
      assert.deepEqual(adaPreview.plan.deletions, { outlook: [], server: [] }, "a first sync deletes nothing");
      const adaFirst = await stack.sync(ada, adaBox, ada.book("gab"), adaFolder);
      assert.deepEqual(adaFirst.errors, []);
      assert.deepEqual(adaFirst.counts.server, { created: 1, updated: 0, deleted: 0 });

      // Meanwhile the REST writer promotes Hana and deletes Kurt.
      await rex.edit("gab", "g-hana", { jobTitle: "Chair" });
      await rex.remove("gab", "g-kurt");

      // Admin 2's folder is stale: copies of Hana (still CEO) and Kurt stamped by an earlier pairing,
      // and one contact of their own.
      const abeBox = await stack.mailbox();
      const abeFolder = (await abeBox.outlook.store.ensureFolder("Company")).id;
      const stamp = (uid: string) => ({ [concordUidPropertyId]: uid });
      const staleCopy = (given: string, family: string, uid: string, jobTitle: string) =>
        abeBox.graph.addContact(
          abeFolder,
          { ...person(given, family), jobTitle, emailAddresses: [{ address: `${uid}@example.com` }] },
          stamp(uid),
        );
      staleCopy("Hana", "Ito", "g-hana", "CEO");
      staleCopy("Kurt", "Lang", "g-kurt", "Clerk");
      abeBox.graph.addContact(abeFolder, person("Abe", "Added"));
      // Its first sync deletes nothing on the server; it asks before removing Kurt, whom the server
      // deleted before this folder was paired, and deletes exactly him once confirmed.
      const abeAsked = await stack.sync(abe, abeBox, abe.book("gab"), abeFolder);
      assert.equal(abeAsked.kind, "needs-confirmation");
      assert.deepEqual(abeAsked.refusals, [{ kind: "deleted-on-server", side: "outlook", uids: ["g-kurt"] }]);
      assert.deepEqual(abeAsked.plan.deletions, { outlook: [{ uid: "g-kurt", name: "Kurt Lang" }], server: [] });
      const confirmedDeletes = { outlook: ["g-kurt"], server: [] };
      const abeFirst = await stack.sync(abe, abeBox, abe.book("gab"), abeFolder, { confirmedDeletes });
      assert.equal(abeFirst.kind, "synced");
      assert.deepEqual(abeFirst.errors, []);
      // (Hana's copy adds the name parts the REST writer left out: a merge, not a revert; see below.)
      assert.deepEqual({ ...abeFirst.counts.server, updated: 0 }, { created: 1, updated: 0, deleted: 0 });
      assert.equal(abeFirst.counts.outlook.deleted, 1);
      let gab = byName(await serverContacts(ada.api, "gab"));
      const caughtUp = ["Abe Added", "Ada Added", "Hana Ito", "Ivan Roe", "June Park"];
      assert.deepEqual([...gab.keys()].sort(), caughtUp, "Kurt stays deleted");
      assert.equal(gab.get("Hana Ito")!.jobTitle, "Chair", "the stale copy does not revert the REST edit");

      // Admin 1 catches up: Kurt leaves their folder too, Abe's contact arrives, Hana is Chair.
      const adaCatchUp = await stack.sync(ada, adaBox, ada.book("gab"), adaFolder);
      assert.equal(adaCatchUp.kind, "synced", JSON.stringify(adaCatchUp.refusals));
      assert.deepEqual(adaCatchUp.counts.server, { created: 0, updated: 0, deleted: 0 });
      assertSameContacts(outlookContacts(adaBox.graph, adaFolder), [...gab.values()]);

      // Everyone works at once: each admin adds, edits and deletes in Outlook, the REST writer on the server.
      const inAda = byName(outlookContacts(adaBox.graph, adaFolder));
      adaBox.graph.addContact(adaFolder, person("Ada", "Second"));
      adaBox.graph.editContact(inAda.get("Ivan Roe")!.id, { jobTitle: "Finance chief" });
      adaBox.graph.deleteContact(inAda.get("Abe Added")!.id);
      const inAbe = byName(outlookContacts(abeBox.graph, abeFolder));
      abeBox.graph.addContact(abeFolder, person("Abe", "Second"));
      abeBox.graph.editContact(inAbe.get("June Park")!.id, { mobilePhone: "+1 555 0199" });
      abeBox.graph.deleteContact(inAbe.get("Ada Added")!.id);
      await rex.create("gab", contact("r-rosa", "Rosa Rest", { jobTitle: "Auditor" }));
      await rex.edit("gab", "g-june", { jobTitle: "Lead engineer" });

      const rounds = [];
      for (let round = 0; round < 2; round++) {
        rounds.push(await stack.sync(ada, adaBox, ada.book("gab"), adaFolder));
        rounds.push(await stack.sync(abe, abeBox, abe.book("gab"), abeFolder));
      }
      for (const outcome of rounds) {
        assert.equal(outcome.kind, "synced");
        assert.deepEqual(outcome.errors, []);
      }

      gab = byName(await serverContacts(ada.api, "gab"));
      const expected = ["Abe Second", "Ada Second", "Hana Ito", "Ivan Roe", "June Park", "Rosa Rest"];
      assert.deepEqual([...gab.keys()].sort(), expected);
      assert.equal(gab.get("Hana Ito")!.jobTitle, "Chair");
      assert.equal(gab.get("Ivan Roe")!.jobTitle, "Finance chief");
      assert.equal(gab.get("June Park")!.jobTitle, "Lead engineer");
      assert.deepEqual(
        gab.get("June Park")!.phones.map((p) => p.number),
        ["+1 555 0199"],
      );
      assert.equal(gab.get("Rosa Rest")!.jobTitle, "Auditor");
      const server = [...gab.values()];
      for (const [box, folder] of [
        [adaBox, adaFolder],
        [abeBox, abeFolder],
      ] as const) {
        const items = outlookContacts(box.graph, folder);
        assertSameContacts(items, server);
        const byPerson = byName(items);
        assert.equal(byPerson.get("Hana Ito")!.properties.jobTitle, "Chair");
        assert.equal(byPerson.get("Ivan Roe")!.properties.jobTitle, "Finance chief");
        assert.equal(byPerson.get("June Park")!.properties.jobTitle, "Lead engineer");
        assert.equal(byPerson.get("June Park")!.properties.mobilePhone, "+1 555 0199");
      }
      for (const [who, box, folder] of [
        [ada, adaBox, adaFolder],
        [abe, abeBox, abeFolder],
      ] as const) {
        const quiet = await stack.sync(who, box, who.book("gab"), folder);
        assert.deepEqual(quiet.counts.outlook, { created: 0, updated: 0, deleted: 0 }, `${who.username} is up to date`);
        assert.deepEqual(quiet.counts.server, { created: 0, updated: 0, deleted: 0 }, `${who.username} is up to date`);
      }
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
      const writesBefore = outlookWrites(box.graph);

      const outcome = await stack.sync(kim, box, kim.primary, folder);

      assert.equal(outcome.kind, "needs-confirmation");
      assert.ok(
        outcome.refusals.some((r) => r.kind === "side-emptied" && r.side === "outlook"),
        JSON.stringify(outcome.refusals),
      );
      assert.equal((await serverContacts(kim.api, kim.primary.id)).length, 12);
      assert.equal(outlookWrites(box.graph), writesBefore, "nothing written to Outlook either");
    });

    it("keeps both users' edits to different fields of one contact in a PAB shared read-write", async () => {
      const stack = current();
      const amy = await stack.account("amy");
      const ben = await stack.account("ben");
      await stack.share(amy, amy.primary.id, "ben", "write");
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
      amyBox.graph.editContact(byName(outlookContacts(amyBox.graph, amyFolder)).get("Carol Shared")!.id, {
        jobTitle: "Senior analyst",
      });
      benBox.graph.editContact(byName(outlookContacts(benBox.graph, benFolder)).get("Carol Shared")!.id, {
        mobilePhone: "+49 151 2345678",
      });

      const amySync = await stack.sync(amy, amyBox, amy.primary, amyFolder);
      const benSync = await stack.sync(ben, benBox, shared!, benFolder);
      const amyAgain = await stack.sync(amy, amyBox, amy.primary, amyFolder);

      for (const outcome of [amySync, benSync, amyAgain]) assert.deepEqual(outcome.errors, []);
      assert.deepEqual(benSync.conflicts, [], "different fields do not conflict");
      const server = await serverContacts(amy.api, amy.primary.id);
      assert.deepEqual(names(server), ["Carol Shared", "Dan Other"]);
      const carol = byName(server).get("Carol Shared")!;
      assert.equal(carol.jobTitle, "Senior analyst");
      assert.deepEqual(
        carol.phones.map((p) => p.number),
        ["+49 151 2345678"],
      );
      assert.equal(carol.company, "Acme");
      for (const [box, folder] of [
        [amyBox, amyFolder],
        [benBox, benFolder],
      ] as const) {
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

  describe("a colleague's shared \"Contacts\" next to the user's own", () => {
    const current = freshStack();

    for (const access of ["read", "write"] as const) {
      const shareName = access === "read" ? "read-only" : "read-write";
      it(`syncs a ${shareName} share of a colleague's Contacts and the user's own into two folders`, async () => {
        const stack = current();
        const cleo = await stack.account(`cleo-${access}`);
        const uma = await stack.account(`uma-${access}`);
        await cleo.api.applyBatch(cleo.primary.id, [
          { op: "put", uid: `c1-${access}`, contact: contact(`c1-${access}`, "Cleo Client", { jobTitle: "Buyer" }) },
          { op: "put", uid: `c2-${access}`, contact: contact(`c2-${access}`, "Cleo Partner") },
        ]);
        const hidden = await stack.createBook(cleo, "Private");
        const put = (uid: string, name: string) => ({ op: "put" as const, uid, contact: contact(uid, name) });
        await cleo.api.applyBatch(hidden.id, [put(`secret-${access}`, "Secret Source")]);
        await uma.api.applyBatch(uma.primary.id, [put(`u1-${access}`, "Uma Friend")]);
        await stack.share(cleo, cleo.primary.id, uma.username, access);
        const books = await uma.api.listBooks();
        const shared = books.find((b) => b.id === cleo.primary.id)!;
        assert.equal(shared.name, "Contacts");
        assert.equal(shared.access, access);
        assert.ok(!books.some((b) => b.id === hidden.id), "the colleague's unshared book is not listed");

        // The user's Outlook has its own "Contacts" folder already, with a contact only there.
        const box = await stack.mailbox();
        const ownFolder = (await box.outlook.store.ensureFolder("Contacts")).id;
        box.graph.addContact(ownFolder, person("Olive", "Outlook"));
        // The user switched every book on in the pane's setup step.
        let settings = switchedOn(books);
        const syncAll = async () => {
          const { api, deviceId, username } = uma;
          const run = await syncBooks({ api, outlook: box.outlook, deviceId, admin: false, username, books, settings });
          settings = { ...settings, pairs: { ...settings.pairs, ...run.pairs } };
          for (const result of run.results) {
            assert.equal(result.error, undefined, `${result.bookId}: ${result.error}`);
            const outcome = result.outcome!;
            assert.equal(outcome.kind, "synced", `${result.bookId}: ${JSON.stringify(outcome.refusals)}`);
            assert.deepEqual(outcome.errors, []);
          }
          return new Map(run.results.map((r) => [r.bookId, r.outcome!]));
        };
        const folderNames = (folderId: string) => graphNames(box, folderId);

        await syncAll();
        const ownPair = settings.pairs[uma.primary.id]!;
        const sharedPair = settings.pairs[cleo.primary.id]!;
        assert.equal(ownPair.folderId, ownFolder, "the user's own book syncs with their Contacts folder");
        // The colleague's book gets a folder named after them (their display name is the upper-cased user name).
        assert.equal(sharedPair.folderName, `Contacts (${cleo.username.toUpperCase()})`);
        assert.notEqual(sharedPair.folderId, ownFolder);
        const sharedFolder = sharedPair.folderId!;
        assert.deepEqual(folderNames(ownFolder), ["Olive Outlook", "Uma Friend"]);
        assert.deepEqual(folderNames(sharedFolder), ["Cleo Client", "Cleo Partner"]);
        assert.deepEqual(names(await serverContacts(uma.api, uma.primary.id)), ["Olive Outlook", "Uma Friend"]);
        assert.deepEqual(names(await serverContacts(cleo.api, cleo.primary.id)), ["Cleo Client", "Cleo Partner"]);

        // The user adds a contact to the colleague's folder and edits one there; the colleague adds
        // one on the server; the user adds one to their own folder.
        const inShared = byName(outlookContacts(box.graph, sharedFolder));
        box.graph.addContact(sharedFolder, person("Ursula", "Added"));
        box.graph.editContact(inShared.get("Cleo Client")!.id, { jobTitle: "Head buyer" });
        await cleo.api.applyBatch(cleo.primary.id, [put(`c3-${access}`, "Cleo Third")]);
        box.graph.addContact(ownFolder, person("Otto", "Own"));

        const second = await syncAll();
        const third = await syncAll();

        const cleoBook = byName(await serverContacts(cleo.api, cleo.primary.id));
        const umaBook = await serverContacts(uma.api, uma.primary.id);
        assert.deepEqual(names(umaBook), ["Olive Outlook", "Otto Own", "Uma Friend"], "only the user's contacts");
        assert.deepEqual(folderNames(ownFolder), ["Olive Outlook", "Otto Own", "Uma Friend"]);
        assertSameContacts(outlookContacts(box.graph, ownFolder), umaBook);
        assert.deepEqual(folderNames(sharedFolder), ["Cleo Client", "Cleo Partner", "Cleo Third", "Ursula Added"]);
        if (access === "read") {
          // Pulled: the user's addition stays in the folder, unsynced and named; the local edit is reverted.
          assert.deepEqual([...cleoBook.keys()].sort(), ["Cleo Client", "Cleo Partner", "Cleo Third"]);
          assert.equal(cleoBook.get("Cleo Client")!.jobTitle, "Buyer");
          assert.equal(byName(graphContacts(box, sharedFolder)).get("Cleo Client")!.properties.jobTitle, "Buyer");
          // Named by the sync that first saw it; later syncs read only changes, and keep it all the same.
          assert.deepEqual(
            second.get(cleo.primary.id)!.plan.unsynced.map((u) => u.name),
            ["Ursula Added"],
          );
        } else {
          assert.deepEqual([...cleoBook.keys()].sort(), ["Cleo Client", "Cleo Partner", "Cleo Third", "Ursula Added"]);
          assert.equal(cleoBook.get("Cleo Client")!.jobTitle, "Head buyer");
          assertSameContacts(outlookContacts(box.graph, sharedFolder), [...cleoBook.values()]);
        }
        for (const outcome of third.values()) {
          assert.deepEqual(outcome.counts.outlook, { created: 0, updated: 0, deleted: 0 });
          assert.deepEqual(outcome.counts.server, { created: 0, updated: 0, deleted: 0 });
        }
        const everywhere = [...box.graph.mailbox.folders.keys()].flatMap(folderNames);
        assert.ok(!everywhere.includes("Secret Source"), "the colleague's private contacts reach no folder");
      });
    }
  });

  describe("an admin's pane", () => {
    const current = freshStack();

    it("lists only the admin's own books, shares, GAB and Directory; a first GAB sync deletes nothing", async () => {
      const stack = current();
      const root = await stack.account("root", true);
      const xena = await stack.account("xena");
      const yuri = await stack.account("yuri");
      await xena.api.applyBatch(xena.primary.id, [{ op: "put", uid: "x-1", contact: contact("x-1", "Xena Private") }]);
      await yuri.api.applyBatch(yuri.primary.id, [{ op: "put", uid: "y-1", contact: contact("y-1", "Yuri Shared") }]);
      await stack.share(yuri, yuri.primary.id, root.username, "read");
      const xenaExtra = await stack.createBook(root, "Xena's clients", xena.username);
      await root.api.applyBatch("gab", [
        { op: "put", uid: "g-1", contact: contact("g-1", "Gita Global") },
        { op: "put", uid: "g-2", contact: contact("g-2", "Gus Global") },
      ]);

      const books = await root.api.listBooks();
      const directory = books.find((b) => b.kind === "directory");
      assert.ok(directory, "the Local Directory is listed");
      assert.deepEqual(books.map((b) => b.id).sort(), ["gab", directory.id, root.primary.id, yuri.primary.id].sort());
      assert.equal(books.find((b) => b.id === yuri.primary.id)!.ownerName, "YURI");
      assert.equal(books.find((b) => b.id === "gab")!.ownerName ?? null, null);
      // Every book stays reachable to the admin, but only when asked for.
      const everyBook = (who: Account) =>
        fetch(`${stack.serverUrl}/api/books?scope=all`, { headers: { authorization: `Bearer ${who.token}` } });
      const allIds = ((await (await everyBook(root)).json()) as { books: { id: string }[] }).books.map((b) => b.id);
      for (const id of [xena.primary.id, xenaExtra.id, yuri.primary.id])
        assert.ok(allIds.includes(id), `scope=all lists ${id}`);
      const notAdmin = await everyBook(xena);
      assert.equal(notAdmin.status, 403);

      // The admin's Outlook already has a GAB folder with a contact of their own.
      const box = await stack.mailbox();
      const gabFolder = (await box.outlook.store.ensureFolder("Global Address Book")).id;
      box.graph.addContact(gabFolder, person("Local", "Pal"));
      let settings = switchedOn(books);
      const { api, deviceId, username } = root;
      const request = { api, outlook: box.outlook, deviceId, admin: true, username, books };
      const preview = await syncBooks({ ...request, settings, dryRun: true });
      settings = { ...settings, pairs: { ...settings.pairs, ...preview.pairs } };
      assert.deepEqual(
        preview.results.map((r) => r.bookId),
        books.map((b) => b.id),
      );
      for (const result of preview.results) {
        assert.equal(result.error, undefined, `${result.bookId}: ${result.error}`);
        assert.equal(result.outcome!.kind, "preview");
        const none = { outlook: [], server: [] };
        assert.deepEqual(result.outcome!.plan.deletions, none, `${result.bookId}: a first sync proposes no deletion`);
      }
      assert.equal(preview.results.find((r) => r.bookId === "gab")!.outcome!.mode, "two-way");
      assert.equal(settings.pairs.gab!.folderId, gabFolder);

      const run = await syncBooks({ ...request, settings });
      for (const result of run.results) {
        assert.equal(result.error, undefined, `${result.bookId}: ${result.error}`);
        assert.equal(result.outcome!.kind, "synced", `${result.bookId}: ${JSON.stringify(result.outcome!.refusals)}`);
        assert.equal(result.outcome!.counts.server.deleted + result.outcome!.counts.outlook.deleted, 0);
      }
      const gab = await serverContacts(root.api, "gab");
      assert.deepEqual(names(gab), ["Gita Global", "Gus Global", "Local Pal"]);
      assertSameContacts(outlookContacts(box.graph, gabFolder), gab);
      const folderNames = [...box.graph.mailbox.folders.values()].map((f) => f.displayName).sort();
      assert.deepEqual(folderNames, ["Contacts", "Contacts (YURI)", directory.name, "Global Address Book"].sort());
      const everywhere = [...box.graph.mailbox.folders.keys()].flatMap((id) => graphNames(box, id));
      assert.ok(!everywhere.includes("Xena Private"), "no other user's PAB reaches the admin's Outlook");
      assert.ok(everywhere.includes("Yuri Shared"), "a PAB shared with the admin does");
      assert.deepEqual(names(await serverContacts(xena.api, xena.primary.id)), ["Xena Private"]);
    });
  });

  describe("a large GAB", () => {
    const current = freshStack();

    // 10,000 contacts by default: since every Outlook create first searches the folder for its uid, the
    // run against the fake Graph grows faster than linearly (40,000 took over 15 minutes); LARGE_GAB=40000
    // runs the full size.
    const total = Number(process.env.LARGE_GAB ?? 10_000);
    it(`pulls a ${total.toLocaleString("en")}-contact GAB into a fresh mailbox in chunks, and a run cut off half-way resumes without duplicates`, async function () {
      this.timeout(1_800_000);
      const stack = current();
      const chunkSize = total / 40;
      const root = await stack.account("bigadmin", true);
      const gab = Array.from({ length: total }, (_, n) => {
        const uid = `big-${String(n).padStart(5, "0")}`;
        return contact(uid, `Person ${n}`, {
          jobTitle: `Job ${n % 97}`,
          emails: [{ type: "work", address: `p${n}@example.com` }],
        });
      });
      // Seeded as an admin's import would: batches of 1000 (the server's batch limit).
      for (let start = 0; start < total; start += 1000) {
        const results = await root.api.applyBatch(
          "gab",
          gab.slice(start, start + 1000).map((c) => ({ op: "put" as const, uid: c.uid, contact: c })),
        );
        assert.deepEqual(new Set(results.map((r) => r.status)), new Set(["created"]), `batch at ${start}`);
      }

      // The line to both Outlook and the server goes dead after 20.5 chunks of Outlook creates: the 21st is
      // half written in Outlook and its progress is never saved, as when the pane closes mid-sync.
      const cutAfter = 20 * chunkSize + chunkSize / 2;
      let creates = 0;
      let cut = false;
      const isCreate = (url: string, method: string) =>
        method === "POST" && /\/contactFolders\/[^/]+\/contacts$/.test(url);
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

      await assert.rejects(
        stack.sync({ ...pat, api: cutApi }, box, pat.book("gab"), folder, { chunkSize, saveEveryMs: 0, onProgress }),
        /Cannot reach the Concord server/,
      );

      assert.equal(box.graph.mailbox.contactsIn(folder).length, cutAfter);
      assert.deepEqual(
        writing,
        Array.from({ length: 20 }, (_, k) => (k + 1) * chunkSize),
        "progress and state were saved per chunk",
      );
      const saved = await pat.api.getSyncState(pat.deviceId, pairId("gab", folder));
      assert.equal(
        pairStateFromJson(saved!.json)!.status.entries.length,
        20 * chunkSize,
        "the last saved state holds the 20 finished chunks",
      );

      // The dead line also kept the run from giving its claim on the pair back: until the claim runs
      // out, a new sync of the pair is turned away without touching either side.
      const createsIn = ({ graph }: Mailbox) => graph.mailbox.requests.filter((r) => isCreate(r.path, r.method)).length;
      const postsBefore = createsIn(box);
      cut = false;
      creates = -Infinity;
      const tooSoon = stack.sync(pat, box, pat.book("gab"), folder, { chunkSize });
      await assert.rejects(tooSoon, /Another Outlook is syncing this address book/);
      assert.equal(createsIn(box), postsBefore);
      stack.t.advance((CLAIM_SECONDS + 1) * 1000);

      const resumed = await stack.sync(pat, box, pat.book("gab"), folder, { chunkSize });

      assert.deepEqual(resumed.errors, []);
      assert.equal(
        resumed.counts.outlook.created,
        total - cutAfter,
        "the contacts already in Outlook are matched by uid, not created again",
      );
      assert.equal(createsIn(box) - postsBefore, total - cutAfter);
      const items = outlookContacts(box.graph, folder);
      assert.equal(items.length, total);
      assertUnique(
        items.map((i) => i.displayName),
        "names in Outlook",
      );
      assertSameContacts(items, gab);
      const expected = new Map(gab.map((c) => [c.uid, c]));
      for (const item of items) {
        const wanted = expected.get(item.uid)!;
        assert.equal(item.properties.jobTitle, wanted.jobTitle, item.displayName);
        assert.deepEqual(
          (item.properties.emailAddresses as { address: string }[]).map((e) => e.address),
          [wanted.emails[0]!.address],
          item.displayName,
        );
      }
      const final = pairStateFromJson((await pat.api.getSyncState(pat.deviceId, pairId("gab", folder)))!.json)!.status
        .entries;
      assert.equal(final.length, total);
      assertUnique(
        final.map((e) => e.outlookId),
        "Outlook items in the sync state",
      );
    });
  });
});
