// The built task pane in headless Chromium, served by the real server, syncing with a fake Graph
// mailbox: sign in, pair books with folders, Sync now, edits on both sides, Sync now again.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { ensureAddinBuilt } from "./support/addin-build";
import { officeJsReplacement, officeStubScript } from "./support/office-stub";
import { byName, outlookContacts, person, serverContacts, startStack, type Account, type Mailbox, type Stack } from "./support/stack";

const artifacts = join(process.cwd(), "test-artifacts");
const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"];

describe("task pane in Chromium: sign in, pair, sync both ways", function () {
  this.timeout(240_000);
  let stack: Stack;
  let browser: Browser;

  before(async function () {
    const addinDir = ensureAddinBuilt();
    stack = await startStack({ addinDir });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A page with the Office stub, the real office.js swapped out, and every page error kept. */
  async function openPane(box: Mailbox) {
    const context = await browser.newContext({ viewport: { width: 420, height: 1000 } });
    await context.addInitScript({ content: officeStubScript({ hooks: { graphToken: box.graph.token, graphBaseUrl: box.graphUrl } }) });
    const officeJsLoads: string[] = [];
    await context.route("**/office/office.js", (route) => {
      officeJsLoads.push(route.request().url());
      return route.fulfill({ contentType: "application/javascript", body: officeJsReplacement });
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    // Failed loads are judged by their responses below, where the URL is known.
    page.on("console", (message) => void (message.type() === "error" && !message.text().startsWith("Failed to load resource") && problems.push(`console: ${message.text()}`)));
    page.on("response", (response) => {
      // A pair's first sync finds no saved state: 404 is the API's answer for that (server/routes/sync-state.ts).
      const firstSync = response.status() === 404 && response.request().method() === "GET" && response.url().includes("/api/sync-state/");
      if (response.status() >= 400 && !firstSync) problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    // One GET of a pair's sync state starts each book's sync (addin/sync/sync-session.ts, "loading").
    const syncStarts = { count: 0 };
    page.on("request", (request) => void (request.method() === "GET" && request.url().includes("/api/sync-state/") && syncStarts.count++));
    await page.goto(`${stack.serverUrl}/taskpane.html`);
    return { page, problems, officeJsLoads, syncStarts, close: () => context.close() };
  }

  /** Waits until `books` more syncs have started and the pane is idle again (Sync now enabled). */
  async function syncsFinished(page: Page, syncStarts: { count: number }, from: number, books: number) {
    const button = page.getByRole("button", { name: "Sync now" });
    const deadline = Date.now() + 60_000;
    while (syncStarts.count < from + books || !(await button.isEnabled())) {
      assert.ok(Date.now() < deadline, `syncs did not finish: ${syncStarts.count - from} of ${books} started`);
      await page.waitForTimeout(50);
    }
  }

  async function editOnServer(who: Account, book: string, uid: string, change: Record<string, unknown>) {
    const url = `${stack.serverUrl}/api/books/${book}/contacts/${encodeURIComponent(uid)}`;
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
    const admin = await stack.account("root", true);
    const ann = await stack.account("ann");
    await admin.api.applyBatch("gab", [
      { op: "put", uid: "gab-hana", contact: { uid: "gab-hana", displayName: "Hana Ito", jobTitle: "CEO", emails: [], phones: [], addresses: [], urls: [], im: [], categories: [], extra: [] } },
      { op: "put", uid: "gab-ivan", contact: { uid: "gab-ivan", displayName: "Ivan Roe", jobTitle: "CFO", emails: [], phones: [], addresses: [], urls: [], im: [], categories: [], extra: [] } },
    ]);
    await ann.api.applyBatch(ann.primary.id, [
      { op: "put", uid: "pab-sam", contact: { uid: "pab-sam", displayName: "Sam Server", jobTitle: "Buyer", emails: [{ type: "work", address: "sam@example.com" }], phones: [], addresses: [], urls: [], im: [], categories: [], extra: [] } },
    ]);
    const box = await stack.mailbox();
    const clients = box.graph.addFolder("Clients");
    box.graph.addContact(clients.id, person("Olga", "Outlook", { jobTitle: "Designer" }));
    box.graph.addContact(clients.id, person("Paul", "Outlook"));

    const pane = await openPane(box);
    const { page } = pane;
    assert.equal(pane.officeJsLoads.length, 1, "the page asks for office/office.js from its own origin");

    // Sign in through the form.
    await page.getByLabel("Concord server").fill(stack.serverUrl);
    await page.getByLabel("User name").fill("ann");
    await page.getByLabel("Password").fill(ann.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    // Signed in, the pane lists the books and syncs each once on open, into a folder named after it.
    await syncsFinished(page, pane.syncStarts, 0, ann.books.length);
    assert.deepEqual(await page.locator("[data-book]").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-book"))), ann.books.map((b) => b.id));
    const gabCard = page.locator('[data-book="gab"]');
    assert.match(await gabCard.innerText(), /Read-only/);
    // Each book is now paired with its folder by id; the card names the folder instead of asking for one.
    assert.match(await gabCard.innerText(), /Syncs with the Outlook folder “Global Address Book”/);
    assert.equal(await gabCard.getByLabel("Outlook folder").count(), 0);
    const folders = new Map([...box.graph.mailbox.folders.values()].map((f) => [f.displayName, f.id]));
    const gabFolder = folders.get("Global Address Book")!;
    assert.ok(gabFolder, "the GAB's folder was created");
    type Roamed = { __concordRoamingSaved: Record<string, string> };
    const roamedSettings = async () =>
      JSON.parse(await page.evaluate(() => (window as unknown as Roamed).__concordRoamingSaved["concord.settings"]));
    assert.deepEqual([...byName(outlookContacts(box.graph, gabFolder)).keys()].sort(), ["Hana Ito", "Ivan Roe"]);
    assert.deepEqual(outlookContacts(box.graph, folders.get(ann.primary.name)!).map((c) => c.displayName), ["Sam Server"]);

    let roamed = await roamedSettings();
    assert.equal(roamed.pairs.gab.folderId, gabFolder, "the pairing roams with the mailbox, by folder id");
    assert.equal(roamed.pairs[ann.primary.id].folderId, folders.get(ann.primary.name));

    // Pair the PAB with the existing "Clients" folder instead; the choice roams with the mailbox.
    const pabCard = page.locator(`[data-book="${ann.primary.id}"]`);
    assert.match(await pabCard.innerText(), /Read & write/);
    await pabCard.getByRole("button", { name: "Use another folder" }).click();
    await pabCard.getByLabel("Outlook folder").fill("Clients");
    roamed = await roamedSettings();
    assert.equal(roamed.pairs[ann.primary.id].folderName, "Clients");
    assert.equal(roamed.pairs[ann.primary.id].folderId, undefined);
    assert.equal(roamed.serverUrl, stack.serverUrl);

    let from = pane.syncStarts.count;
    await page.getByRole("button", { name: "Sync now" }).click();
    await syncsFinished(page, pane.syncStarts, from, ann.books.length);

    const pabPair = (await roamedSettings()).pairs[ann.primary.id];
    assert.equal(pabPair.folderId, clients.id, "paired with Clients by id on its first sync");
    assert.match(await pabCard.innerText(), /Syncs with the Outlook folder “Clients”/);
    let server = byName(await serverContacts(ann.api, ann.primary.id));
    assert.deepEqual([...server.keys()].sort(), ["Olga Outlook", "Paul Outlook", "Sam Server"]);
    assert.equal(server.get("Olga Outlook")!.jobTitle, "Designer");
    let outlook = byName(outlookContacts(box.graph, clients.id));
    assert.deepEqual([...outlook.keys()].sort(), ["Olga Outlook", "Paul Outlook", "Sam Server"]);
    for (const [name, item] of outlook) assert.equal(item.uid, server.get(name)!.uid, `${name} carries its server uid`);
    // The two Outlook contacts count as updated in Outlook too: each gets its Concord uid stamped.
    assert.match(await resultOf(page, ann.primary.id).innerText(), /Outlook: 1 added, 2 updated, 0 deleted\s+Server: 2 added, 0 updated, 0 deleted/);

    // Edits: on the server over REST, in Outlook as the user.
    await editOnServer(ann, ann.primary.id, "pab-sam", { jobTitle: "Head buyer" });
    await editOnServer(admin, "gab", "gab-hana", { jobTitle: "Chair" });
    box.graph.editContact(outlook.get("Olga Outlook")!.id, { jobTitle: "Art director", mobilePhone: "+44 7700 900123" });
    box.graph.deleteContact(outlook.get("Paul Outlook")!.id);
    box.graph.addContact(clients.id, person("Quinn", "New"));
    const gabInOutlook = byName(outlookContacts(box.graph, gabFolder));
    box.graph.editContact(gabInOutlook.get("Ivan Roe")!.id, { jobTitle: "Edited locally" });

    from = pane.syncStarts.count;
    await page.getByRole("button", { name: "Sync now" }).click();
    await syncsFinished(page, pane.syncStarts, from, ann.books.length);

    server = byName(await serverContacts(ann.api, ann.primary.id));
    assert.deepEqual([...server.keys()].sort(), ["Olga Outlook", "Quinn New", "Sam Server"]);
    assert.equal(server.get("Sam Server")!.jobTitle, "Head buyer");
    assert.equal(server.get("Olga Outlook")!.jobTitle, "Art director");
    assert.deepEqual(server.get("Olga Outlook")!.phones.map((p) => p.number), ["+44 7700 900123"]);
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
    assert.match(await resultOf(page, ann.primary.id).innerText(), /Outlook: 0 added, 2 updated, 0 deleted\s+Server: 1 added, 1 updated, 1 deleted/);
    assert.match(await resultOf(page, "gab").innerText(), /Outlook: 0 added, 2 updated, 0 deleted/);
    assert.doesNotMatch(await page.locator('[aria-label="Sync results"]').innerText(), /Not synced|error/i);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "taskpane-after-sync.png"), fullPage: true });
    assert.deepEqual(pane.problems, []);
    await pane.close();
  });
});
