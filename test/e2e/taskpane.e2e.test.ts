// The built task pane in headless Chromium, served by the real server, syncing with a fake Graph
// mailbox: sign in, pair books with folders, Sync now, edits on both sides, Sync now again.
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { byName, outlookContacts, person, serverContacts, type Account } from "./support/stack";
import {
  assertFits,
  openPane,
  pickFolder,
  roamedSettings,
  screenshot,
  signIn,
  syncsFinished,
  paneStack,
} from "./pane-harness";

describe("task pane in Chromium: sign in, pair, sync both ways", function () {
  this.timeout(240_000);
  const env = paneStack();

  async function editOnServer(who: Account, book: string, uid: string, change: Record<string, unknown>) {
    const url = `${env.stack.serverUrl}/api/books/${book}/contacts/${encodeURIComponent(uid)}`;
    const current = await fetch(url, { headers: { authorization: `Bearer ${who.token}`, accept: "application/json" } });
    assert.equal(current.status, 200);
    const { etag, contact } = (await current.json()) as { etag: string; contact: Record<string, unknown> };
    const put = await fetch(url, {
      method: "PUT",
      headers: { authorization: `Bearer ${who.token}`, "content-type": "application/json", "if-match": `"${etag}"` },
      body: JSON.stringify({ ...contact, ...change }),
    });
    assert.equal(put.status, 200, await put.text());
  }

  const resultOf = (page: Page, bookId: string): Locator => page.locator(`[data-result="${bookId}"]`);

  it("signs in, pulls the GAB, pairs the PAB with an existing folder, and merges edits from both sides", async () => {
    const admin = await env.stack.account("root", true);
    const ann = await env.stack.account("ann");
    await admin.api.applyBatch("gab", [
      {
        op: "put",
        uid: "gab-hana",
        contact: {
          uid: "gab-hana",
          displayName: "Hana Ito",
          jobTitle: "CEO",
          emails: [],
          phones: [],
          addresses: [],
          urls: [],
          im: [],
          categories: [],
          extra: [],
        },
      },
      {
        op: "put",
        uid: "gab-ivan",
        contact: {
          uid: "gab-ivan",
          displayName: "Ivan Roe",
          jobTitle: "CFO",
          emails: [],
          phones: [],
          addresses: [],
          urls: [],
          im: [],
          categories: [],
          extra: [],
        },
      },
    ]);
    await ann.api.applyBatch(ann.primary.id, [
      {
        op: "put",
        uid: "pab-sam",
        contact: {
          uid: "pab-sam",
          displayName: "Sam Server",
          jobTitle: "Buyer",
          emails: [{ type: "work", address: "sam@example.com" }],
          phones: [],
          addresses: [],
          urls: [],
          im: [],
          categories: [],
          extra: [],
        },
      },
    ]);
    const box = await env.stack.mailbox();
    const clients = box.graph.addFolder("Clients");
    box.graph.addContact(clients.id, person("Olga", "Outlook", { jobTitle: "Designer" }));
    box.graph.addContact(clients.id, person("Paul", "Outlook"));

    const pane = await openPane(env.browser, env.stack, box);
    const { page } = pane;
    assert.equal(pane.officeJsLoads.length, 1, "the page asks for office/office.js from its own origin");

    // Sign in through the form: the server address is the pane's own origin; the user name in any case.
    assert.equal(await page.getByLabel("Concord server").inputValue(), env.stack.serverUrl);
    await signIn(page, "ANN", ann.password);

    // The setup step lists every book; nothing syncs before Start syncing.
    await page.getByRole("button", { name: "Start syncing" }).waitFor();
    assert.deepEqual(
      await page.locator("[data-setup]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-setup"))),
      ann.books.map((b) => b.id),
    );
    assert.equal(pane.syncStarts.count, 0);
    assert.deepEqual(
      [...box.graph.mailbox.folders.values()].map((f) => f.displayName),
      ["Clients"],
    );
    // The PAB goes into the existing "Clients" folder, picked from the folders Outlook has.
    await pickFolder(page, ann.primary.id, "Clients");
    await assertFits(page, "setup");
    await page.getByRole("button", { name: "Start syncing" }).click();
    await syncsFinished(pane, 0, ann.books.length);

    assert.deepEqual(
      await page.locator("[data-book]").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-book"))),
      ann.books.map((b) => b.id),
    );
    const gabCard = page.locator('[data-book="gab"]');
    assert.match(await gabCard.innerText(), /Read-only/);
    assert.match(await gabCard.innerText(), /Mode: Outlook follows the server/);
    // Each book is now paired with its folder by id; the card names the folder.
    assert.match(await gabCard.innerText(), /Folder: “Global Address Book”/);
    assert.match(await gabCard.innerText(), /Last sync .*: done/);
    const folders = new Map([...box.graph.mailbox.folders.values()].map((f) => [f.displayName, f.id]));
    const gabFolder = folders.get("Global Address Book")!;
    assert.ok(gabFolder, "the GAB's folder was created");
    assert.deepEqual([...byName(outlookContacts(box.graph, gabFolder)).keys()].sort(), ["Hana Ito", "Ivan Roe"]);

    const roamed = await roamedSettings(page);
    assert.equal(roamed.pairs.gab.folderId, gabFolder, "the pairing roams with the mailbox, by folder id");
    assert.equal(roamed.serverUrl, env.stack.serverUrl);
    assert.equal(roamed.username, "ann");
    const pabPair = roamed.pairs[ann.primary.id];
    assert.equal(pabPair.folderId, clients.id, "paired with Clients by id");
    const pabCard = page.locator(`[data-book="${ann.primary.id}"]`);
    assert.match(await pabCard.innerText(), /Read & write/);
    assert.match(await pabCard.innerText(), /Folder: “Clients”/);
    let server = byName(await serverContacts(ann.api, ann.primary.id));
    assert.deepEqual([...server.keys()].sort(), ["Olga Outlook", "Paul Outlook", "Sam Server"]);
    assert.equal(server.get("Olga Outlook")!.jobTitle, "Designer");
    let outlook = byName(outlookContacts(box.graph, clients.id));
    assert.deepEqual([...outlook.keys()].sort(), ["Olga Outlook", "Paul Outlook", "Sam Server"]);
    for (const [name, item] of outlook) assert.equal(item.uid, server.get(name)!.uid, `${name} carries its server uid`);
    // The two Outlook contacts count as updated in Outlook too: each gets its Concord uid stamped.
    assert.match(
      await resultOf(page, ann.primary.id).innerText(),
      /Outlook: 1 added, 2 updated, 0 deleted\s+Server: 2 added, 0 updated, 0 deleted/,
    );

    // Edits: on the server over REST, in Outlook as the user.
    await editOnServer(ann, ann.primary.id, "pab-sam", { jobTitle: "Head buyer" });
    await editOnServer(admin, "gab", "gab-hana", { jobTitle: "Chair" });
    box.graph.editContact(outlook.get("Olga Outlook")!.id, {
      jobTitle: "Art director",
      mobilePhone: "+44 7700 900123",
    });
    box.graph.deleteContact(outlook.get("Paul Outlook")!.id);
    box.graph.addContact(clients.id, person("Quinn", "New"));
    const gabInOutlook = byName(outlookContacts(box.graph, gabFolder));
    box.graph.editContact(gabInOutlook.get("Ivan Roe")!.id, { jobTitle: "Edited locally" });

    const from = pane.syncStarts.count;
    await page.getByRole("button", { name: "Sync now" }).click();
    await syncsFinished(pane, from, ann.books.length);

    server = byName(await serverContacts(ann.api, ann.primary.id));
    assert.deepEqual([...server.keys()].sort(), ["Olga Outlook", "Quinn New", "Sam Server"]);
    assert.equal(server.get("Sam Server")!.jobTitle, "Head buyer");
    assert.equal(server.get("Olga Outlook")!.jobTitle, "Art director");
    assert.deepEqual(
      server.get("Olga Outlook")!.phones.map((p) => p.number),
      ["+44 7700 900123"],
    );
    outlook = byName(outlookContacts(box.graph, clients.id));
    assert.deepEqual([...outlook.keys()].sort(), ["Olga Outlook", "Quinn New", "Sam Server"]);
    assert.equal(outlook.get("Sam Server")!.properties.jobTitle, "Head buyer");
    for (const [name, item] of outlook) assert.equal(item.uid, server.get(name)!.uid, `${name} carries its server uid`);
    const gab = byName(outlookContacts(box.graph, gabFolder));
    assert.deepEqual([...gab.keys()].sort(), ["Hana Ito", "Ivan Roe"]);
    assert.equal(gab.get("Hana Ito")!.properties.jobTitle, "Chair", "the admin's GAB edit reached Outlook");
    assert.equal(gab.get("Ivan Roe")!.properties.jobTitle, "CFO", "a local edit of a GAB contact is reverted");
    assert.equal(byName(await serverContacts(admin.api, "gab")).get("Ivan Roe")!.jobTitle, "CFO");

    // Outlook: Sam's new title, and Quinn's uid stamp. Server: Quinn, Olga's edit, Paul's delete.
    assert.match(
      await resultOf(page, ann.primary.id).innerText(),
      /Outlook: 0 added, 2 updated, 0 deleted\s+Server: 1 added, 1 updated, 1 deleted/,
    );
    assert.match(await resultOf(page, "gab").innerText(), /Outlook: 0 added, 2 updated, 0 deleted/);
    assert.doesNotMatch(await page.locator('[aria-label="Sync results"]').innerText(), /Not synced \(|error/i);
    // The local edit of a read-only GAB contact was put back: the result names it and keeps the text.
    assert.match(
      await resultOf(page, "gab").innerText(),
      /server's version was put back: Ivan Roe[\s\S]*Job title: Edited locally/,
    );

    await assertFits(page, "after sync");
    await screenshot(page, "taskpane-after-sync");
    assert.deepEqual(pane.problems, []);
    await pane.close();
  });
});
