// One example per row of the decision table in core/sync/reconcile.ts.
import assert from "node:assert/strict";
import { contactSchema, type Contact, type ContactInput } from "../../core/contact/contact";
import { contentHash } from "../../core/contact/content-hash";
import { reconcile, uidForOutlookItem, type ReconcileOptions } from "../../core/sync/reconcile";
import {
  baseJsonOf,
  type OutlookContact,
  type OutlookItem,
  type Plan,
  type ServerItem,
  type SyncStatus,
} from "../../core/sync/sync-types";

const person = (uid: string, input: Partial<ContactInput> = {}): Contact =>
  contactSchema.parse({
    uid,
    displayName: `Person ${uid}`,
    emails: [{ type: "work", address: `${uid}@example.com` }],
    ...input,
  });

type World = { status: SyncStatus; outlook: OutlookItem[]; server: ServerItem[]; deletedUids?: string[] };

/** Both sides hold `contacts` and the status says they were synced. */
function synced(contacts: Contact[]): World {
  return {
    status: {
      version: 1,
      entries: contacts.map((c) => ({
        uid: c.uid,
        outlookId: `o-${c.uid}`,
        baseJson: baseJsonOf(c),
        baseHash: contentHash(c),
        outlookHash: contentHash(c),
        outlookChangeKey: `k-${c.uid}`,
        serverEtag: `e-${c.uid}`,
      })),
    },
    outlook: contacts.map((c) => ({ id: `o-${c.uid}`, contact: c, changeKey: `k-${c.uid}` })),
    server: contacts.map((c) => ({ contact: c, etag: `e-${c.uid}` })),
  };
}

const unsynced = (outlook: OutlookItem[], server: ServerItem[]): World => ({
  status: { version: 1, entries: [] },
  outlook,
  server,
});

function editOutlook(w: World, uid: string, patch: Partial<Contact>, modifiedAt?: string): World {
  return {
    ...w,
    outlook: w.outlook.map((i) =>
      i.contact.uid === uid
        ? { ...i, contact: { ...i.contact, ...patch }, changeKey: `${i.changeKey}+`, modifiedAt }
        : i,
    ),
  };
}
function editServer(w: World, uid: string, patch: Partial<Contact>, modifiedAt?: string): World {
  return {
    ...w,
    server: w.server.map((i) =>
      i.contact.uid === uid ? { ...i, contact: { ...i.contact, ...patch }, etag: `${i.etag}+`, modifiedAt } : i,
    ),
  };
}
const dropOutlook = (w: World, uid: string): World => ({
  ...w,
  outlook: w.outlook.filter((i) => i.contact.uid !== uid),
});
const dropServer = (w: World, uid: string): World => ({ ...w, server: w.server.filter((i) => i.contact.uid !== uid) });

const plan = (w: World, options: ReconcileOptions = {}, complete = { outlook: true, server: true }): Plan =>
  reconcile(
    w.status,
    { items: w.outlook, complete: complete.outlook },
    { items: w.server, complete: complete.server, deletedUids: w.deletedUids },
    options,
  );

const only = (p: Plan) => {
  assert.equal(p.actions.length, 1, JSON.stringify(p.actions.map((a) => a.row)));
  return p.actions[0];
};
const writesServer = (p: Plan) => p.actions.some((a) => a.server);

const alice = person("alice", {
  company: "Acme",
  jobTitle: "Engineer",
  phones: [{ type: "mobile", number: "+1 555 0100" }],
});
const bob = person("bob");

