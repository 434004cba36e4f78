import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { concordUidPropertyId } from "../../core/formats/outlook/graph-contact";
import { createGraphStore, GraphError, type GraphStoreOptions } from "../../addin/outlook/graph-store";
import { createFakeGraph, type FakeGraph, type FakeGraphOptions } from "../fakes/fake-graph";

type Harness = {
  graph: FakeGraph;
  store: ReturnType<typeof createGraphStore>;
  sleeps: number[];
  baseUrl: string;
  close: () => Promise<void>;
};

const servers: Server[] = [];

async function start(
  fakeOptions: FakeGraphOptions = {},
  storeOptions: Partial<GraphStoreOptions> = {},
): Promise<Harness> {
  const graph = createFakeGraph(fakeOptions);
  const server = await new Promise<Server>((resolve) => {
    const listening = graph.app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  servers.push(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`;
  const sleeps: number[] = [];
  const store = createGraphStore({
    getToken: async () => graph.token,
    baseUrl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...storeOptions,
  });
  return { graph, store, sleeps, baseUrl, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

after(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const person = (n: number) => ({ displayName: `Person ${n}`, givenName: "Person", surname: String(n) });
const uidProperty = (uid: string) => ({ [concordUidPropertyId]: uid });
const deltaCalls = (graph: FakeGraph) => graph.mailbox.requests.filter((r) => r.path.includes("/contacts/delta"));

describe("Graph contact store against the fake Graph", () => {
  describe("folders", () => {
    it("creates a missing folder once and finds it by display name afterwards", async () => {
      const { graph, store } = await start();
      const first = await store.ensureFolder("Concord – O'Brien & Co");
      const second = await store.ensureFolder("Concord – O'Brien & Co");
      assert.equal(second.id, first.id);
      assert.equal(graph.mailbox.folders.size, 1);
      assert.equal(graph.mailbox.requests.filter((r) => r.method === "POST").length, 1);
    });

    it("lists the mailbox's contact folders", async () => {
      const { graph, store } = await start();
      graph.addFolder("GAB");
      graph.addFolder("Team");
      assert.deepEqual((await store.listFolders()).map((f) => f.name).sort(), ["GAB", "Team"]);
    });
  });

  describe("the main Contacts folder", () => {
    it("names it by the parentFolderId its subfolders carry, with its display name", async () => {
      const { graph, store } = await start();
      graph.addFolder("Team");
      assert.deepEqual(await store.mainFolder(), { id: graph.mailbox.mainFolderId, name: "Contacts" });
    });

    it("names it by the parentFolderId of a contact in it when it has no subfolders", async () => {
      const { graph, store } = await start();
      graph.addContact(graph.mailbox.mainFolderId, person(1));
      assert.deepEqual(await store.mainFolder(), { id: graph.mailbox.mainFolderId, name: "Contacts" });
    });

    it("offers none when it holds neither a subfolder nor a contact", async () => {
      const { store } = await start();
      assert.equal(await store.mainFolder(), undefined);
    });

    it("reads and writes the main folder like any other, by its id", async () => {
      const { graph, store } = await start();
      graph.addContact(graph.mailbox.mainFolderId, person(1));
      const main = (await store.mainFolder())!;
      const read = await store.readFolder(main.id);
      assert.deepEqual(
        read.items.map((i) => i.wire.displayName),
        ["Person 1"],
      );
      await store.create(main.id, person(2), "uid-2");
      assert.equal(graph.mailbox.contactsIn(main.id).length, 2);
      assert.equal(graph.mailbox.folders.size, 0, "no subfolder was made");
    });
  });

  describe("reading a folder with delta", () => {
    it("follows nextLink across pages to the deltaLink and returns every contact with its uid", async () => {
      const { graph, store } = await start({}, { pageSize: 10 });
      const folder = graph.addFolder("GAB");
      for (let n = 0; n < 25; n++) graph.addContact(folder.id, person(n), uidProperty(`uid-${n}`));
      const progress: number[] = [];

      const read = await store.readFolder(folder.id, undefined, (count) => progress.push(count));

      assert.equal(read.full, true);
      assert.equal(read.items.length, 25);
      assert.deepEqual(read.removed, []);
      assert.deepEqual(progress, [10, 20, 25]);
      assert.equal(deltaCalls(graph).length, 3);
      assert.ok(deltaCalls(graph).every((r) => r.prefer.includes("odata.maxpagesize=10")));
      const byName = new Map(read.items.map((item) => [item.wire.displayName, item]));
      assert.equal(byName.get("Person 7")?.concordUid, "uid-7");
      assert.match(read.state, /deltatoken/);
    });

    it("reports only what changed since the state: edits, additions and @removed deletions", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const kept = graph.addContact(folder.id, person(1));
      const edited = graph.addContact(folder.id, person(2));
      const deleted = graph.addContact(folder.id, person(3));
      const first = await store.readFolder(folder.id);
      const changeKeyBefore = first.items.find((i) => i.id === edited.id)?.changeKey;

      graph.editContact(edited.id, { jobTitle: "Buyer" });
      graph.deleteContact(deleted.id);
      const added = graph.addContact(folder.id, person(4));
      const second = await store.readFolder(folder.id, first.state);

      assert.equal(second.full, false);
      assert.deepEqual(second.items.map((i) => i.id).sort(), [edited.id, added.id].sort());
      assert.deepEqual(second.removed, [deleted.id]);
      const editedItem = second.items.find((i) => i.id === edited.id);
      assert.equal(editedItem?.wire.jobTitle, "Buyer");
      assert.notEqual(editedItem?.changeKey, changeKeyBefore);
      assert.ok(!second.items.some((i) => i.id === kept.id));
    });

    it("reports the deletion of a contact it created after the state it is given, though delta omits it", async () => {
      const { graph, store, baseUrl } = await start();
      const folder = graph.addFolder("GAB");
      const kept = graph.addContact(folder.id, person(1));
      const first = await store.readFolder(folder.id);
      const created = await store.create(folder.id, person(2), "uid-2");
      const createdAndKept = await store.create(folder.id, person(3), "uid-3");
      graph.deleteContact(created.id);

      const next = await store.readFolder(folder.id, first.state);

      assert.deepEqual(next.removed, [created.id]);
      assert.deepEqual(
        next.items.map((i) => i.id),
        [createdAndKept.id],
      );
      // Another pane session has no memory of the create: the item is at least never reported present.
      const fresh = createGraphStore({ getToken: async () => graph.token, baseUrl, sleep: async () => {} });
      const other = await fresh.readFolder(folder.id, first.state);
      assert.ok(!other.items.some((i) => i.id === created.id));
      assert.ok(!other.items.some((i) => i.id === kept.id));
    });

    it("returns nothing and a fresh state when nothing changed", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      graph.addContact(folder.id, person(1));
      const first = await store.readFolder(folder.id);
      const second = await store.readFolder(folder.id, first.state);
      assert.deepEqual([second.items, second.removed, second.full], [[], [], false]);
      assert.notEqual(second.state, first.state);
    });

    it("keeps the last copy of an item Graph replays within one round", async () => {
      const { graph, baseUrl } = await start({ replay: true });
      const folder = graph.addFolder("GAB");
      const people = Array.from({ length: 7 }, (_, n) => graph.addContact(folder.id, person(n)));
      // The user edits every contact in Outlook while the first page is in flight; the item Graph
      // replays at the top of page 2 comes back edited, the others of page 1 do not.
      let deltaPages = 0;
      const editingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).includes("/contacts/delta") && ++deltaPages === 1) {
          for (const p of people) graph.editContact(p.id, { jobTitle: "edited" });
        }
        return response;
      };
      const store = createGraphStore({ getToken: async () => graph.token, baseUrl, fetch: editingFetch, pageSize: 3 });

      const read = await store.readFolder(folder.id);

      assert.equal(read.items.length, 7);
      assert.equal(new Set(read.items.map((i) => i.id)).size, 7);
      const replayedId = people[2].id; // last item of page 1
      assert.equal(read.items.find((i) => i.id === replayedId)?.wire.jobTitle, "edited");
      assert.equal(read.items.find((i) => i.id === people[0].id)?.wire.jobTitle, undefined);
    });

    for (const code of ["syncStateNotFound", "resyncRequired"] as const) {
      it(`reads the whole folder again when Graph answers 410 ${code} for the delta token`, async () => {
        const { graph, store } = await start();
        const folder = graph.addFolder("GAB");
        graph.addContact(folder.id, person(1));
        const first = await store.readFolder(folder.id);
        graph.expireDeltaTokens(code);
        graph.addContact(folder.id, person(2));

        const second = await store.readFolder(folder.id, first.state);

        assert.equal(second.full, true);
        assert.deepEqual(second.items.map((i) => i.wire.displayName).sort(), ["Person 1", "Person 2"]);
        assert.ok(
          graph.mailbox.requests.some((r) => r.path.includes("$deltatoken")),
          "tried the old token first",
        );
        const third = await store.readFolder(folder.id, second.state);
        assert.equal(third.full, false);
      });
    }

    it("reads the whole folder when the state is not one it wrote", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      graph.addContact(folder.id, person(1));
      const read = await store.readFolder(folder.id, "not json");
      assert.equal(read.full, true);
      assert.equal(read.items.length, 1);
    });

    it("still reads uids through a folder listing when delta refuses the extended-property $expand", async () => {
      const { graph, store } = await start({ deltaRejectsExpand: true });
      const folder = graph.addFolder("GAB");
      const a = graph.addContact(folder.id, person(1), uidProperty("uid-a"));
      graph.addContact(folder.id, person(2));

      const first = await store.readFolder(folder.id);
      assert.equal(first.items.find((i) => i.id === a.id)?.concordUid, "uid-a");
      assert.equal(first.items.length, 2);

      graph.editContact(a.id, { jobTitle: "Buyer" });
      const second = await store.readFolder(folder.id, first.state);
      assert.deepEqual(
        second.items.map((i) => [i.id, i.concordUid]),
        [[a.id, "uid-a"]],
      );
    });
  });

  describe("reading items by id", () => {
    it("reads given contacts with their uid; deleted ones and ones moved to another folder are missing", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const other = graph.addFolder("Archive");
      const kept = graph.addContact(folder.id, person(1), uidProperty("uid-1"));
      const deleted = graph.addContact(folder.id, person(2));
      const moved = graph.addContact(folder.id, person(3));
      graph.deleteContact(deleted.id);
      graph.moveContact(moved.id, other.id);

      const read = await store.getItems(folder.id, [kept.id, deleted.id, moved.id]);

      const summary = read.items.map((i) => [i.id, i.concordUid, i.wire.displayName]);
      assert.deepEqual(summary, [[kept.id, "uid-1", "Person 1"]]);
      assert.equal(read.items[0]!.changeKey, kept.changeKey);
      assert.deepEqual(read.missing.sort(), [deleted.id, moved.id].sort());
    });

    it("reads 45 contacts in three JSON batches of at most 20", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const ids = Array.from({ length: 45 }, (_, n) => graph.addContact(folder.id, person(n)).id);
      const read = await store.getItems(folder.id, ids);
      assert.equal(read.items.length, 45);
      assert.deepEqual(read.missing, []);
      assert.equal(graph.mailbox.requests.filter((r) => r.path.endsWith("/$batch")).length, 3);
      assert.equal(graph.mailbox.requests.length, 3);
    });
  });

  describe("writing", () => {
    it("stores the Concord uid on the new Outlook item as a single-value extended property", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const created = await store.create(
        folder.id,
        { displayName: "Ada Lovelace", emailAddresses: [{ address: "ada@example.org" }] },
        "uid-ada",
      );

      const stored = graph.mailbox.contacts.get(created.id);
      assert.equal(stored?.properties.displayName, "Ada Lovelace");
      assert.deepEqual([...(stored?.extended.values() ?? [])], ["uid-ada"]);
      assert.equal(created.concordUid, "uid-ada");
      const read = await store.readFolder(folder.id);
      assert.equal(read.items[0].concordUid, "uid-ada");
    });

    it("leaves one item when two Outlooks of the mailbox create the same Concord uid in one folder", async () => {
      const { graph, store, baseUrl } = await start();
      const otherDevice = createGraphStore({ getToken: async () => graph.token, baseUrl, sleep: async () => {} });
      const folder = graph.addFolder("GAB");
      const elsewhere = graph.addFolder("Other");
      await store.create(elsewhere.id, { displayName: "Same uid, other folder" }, "uid-ada");

      const first = await store.create(folder.id, { displayName: "Ada" }, "uid-ada");
      const second = await otherDevice.create(folder.id, { displayName: "Ada Lovelace" }, "uid-ada");

      assert.equal(second.id, first.id);
      assert.equal(second.concordUid, "uid-ada");
      const inFolder = graph.mailbox.contactsIn(folder.id);
      assert.deepEqual(
        inFolder.map((c) => c.properties.displayName),
        ["Ada Lovelace"],
      );
      assert.equal(graph.mailbox.contactsIn(elsewhere.id).length, 1);
      const lookup = "singleValueExtendedProperties/Any(ep: ep/id eq ";
      assert.ok(graph.mailbox.requests.some((r) => decodeURIComponent(r.path).includes(lookup)));
    });

    it("creates a second item for a uid that differs only in case", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      await store.create(folder.id, { displayName: "A" }, "uid-abc");
      await store.create(folder.id, { displayName: "B" }, "UID-ABC");
      assert.equal(graph.mailbox.contactsIn(folder.id).length, 2);
    });

    it("surfaces Graph's 400 when Outlook cannot hold a 4th e-mail address, and stores nothing", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const emails = ["a", "b", "c", "d"].map((x) => ({ address: `${x}@example.org` }));
      await assert.rejects(
        store.create(folder.id, { displayName: "Four", emailAddresses: emails }, "uid-4"),
        (error: unknown) => {
          assert.ok(error instanceof GraphError);
          assert.equal(error.status, 400);
          assert.equal(error.code, "ErrorInvalidArgument");
          return true;
        },
      );
      assert.equal(graph.mailbox.contacts.size, 0);
    });

    it("updates with If-Match on the changeKey and gets the item's new changeKey back", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const contact = graph.addContact(folder.id, person(1));
      const before = contact.changeKey;

      const updated = await store.update(contact.id, { displayName: "Person One", jobTitle: "CFO" }, "uid-1", before);

      assert.notEqual(updated.changeKey, before);
      assert.equal(updated.changeKey, graph.mailbox.contacts.get(contact.id)?.changeKey);
      assert.equal(graph.mailbox.contacts.get(contact.id)?.properties.jobTitle, "CFO");
      assert.equal(updated.concordUid, "uid-1");
      assert.ok(graph.mailbox.requests.some((r) => r.method === "PATCH"));
    });

    it("refuses to overwrite an item the user edited in Outlook since it was read (412)", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const contact = graph.addContact(folder.id, person(1));
      const readChangeKey = contact.changeKey;
      graph.editContact(contact.id, { jobTitle: "typed in Outlook" });

      await assert.rejects(
        store.update(contact.id, { jobTitle: "from server" }, "uid-1", readChangeKey),
        (error: unknown) => {
          assert.ok(error instanceof GraphError);
          assert.equal(error.status, 412);
          return true;
        },
      );
      assert.equal(graph.mailbox.contacts.get(contact.id)?.properties.jobTitle, "typed in Outlook");
    });

    it("deletes an item, and deleting it again is not an error", async () => {
      const { graph, store } = await start();
      const folder = graph.addFolder("GAB");
      const contact = graph.addContact(folder.id, person(1));
      await store.remove(contact.id);
      assert.equal(graph.mailbox.contacts.has(contact.id), false);
      await store.remove(contact.id);
    });
  });

  describe("ids, auth and throttling", () => {
    it("asks for immutable ids on every request, so an item keeps its id when moved", async () => {
      const { graph, store, baseUrl } = await start();
      const folder = graph.addFolder("GAB");
      const other = graph.addFolder("Archive");
      const created = await store.create(folder.id, person(1), "uid-1");
      await store.readFolder(folder.id);
      graph.moveContact(created.id, other.id);
      const read = await store.readFolder(other.id);

      assert.deepEqual(
        read.items.map((i) => i.id),
        [created.id],
      );
      assert.equal(graph.mailbox.requests.length, 4, "create (the uid lookup, then the POST) and two reads");
      for (const request of graph.mailbox.requests) assert.match(request.prefer, /IdType="ImmutableId"/, request.path);
      // Without the header the same item answers with a regular id, one that changed with the move.
      const plain = await fetch(`${baseUrl}/me/contacts/${created.id}`, {
        headers: { authorization: `Bearer ${graph.token}` },
      });
      assert.notEqual((await plain.json()).id, created.id);
    });

    it("sends the bearer token, and reports Graph's 401 when the token is refused", async () => {
      const { graph, store, baseUrl } = await start();
      await store.listFolders();
      assert.ok(graph.mailbox.requests.every((r) => r.authorization === `Bearer ${graph.token}`));

      const badStore = createGraphStore({ getToken: async () => "stolen", baseUrl });
      await assert.rejects(
        badStore.listFolders(),
        (error: unknown) => error instanceof GraphError && error.status === 401,
      );
    });

    it("waits the Retry-After seconds on 429 and then succeeds", async () => {
      const { graph, store, sleeps } = await start();
      const folder = graph.addFolder("GAB");
      graph.addContact(folder.id, person(1));
      graph.throttle(2, 7);

      const read = await store.readFolder(folder.id);

      assert.equal(read.items.length, 1);
      assert.deepEqual(sleeps, [7000, 7000]);
    });

    it("backs off exponentially on a 503 without Retry-After", async () => {
      const { graph, store, sleeps } = await start();
      graph.throttle(2, undefined, 503);
      await store.listFolders();
      assert.deepEqual(sleeps, [1000, 2000]);
    });

    it("gives up after a bounded number of attempts and reports the 429", async () => {
      const { graph, sleeps, baseUrl } = await start();
      graph.throttle(10, 1);
      const store = createGraphStore({
        getToken: async () => graph.token,
        baseUrl,
        attempts: 3,
        sleep: async (ms) => void sleeps.push(ms),
      });

      await assert.rejects(
        store.listFolders(),
        (error: unknown) => error instanceof GraphError && error.status === 429,
      );
      assert.equal(graph.mailbox.requests.length, 3);
      assert.equal(sleeps.length, 2);
    });
  });
});