describe("reconcile: pairs the status knows (two-way)", () => {
  it("plans nothing when neither side changed", () => {
    const p = plan(synced([alice, bob]));
    assert.deepEqual(p.actions, []);
    assert.equal(p.counts.unchanged, 2);
  });

  it("puts an Outlook edit to the server with If-Match on the etag it read", () => {
    const a = only(plan(editOutlook(synced([alice]), "alice", { jobTitle: "CTO" })));
    assert.equal(a.row, "outlook-changed");
    assert.equal(a.server, "put");
    assert.equal(a.outlook, undefined);
    assert.equal(a.contact?.jobTitle, "CTO");
    assert.equal(a.serverEtag, "e-alice");
  });

  it("updates Outlook with a server edit", () => {
    const a = only(plan(editServer(synced([alice]), "alice", { company: "Globex" })));
    assert.equal(a.row, "server-changed");
    assert.equal(a.outlook, "update");
    assert.equal(a.outlookId, "o-alice");
    assert.equal(a.server, undefined);
    assert.equal(a.contact?.company, "Globex");
  });

  it("writes nothing when both sides made the same edit, only records it", () => {
    const w = editServer(editOutlook(synced([alice]), "alice", { company: "Globex" }), "alice", { company: "Globex" });
    const a = only(plan(w));
    assert.equal(a.row, "both-changed-alike");
    assert.equal(a.outlook, undefined);
    assert.equal(a.server, undefined);
  });

  it("keeps both edits without a conflict when the sides changed different fields", () => {
    const w = editServer(editOutlook(synced([alice]), "alice", { jobTitle: "CTO" }), "alice", { company: "Globex" });
    const p = plan(w);
    const a = only(p);
    assert.equal(a.row, "both-changed-merged");
    assert.equal(a.outlook, "update");
    assert.equal(a.server, "put");
    assert.equal(a.contact?.jobTitle, "CTO");
    assert.equal(a.contact?.company, "Globex");
    assert.deepEqual(p.conflicts, []);
  });

  it("lists a same-field conflict with both values and lets the server win by default", () => {
    const w = editServer(editOutlook(synced([alice]), "alice", { jobTitle: "CTO" }), "alice", { jobTitle: "CFO" });
    const p = plan(w);
    assert.equal(only(p).contact?.jobTitle, "CFO");
    assert.deepEqual(p.conflicts, [
      { uid: "alice", field: "jobTitle", outlook: "CTO", server: "CFO", winner: "server" },
    ]);
    assert.equal(p.counts.conflicts, 1);
  });

  it("lets Outlook win a same-field conflict under outlook-wins", () => {
    const w = editServer(editOutlook(synced([alice]), "alice", { jobTitle: "CTO" }), "alice", { jobTitle: "CFO" });
    const p = plan(w, { policy: "outlook-wins" });
    assert.equal(only(p).contact?.jobTitle, "CTO");
    assert.equal(p.conflicts[0].winner, "outlook");
  });

  it("lets the later edit win under newest-wins", () => {
    const w = editServer(
      editOutlook(synced([alice]), "alice", { jobTitle: "CTO" }, "2026-03-02T10:00:00Z"),
      "alice",
      { jobTitle: "CFO" },
      "2026-03-01T10:00:00Z",
    );
    assert.equal(only(plan(w, { policy: "newest-wins" })).contact?.jobTitle, "CTO");
  });

  it("falls back to server-wins under newest-wins when a side has no modification time", () => {
    const w = editServer(editOutlook(synced([alice]), "alice", { jobTitle: "CTO" }, "2026-03-02T10:00:00Z"), "alice", {
      jobTitle: "CFO",
    });
    assert.equal(only(plan(w, { policy: "newest-wins" })).contact?.jobTitle, "CFO");
  });

  it("merges e-mail lists by address, not position, keeping an add on one side and an edit on the other", () => {
    const base = person("carol", {
      emails: [
        { type: "work", address: "carol@acme.com" },
        { type: "home", address: "carol@home.net" },
      ],
    });
    let w = synced([base]);
    // Outlook adds a third address at the front; the server retypes the home address.
    w = editOutlook(w, "carol", { emails: [{ type: "other", address: "c@new.org" }, ...base.emails] });
    w = editServer(w, "carol", {
      emails: [
        { type: "work", address: "CAROL@acme.com" },
        { type: "other", address: "carol@home.net" },
      ],
    });
    const p = plan(w);
    const emails = only(p)
      .contact!.emails.map((e) => `${e.type}:${e.address.toLowerCase()}`)
      .sort();
    assert.deepEqual(emails, ["other:c@new.org", "other:carol@home.net", "work:carol@acme.com"]);
    assert.deepEqual(p.conflicts, []);
  });

  it("drops a phone deleted on one side while the other side edited another field", () => {
    const w = editServer(editOutlook(synced([alice]), "alice", { phones: [] }), "alice", { company: "Globex" });
    const c = only(plan(w)).contact!;
    assert.deepEqual(c.phones, []);
    assert.equal(c.company, "Globex");
  });

  it("merges like a first sync when the status kept no base: every differing field is a conflict for the policy", () => {
    let w = synced([alice]);
    w = { ...w, status: { version: 1, entries: w.status.entries.map(({ baseJson: _base, ...rest }) => rest) } };
    w = editServer(editOutlook(w, "alice", { jobTitle: "CTO" }), "alice", { company: "Globex" });
    const p = plan(w, { policy: "outlook-wins" });
    assert.equal(only(p).contact?.jobTitle, "CTO");
    assert.equal(only(p).contact?.company, "Acme");
    assert.deepEqual(p.conflicts.map((c) => c.field).sort(), ["company", "jobTitle"]);
  });

  it("deletes on the server, with If-Match, what was deleted in Outlook and unchanged there", () => {
    const a = only(plan(dropOutlook(synced([alice, bob]), "alice")));
    assert.equal(a.row, "outlook-deleted");
    assert.equal(a.server, "delete");
    assert.equal(a.serverEtag, "e-alice");
    assert.equal(a.contact, undefined);
  });

  it("deletes in Outlook what was deleted on the server and unchanged in Outlook", () => {
    const a = only(plan(dropServer(synced([alice, bob]), "alice")));
    assert.equal(a.row, "server-deleted");
    assert.equal(a.outlook, "delete");
    assert.equal(a.outlookId, "o-alice");
  });

  it("restores to Outlook an item deleted there but changed on the server", () => {
    const w = editServer(dropOutlook(synced([alice, bob]), "alice"), "alice", { jobTitle: "CTO" });
    const a = only(plan(w));
    assert.equal(a.row, "outlook-deleted-server-changed");
    assert.equal(a.outlook, "create");
    assert.equal(a.contact?.jobTitle, "CTO");
    assert.equal(a.contact?.uid, "alice");
  });

  it("deletes on the server an item deleted in Outlook but changed there under delete-wins", () => {
    const w = editServer(dropOutlook(synced([alice, bob]), "alice"), "alice", { jobTitle: "CTO" });
    assert.equal(only(plan(w, { deleteVsChange: "delete-wins" })).server, "delete");
  });

  it("puts back on the server an item deleted there but changed in Outlook", () => {
    const w = editOutlook(dropServer(synced([alice, bob]), "alice"), "alice", { jobTitle: "CTO" });
    const a = only(plan(w));
    assert.equal(a.row, "server-deleted-outlook-changed");
    assert.equal(a.server, "put");
    assert.equal(a.serverCreates, true);
    assert.equal(a.contact?.jobTitle, "CTO");
  });

  it("deletes in Outlook an item deleted on the server but changed in Outlook under delete-wins", () => {
    const w = editOutlook(dropServer(synced([alice, bob]), "alice"), "alice", { jobTitle: "CTO" });
    assert.equal(only(plan(w, { deleteVsChange: "delete-wins" })).outlook, "delete");
  });

  it("forgets a pair deleted on both sides without writing", () => {
    const a = only(plan(dropServer(dropOutlook(synced([alice, bob]), "alice"), "alice")));
    assert.equal(a.row, "both-deleted");
    assert.equal(a.outlook ?? a.server, undefined);
    assert.equal(a.contact, undefined);
  });

  it("does not ping-pong when the server rewrote an item: a new etag with the same content is only recorded", () => {
    const w = synced([alice]);
    w.server[0] = { ...w.server[0], etag: "rewritten", contact: { ...alice, displayName: `  ${alice.displayName} ` } };
    const a = only(plan(w));
    assert.equal(a.row, "server-etag-moved");
    assert.equal(a.outlook ?? a.server, undefined);
    assert.equal(a.serverEtag, "rewritten");
    // The base stays the text both sides agreed on, not the server's re-spaced copy.
    assert.equal(a.baseJson, w.status.entries[0].baseJson);
  });

  it("does not ping-pong when Outlook re-saved an item: a new changeKey with the same content is only recorded", () => {
    const w = synced([alice]);
    w.outlook[0] = { ...w.outlook[0], changeKey: "resaved" };
    const a = only(plan(w));
    assert.equal(a.row, "outlook-changekey-moved");
    assert.equal(a.outlook ?? a.server, undefined);
    assert.equal(a.outlookChangeKey, "resaved");
  });

  it("trusts an unchanged changeKey without hashing the item", () => {
    const w = synced([alice]);
    w.outlook[0] = { ...w.outlook[0], hash: "not-the-real-hash" };
    assert.deepEqual(plan(w).actions, []);
  });

  it("follows an Outlook item that moved to a new id by its uid", () => {
    const w = editOutlook(synced([alice]), "alice", { jobTitle: "CTO" });
    w.outlook[0] = { ...w.outlook[0], id: "moved" };
    const a = only(plan(w));
    assert.equal(a.row, "outlook-changed");
    assert.equal(a.outlookId, "moved");
  });
});

describe("reconcile: items the status does not know (two-way)", () => {
  const outlookItem = (id: string, contact: OutlookContact): OutlookItem => ({ id, contact });
  const serverItem = (contact: Contact, etag = `e-${contact.uid}`): ServerItem => ({ contact, etag });
  const withoutUid = ({ uid: _uid, ...rest }: Contact): OutlookContact => rest;

  it("creates on the server a contact made in Outlook, under a uid derived from its id, and stamps that uid in Outlook", () => {
    const a = only(plan(unsynced([outlookItem("new-1", withoutUid(bob))], [])));
    assert.equal(a.row, "outlook-new");
    assert.equal(a.uid, uidForOutlookItem("new-1"));
    assert.equal(a.server, "put");
    assert.equal(a.serverCreates, true);
    assert.equal(a.outlook, "update");
    assert.equal(a.contact?.uid, a.uid);
  });

  it("derives the same uid for the same Outlook item every time, so a retried create is idempotent", () => {
    assert.equal(uidForOutlookItem("AAMkAG/x+y="), uidForOutlookItem("AAMkAG/x+y="));
    assert.notEqual(uidForOutlookItem("a"), uidForOutlookItem("b"));
    assert.ok(contactSchema.shape.uid.safeParse(uidForOutlookItem("AAMkAG/x+y=")).success);
  });

  it("pairs an Outlook item without uid with the server item under its derived uid, when the stamp was lost", () => {
    const uid = uidForOutlookItem("new-1");
    const p = plan(unsynced([outlookItem("new-1", withoutUid(bob))], [serverItem({ ...bob, uid })]));
    const a = only(p);
    assert.equal(a.row, "matched-alike");
    assert.equal(a.server, undefined);
    assert.equal(a.outlook, "update");
  });

  it("creates on the server an Outlook item that already carries a uid, without restamping it", () => {
    const a = only(plan(unsynced([outlookItem("x", bob)], [])));
    assert.equal(a.uid, "bob");
    assert.equal(a.server, "put");
    assert.equal(a.outlook, undefined);
  });

  it("creates in Outlook, carrying the uid, a contact new on the server", () => {
    const a = only(plan(unsynced([], [serverItem(bob)])));
    assert.equal(a.row, "server-new");
    assert.equal(a.outlook, "create");
    assert.equal(a.contact?.uid, "bob");
  });

  it("on a first sync pairs items by uid and writes nothing when they agree", () => {
    const a = only(plan(unsynced([outlookItem("x", bob)], [serverItem(bob)])));
    assert.equal(a.row, "matched-alike");
    assert.equal(a.outlook ?? a.server, undefined);
    assert.equal(a.outlookId, "x");
  });

  it("on a first sync pairs a person by primary e-mail, case-insensitively, and does not duplicate them", () => {
    const emails = [{ type: "work" as const, address: "BOB@Example.com" }];
    const inOutlook = withoutUid(person("ignored", { displayName: "person  BOB", emails }));
    const p = plan(unsynced([outlookItem("x", inOutlook)], [serverItem(bob)]));
    const a = only(p);
    assert.equal(a.uid, "bob");
    assert.equal(p.counts.server.created + p.counts.outlook.created, 0);
  });

  it("on a first sync pairs a person by full name, folding case and whitespace", () => {
    const server = person("s1", { displayName: "Dana  Scully", emails: [] });
    const inOutlook = withoutUid(
      person("x", { displayName: "", name: { given: "dana", family: "SCULLY" }, emails: [] }),
    );
    const a = only(plan(unsynced([outlookItem("x", inOutlook)], [serverItem(server)])));
    assert.equal(a.uid, "s1");
    assert.equal(a.outlookId, "x");
  });

  it("does not pair two people with one name but different e-mail addresses", () => {
    const server = person("s1", { displayName: "John Smith", emails: [{ type: "work", address: "john@a.com" }] });
    const inOutlook = withoutUid(
      person("x", { displayName: "John Smith", emails: [{ type: "work", address: "john@b.com" }] }),
    );
    const p = plan(unsynced([outlookItem("x", inOutlook)], [serverItem(server)]));
    assert.deepEqual(p.actions.map((a) => a.row).sort(), ["outlook-new", "server-new"]);
  });

  it("does not guess when a primary e-mail is shared by two server items", () => {
    const twin1 = person("t1", { displayName: "T One", emails: [{ type: "work", address: "team@a.com" }] });
    const twin2 = person("t2", { displayName: "T Two", emails: [{ type: "work", address: "team@a.com" }] });
    const inOutlook = withoutUid(person("x", { displayName: "T", emails: [{ type: "work", address: "team@a.com" }] }));
    const p = plan(unsynced([outlookItem("x", inOutlook)], [serverItem(twin1), serverItem(twin2)]));
    assert.equal(p.actions.filter((a) => a.row.startsWith("matched")).length, 0);
  });

  const deskEmails = [{ type: "work" as const, address: "desk@acme.com" }];
  const desk = withoutUid(person("x", { displayName: "Acme Sales Desk", emails: deskEmails }));
  const colleague = person("bob-stone", { displayName: "Bob Stone", emails: deskEmails });
  const adding = (w: World, o: OutlookItem, s: ServerItem): World => ({
    ...w,
    outlook: [...w.outlook, o],
    server: [...w.server, s],
  });

  it("after the first sync never pairs new contacts by e-mail: a desk and a colleague on its address stay two", () => {
    const p = plan(adding(synced([alice]), outlookItem("desk", desk), serverItem(colleague)));
    assert.deepEqual(p.actions.map((a) => a.row).sort(), ["outlook-new", "server-new"]);
  });

  it("after the first sync never pairs two new contacts by name alone", () => {
    const dana = (uid: string) => person(uid, { displayName: "Dana Scully", emails: [] });
    const p = plan(adding(synced([alice]), outlookItem("d", withoutUid(dana("x"))), serverItem(dana("s1"))));
    assert.deepEqual(p.actions.map((a) => a.row).sort(), ["outlook-new", "server-new"]);
  });

  it("after the first sync still pairs a new Outlook item with a new server item by uid", () => {
    const a = only(plan(adding(synced([alice]), outlookItem("b", bob), serverItem(bob))));
    assert.deepEqual([a.row, a.uid, a.outlookId], ["matched-alike", "bob", "b"]);
  });

  it("on a first sync does not pair by e-mail two contacts whose names differ", () => {
    const p = plan(unsynced([outlookItem("desk", desk)], [serverItem(colleague)]));
    assert.deepEqual(p.actions.map((a) => a.row).sort(), ["outlook-new", "server-new"]);
  });

  it("on a first sync pairs by e-mail when one side has no name, or the names are the same words in any order", () => {
    const emails = [{ type: "work" as const, address: "bob@stone.com" }];
    const server = person("s1", { displayName: "Bob Stone", emails });
    const pairsWith = (input: Partial<ContactInput>) =>
      only(plan(unsynced([outlookItem("x", withoutUid(person("x", { emails, ...input })))], [serverItem(server)]))).uid;
    assert.equal(pairsWith({ displayName: "" }), "s1");
    assert.equal(pairsWith({ displayName: "Stone, Bob", emails: [{ type: "work", address: "Bob@Stone.com" }] }), "s1");
    assert.equal(pairsWith({ displayName: "", name: { given: "Bob", family: "Stone" } }), "s1");
  });

  it("on a first sync merges a matched pair with no base: conflicts by policy, list fields unioned", () => {
    const server = person("s1", {
      displayName: "Eve",
      jobTitle: "CFO",
      emails: [{ type: "work", address: "eve@a.com" }],
      phones: [{ type: "business", number: "+1 555 0101" }],
    });
    const inOutlook = withoutUid(
      person("x", {
        displayName: "Eve",
        jobTitle: "CEO",
        emails: [{ type: "work", address: "eve@a.com" }],
        phones: [{ type: "mobile", number: "+1 555 0199" }],
      }),
    );
    const p = plan(unsynced([outlookItem("x", inOutlook)], [serverItem(server)]));
    const a = only(p);
    assert.equal(a.row, "matched-merged");
    assert.equal(a.contact?.jobTitle, "CFO");
    assert.deepEqual(a.contact?.phones.map((ph) => ph.number).sort(), ["+1 555 0101", "+1 555 0199"]);
    assert.deepEqual(
      p.conflicts.map((c) => c.field),
      ["jobTitle"],
    );
    assert.equal(a.outlook, "update");
    assert.equal(a.server, "put");
  });
});

describe("reconcile: Outlook items stamped with a uid the server deleted (lost sync state)", () => {
  const stamped = (w: World): World => ({ ...w, deletedUids: ["bob"] });
  const lostState = stamped(
    unsynced(
      [
        { id: "o-bob", contact: bob },
        { id: "o-alice", contact: alice },
      ],
      [{ contact: alice, etag: "e" }],
    ),
  );

  it("does not upload again on a first sync a contact the server deleted: deletes it in Outlook once confirmed", () => {
    const p = plan(lostState);
    const a = p.actions.find((x) => x.uid === "bob");
    assert.deepEqual([a?.row, a?.outlook, a?.outlookId], ["server-deleted-before-status", "delete", "o-bob"]);
    assert.equal(a?.server, undefined);
    assert.deepEqual(p.deletions.outlook, [{ uid: "bob", name: "Person bob" }]);
    assert.deepEqual(p.refusals, [{ kind: "deleted-on-server", side: "outlook", uids: ["bob"] }]);
    assert.deepEqual(plan(lostState, { confirmedDeletes: { outlook: ["bob"], server: [] } }).refusals, []);
  });

  it("in pull mode deletes such a contact only when confirmed", () => {
    const p = plan(lostState, { mode: "pull" });
    assert.equal(p.actions.find((x) => x.uid === "bob")?.row, "server-deleted-before-status");
    assert.deepEqual(p.refusals, [{ kind: "deleted-on-server", side: "outlook", uids: ["bob"] }]);
    assert.deepEqual(p.unsynced, []);
    const confirmedDeletes = { outlook: ["bob"], server: [] };
    assert.deepEqual(plan(lostState, { mode: "pull", confirmedDeletes }).refusals, []);
  });

  it("in publish mode creates such a contact on the server again, without asking", () => {
    const p = plan(lostState, { mode: "publish" });
    const a = p.actions.find((x) => x.uid === "bob");
    assert.deepEqual([a?.row, a?.server, a?.outlook], ["publish-create-server", "put", undefined]);
    assert.deepEqual(p.refusals, []);
  });

  it("after the first sync uploads a contact the user brought back from Deleted Items", () => {
    const w = stamped(synced([alice]));
    const a = only(plan({ ...w, outlook: [...w.outlook, { id: "restored", contact: bob }] }));
    assert.deepEqual([a.row, a.server], ["outlook-new", "put"]);
  });
});

describe("reconcile: pull mode (read-only books)", () => {
  it("reverts an Outlook edit to the server's content", () => {
    const p = plan(editOutlook(synced([alice]), "alice", { jobTitle: "Hacker" }), { mode: "pull" });
    const a = only(p);
    assert.equal(a.row, "pull-revert-outlook");
    assert.equal(a.outlook, "update");
    assert.equal(a.contact?.jobTitle, "Engineer");
    assert.equal(writesServer(p), false);
  });

  it("restores a GAB contact a non-admin deleted in Outlook", () => {
    const p = plan(dropOutlook(synced([alice, bob]), "alice"), { mode: "pull" });
    const a = only(p);
    assert.equal(a.row, "pull-restore-outlook");
    assert.equal(a.outlook, "create");
    assert.equal(writesServer(p), false);
  });

  it("keeps a contact created in a read-only book's folder that was never on the server, naming it unsynced", () => {
    const p = plan(
      { ...synced([alice]), outlook: [...synced([alice]).outlook, { id: "new", contact: { ...bob, uid: undefined } }] },
      { mode: "pull" },
    );
    assert.deepEqual(p.actions, []);
    assert.deepEqual(p.unsynced, [{ outlookId: "new", name: "Person bob" }]);
    assert.equal(p.counts.outlook.deleted, 0);
    assert.deepEqual(p.deletions, { outlook: [], server: [] });
  });

  it("keeps a stamped contact made while a share was writable and never uploaded before it became read-only", () => {
    const w = synced([alice]);
    const p = plan({ ...w, outlook: [...w.outlook, { id: "made-while-writable", contact: bob }] }, { mode: "pull" });
    assert.deepEqual(p.actions, []);
    assert.deepEqual(p.unsynced, [{ outlookId: "made-while-writable", name: "Person bob" }]);
    assert.deepEqual(p.refusals, []);
  });

  it("keeps contacts a user added to the GAB's folder on the first pull sync too", () => {
    const w = unsynced([{ id: "mine", contact: { ...bob, uid: undefined } }], [{ contact: alice, etag: "e" }]);
    const p = plan(w, { mode: "pull" });
    assert.deepEqual(
      p.actions.map((a) => [a.row, a.outlook]),
      [["pull-create-outlook", "create"]],
    );
    assert.deepEqual(
      p.unsynced.map((u) => u.outlookId),
      ["mine"],
    );
  });

  it("passes server edits, deletes and conflicts to Outlook and never writes the server", () => {
    let w = synced([alice, bob, person("carol")]);
    w = editServer(w, "alice", { jobTitle: "CTO" });
    w = editOutlook(editServer(w, "carol", { company: "X" }), "carol", { company: "Y" });
    w = dropServer(w, "bob");
    const p = plan(w, { mode: "pull" });
    assert.equal(writesServer(p), false);
    assert.deepEqual(p.counts.outlook, { created: 0, updated: 2, deleted: 1 });
    assert.equal(p.actions.find((a) => a.uid === "carol")?.contact?.company, "X");
  });
});

describe("reconcile: publish mode (admin publishes a folder)", () => {
  it("makes the server book exactly the folder: server edits overwritten, server-only items deleted", () => {
    let w = synced([alice, bob]);
    w = editServer(w, "alice", { jobTitle: "Vandal" });
    w = { ...w, server: [...w.server, { contact: person("stray"), etag: "e" }] };
    const p = plan(w, { mode: "publish" });
    const byUid = new Map(p.actions.map((a) => [a.uid, a]));
    assert.equal(byUid.get("alice")?.row, "publish-overwrite-server");
    assert.equal(byUid.get("alice")?.contact?.jobTitle, "Engineer");
    assert.equal(byUid.get("stray")?.server, "delete");
    assert.equal(
      p.actions.some((a) => a.outlook && a.outlook !== "update"),
      false,
    );
  });

  it("publishes folder adds and deletes and recreates what was deleted on the server", () => {
    let w = synced([alice, bob, person("carol")]);
    w = dropOutlook(w, "alice");
    w = dropServer(w, "bob");
    w = { ...w, outlook: [...w.outlook, { id: "n", contact: { ...person("dan"), uid: undefined } }] };
    const p = plan(w, { mode: "publish" });
    assert.deepEqual(p.counts.server, { created: 2, updated: 0, deleted: 1 });
    assert.equal(p.counts.outlook.deleted, 0);
  });
});

describe("reconcile: safety", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => person(`p${i}`));

  it("never reads a missing item in an incomplete Outlook read as a deletion", () => {
    const p = plan(dropOutlook(synced([alice, bob]), "alice"), {}, { outlook: false, server: true });
    assert.deepEqual(p.actions, []);
    assert.equal(p.counts.deferred, 1);
  });

  it("creates nothing in Outlook from the server while the Outlook read is incomplete", () => {
    const w = synced([alice]);
    const p = plan({ ...w, server: [...w.server, { contact: bob, etag: "e" }] }, {}, { outlook: false, server: true });
    assert.deepEqual(p.actions, []);
  });

  it("never reads a missing item in an incomplete server read as a deletion, nor creates there", () => {
    const w = dropServer(synced([alice, bob]), "alice");
    const p = plan(
      { ...w, outlook: [...w.outlook, { id: "n", contact: { ...person("dan"), uid: undefined } }] },
      {},
      { outlook: true, server: false },
    );
    assert.deepEqual(p.actions, []);
    assert.equal(p.counts.deferred, 2);
  });

  it("still applies edits to items both reads returned when one read is incomplete", () => {
    const p = plan(
      editServer(synced([alice, bob]), "alice", { jobTitle: "CTO" }),
      {},
      { outlook: false, server: true },
    );
    assert.equal(only(p).row, "server-changed");
  });

  it("refuses when the Outlook folder that had items comes back empty", () => {
    const w = synced([alice, bob]);
    const p = plan({ ...w, outlook: [] });
    assert.deepEqual(
      p.refusals.find((r) => r.kind === "side-emptied"),
      { kind: "side-emptied", side: "outlook" },
    );
  });

  it("refuses when the server book that had items comes back empty, even in pull mode", () => {
    const w = synced([alice, bob]);
    assert.deepEqual(plan({ ...w, server: [] }, { mode: "pull" }).refusals[0], {
      kind: "side-emptied",
      side: "server",
    });
  });

  it("refuses deleting more than 10% and at least 5 items of a side, with the numbers", () => {
    let w = synced(many(40));
    for (let i = 0; i < 5; i++) w = dropOutlook(w, `p${i}`);
    const p = plan(w);
    assert.deepEqual(p.refusals, [{ kind: "mass-delete", side: "server", deletes: 5, total: 40, threshold: 4 }]);
    assert.equal(p.counts.server.deleted, 5);
  });

  it("allows 4 deletes, and 10% of a large side, without confirmation", () => {
    let small = synced(many(10));
    for (let i = 0; i < 4; i++) small = dropServer(small, `p${i}`);
    assert.deepEqual(plan(small).refusals, []);
    let large = synced(many(100));
    for (let i = 0; i < 10; i++) large = dropServer(large, `p${i}`);
    assert.deepEqual(plan(large).refusals, []);
    large = dropServer(large, "p10");
    assert.equal(plan(large).refusals[0]?.kind, "mass-delete");
  });

  it("honours a configured threshold", () => {
    let w = synced(many(10));
    for (let i = 0; i < 2; i++) w = dropServer(w, `p${i}`);
    assert.equal(plan(w, { massDelete: { ratio: 0.1, min: 2 } }).refusals[0]?.kind, "mass-delete");
  });

  it("proceeds with the same deletes once the caller confirms exactly those", () => {
    const w = { ...synced(many(10)), server: [] };
    const shown = plan(w);
    assert.deepEqual(shown.refusals.map((r) => r.kind).sort(), ["mass-delete", "side-emptied"]);
    const p = plan(w, { confirmedDeletes: { outlook: shown.deletions.outlook.map((d) => d.uid), server: [] } });
    assert.deepEqual(p.refusals, []);
    assert.equal(p.counts.outlook.deleted, 10);
  });

  it("refuses again when more was deleted after the user confirmed: 8 of 60 shown, 52 more gone since", () => {
    let w = synced(many(60));
    for (let i = 0; i < 8; i++) w = dropOutlook(w, `p${i}`);
    const shown = plan(w);
    assert.equal(shown.refusals[0]?.kind, "mass-delete");
    assert.equal(shown.deletions.server.length, 8);
    const confirmedDeletes = { outlook: [], server: shown.deletions.server.map((d) => d.uid) };
    assert.deepEqual(plan(w, { confirmedDeletes }).refusals, []);
    for (let i = 8; i < 60; i++) w = dropOutlook(w, `p${i}`);
    const p = plan(w, { confirmedDeletes });
    // Once confirmed, anything beyond what was shown is asked about, however few: threshold 0.
    const massDelete = { kind: "mass-delete", side: "server", deletes: 52, total: 60, threshold: 0 };
    assert.deepEqual(
      p.refusals.find((r) => r.kind === "mass-delete"),
      massDelete,
    );
    assert.ok(p.refusals.some((r) => r.kind === "side-emptied"));
    assert.equal(p.deletions.server.length, 60);
  });

  it("refuses a confirmed plan that deletes even one contact the user was not shown", () => {
    let w = synced(many(60));
    for (let i = 0; i < 8; i++) w = dropOutlook(w, `p${i}`);
    const confirmedDeletes = { outlook: [], server: plan(w).deletions.server.map((d) => d.uid) };
    w = dropOutlook(w, "p8");
    const p = plan(w, { confirmedDeletes });
    assert.deepEqual(p.refusals, [{ kind: "mass-delete", side: "server", deletes: 1, total: 60, threshold: 0 }]);
  });

  it("lists each deletion per side with the name of the contact it deletes", () => {
    const named = [
      person("d1", { displayName: "Dora Display" }),
      person("d2", { displayName: "", name: { given: "Gus", family: "Given" } }),
      person("d3", { displayName: "", emails: [{ type: "work", address: "only@mail.com" }] }),
      person("d4", { displayName: "", emails: [] }),
    ];
    let w = synced([...named, alice]);
    for (const c of named.slice(0, 2)) w = dropServer(w, c.uid);
    for (const c of named.slice(2)) w = dropOutlook(w, c.uid);
    const p = plan(w);
    assert.deepEqual(p.deletions.outlook, [
      { uid: "d1", name: "Dora Display" },
      { uid: "d2", name: "Gus Given" },
    ]);
    assert.deepEqual(p.deletions.server, [
      { uid: "d3", name: "only@mail.com" },
      { uid: "d4", name: "d4" },
    ]);
  });

  it("marks a dry-run plan and still counts what it would do", () => {
    const p = plan(editOutlook(synced([alice]), "alice", { jobTitle: "CTO" }), { dryRun: true });
    assert.equal(p.dryRun, true);
    assert.equal(p.counts.server.updated, 1);
  });

  it("keeps syncing a contact copied in Outlook, and gives the copy a fresh uid and creates it on the server", () => {
    const w = editServer(synced([alice, bob]), "alice", { jobTitle: "CTO" });
    const p = plan({ ...w, outlook: [...w.outlook, { id: "copy", contact: alice }] });
    assert.deepEqual(p.quarantined, []);
    const original = p.actions.find((a) => a.uid === "alice");
    assert.deepEqual([original?.row, original?.outlook, original?.outlookId], ["server-changed", "update", "o-alice"]);
    const copy = p.actions.find((a) => a.outlookId === "copy");
    assert.equal(copy?.row, "outlook-new");
    assert.equal(copy?.uid, uidForOutlookItem("copy"));
    assert.equal(copy?.contact?.uid, uidForOutlookItem("copy"));
    assert.equal(copy?.contact?.jobTitle, "Engineer");
    assert.deepEqual([copy?.server, copy?.serverCreates, copy?.outlook], ["put", true, "update"]);
  });

  it("keeps a copy of a read-only book's contact as unsynced, and publishes a copy in publish mode", () => {
    const w = synced([alice]);
    const copied = { ...w, outlook: [...w.outlook, { id: "copy", contact: alice }] };
    const pulled = plan(copied, { mode: "pull" });
    assert.deepEqual([pulled.actions, pulled.quarantined], [[], []]);
    assert.deepEqual(pulled.unsynced, [{ outlookId: "copy", name: "Person alice" }]);
    const published = only(plan(copied, { mode: "publish" }));
    assert.deepEqual([published.row, published.server], ["publish-create-server", "put"]);
    assert.equal(published.uid, uidForOutlookItem("copy"));
  });

  it("quarantines a uid twice in Outlook when neither item is the one the status knows (moved and copied)", () => {
    const w = editServer(synced([alice, bob]), "alice", { jobTitle: "CTO" });
    const moved = w.outlook.map((i) => (i.id === "o-alice" ? { ...i, id: "moved" } : i));
    const p = plan({ ...w, outlook: [...moved, { id: "copy", contact: alice }] });
    const quarantine = { uid: "alice", side: "outlook", reason: "duplicate-uid", outlookIds: ["moved", "copy"] };
    assert.deepEqual(p.quarantined, [quarantine]);
    assert.deepEqual(p.actions, []);
  });

  it("quarantines a uid found twice on the server and plans nothing for it", () => {
    const p = plan(
      unsynced(
        [{ id: "x", contact: bob }],
        [
          { contact: bob, etag: "1" },
          { contact: { ...bob, company: "B" }, etag: "2" },
        ],
      ),
    );
    assert.deepEqual(p.quarantined, [{ uid: "bob", side: "server", reason: "duplicate-uid" }]);
    assert.deepEqual(p.actions, []);
  });

  it("quarantines an Outlook uid the Contact model would reject", () => {
    const p = plan(unsynced([{ id: "x", contact: { ...bob, uid: "a/b" } }], []));
    assert.equal(p.quarantined[0]?.reason, "invalid-uid");
    assert.deepEqual(p.actions, []);
  });

  it("counts created, updated and deleted per side", () => {
    let w = synced([alice, bob, person("carol")]);
    w = editOutlook(w, "alice", { jobTitle: "CTO" });
    w = dropServer(w, "bob");
    w = { ...w, server: [...w.server, { contact: person("dan"), etag: "d" }] };
    const p = plan(w);
    assert.deepEqual(p.counts, {
      outlook: { created: 1, updated: 0, deleted: 1 },
      server: { created: 0, updated: 1, deleted: 0 },
      conflicts: 0,
      unchanged: 1,
      deferred: 0,
    });
  });
});
