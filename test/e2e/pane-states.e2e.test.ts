// The pane's states at 320 px in headless Chromium, against the real server and a fake Graph mailbox:
// the setup step with a colleague's shared "Contacts", an admin's first open, names in the preview and
// the deletion dialog, Cancel mid-sync, and each sign-in error. A screenshot of each in test-artifacts/.
import assert from "node:assert/strict";
import { createServer as createHttpsServer } from "node:https";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { byName, contact, outlookContacts, serverContacts } from "./support/stack";
import { assertFits, openPane, roamedSettings, screenshot, signIn, syncsFinished, paneStack } from "./pane-harness";

const folderNames = (stack: { graph: { mailbox: { folders: Map<string, { displayName: string }> } } }) =>
  [...stack.graph.mailbox.folders.values()].map((f) => f.displayName).sort();

describe("task pane states at 320 px", function () {
  this.timeout(300_000);
  const env = paneStack();

  it("sets up a shared Contacts book beside the user's own, writes nothing before Start syncing, then names what a preview and a deletion touch", async () => {
    const bob = await env.stack.account("bob");
    const kim = await env.stack.account("kim");
    await env.stack.share(bob, bob.primary.id, "kim", "read");
    await bob.api.applyBatch(bob.primary.id, [{ op: "put", uid: "b-1", contact: contact("b-1", "Bea Bobs") }]);
    await kim.api.applyBatch(
      kim.primary.id,
      ["Ada", "Ben", "Cai"].map((n) => ({ op: "put" as const, uid: `k-${n}`, contact: contact(`k-${n}`, `${n} Kim`) })),
    );
    const box = await env.stack.mailbox();
    const pane = await openPane(env.browser, env.stack, box);
    const { page } = pane;

    await signIn(page, "kim", kim.password);
    await page.getByRole("button", { name: "Start syncing" }).waitFor();
    const shared = page.locator(`[data-setup="${bob.primary.id}"]`);
    assert.match(await shared.innerText(), /Contacts — BOB, shared with you, read-only/);
    assert.match(await page.locator(`[data-setup="${kim.primary.id}"]`).innerText(), /Contacts — yours, read & write/);
    assert.match(await shared.innerText(), /New folder “Contacts \(BOB\)”/);
    // The Local Directory is switched off: it will not sync.
    const directory = kim.books.find((b) => b.kind === "directory")!;
    await page.locator(`[data-setup="${directory.id}"]`).getByRole("switch").click();
    // The folder picker lists Outlook's folders and the suggested new one; choosing is not typing.
    await page.locator(`[data-setup="${kim.primary.id}"]`).getByRole("combobox").click();
    assert.deepEqual(await page.getByRole("option").allInnerTexts(), ["New folder “Contacts”"]);
    await page.keyboard.press("Escape");
    await assertFits(page, "setup with a shared book");
    await screenshot(page, "pane-setup-shared-contacts");
    await page.waitForTimeout(300);
    assert.equal(pane.syncStarts.count, 0, "no sync before Start syncing");
    assert.deepEqual(folderNames(box), [], "nothing written to Outlook before Start syncing");

    await page.getByRole("button", { name: "Start syncing" }).click();
    await syncsFinished(pane, 0, kim.books.length - 1);
    assert.deepEqual(folderNames(box), ["Contacts", "Contacts (BOB)", "Global Address Book"]);
    assert.match(await page.locator(`[data-book="${directory.id}"]`).innerText(), /Not synced/);
    assert.match(
      await page.locator(`[data-book="${bob.primary.id}"]`).innerText(),
      /Owner: BOB, shared with you[\s\S]*Mode: Outlook follows the server/,
    );
    assert.equal((await roamedSettings(page)).pairs[directory.id].enabled, false);

    // kim's folder emptied in Outlook: the preview names who would go, the dialog asks, naming them.
    const kimFolder = [...box.graph.mailbox.folders.values()].find((f) => f.displayName === "Contacts")!.id;
    const items = byName(outlookContacts(box.graph, kimFolder));
    box.graph.deleteContact(items.get("Ada Kim")!.id);
    box.graph.deleteContact(items.get("Ben Kim")!.id);
    box.graph.deleteContact(items.get("Cai Kim")!.id);
    let from = pane.syncStarts.count;
    await page.getByRole("button", { name: "Preview" }).click();
    await syncsFinished(pane, from, 3);
    assert.match(
      await page.locator(`[data-result="${kim.primary.id}"]`).innerText(),
      /Preview only[\s\S]*Server, deleted: Ada Kim, Ben Kim, Cai Kim/,
    );
    await assertFits(page, "preview");
    await screenshot(page, "pane-preview-names");

    from = pane.syncStarts.count;
    await page.getByRole("button", { name: "Sync now" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.match(text, /Deleted on the server \(3\):\s*Ada Kim\s*Ben Kim\s*Cai Kim/);
    const confirm = dialog.locator('[data-confirm="delete"]');
    const keep = dialog.getByRole("button", { name: "Keep them, don't sync" });
    const background = (l: typeof keep) => l.evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.notEqual(await background(confirm), await background(keep), "deleting is not the primary button");
    await screenshot(page, "pane-deletion-dialog");
    await keep.click();
    await syncsFinished(pane, from, 3);
    assert.deepEqual((await serverContacts(kim.api, kim.primary.id)).map((c) => c.displayName).sort(), [
      "Ada Kim",
      "Ben Kim",
      "Cai Kim",
    ]);
    assert.deepEqual(pane.problems, []);
    await pane.close();
  });

  it("on an admin's first open proposes no deletion and leaves the GAB whole", async () => {
    const root = await env.stack.account("root", true);
    await root.api.applyBatch(
      "gab",
      ["Hana Ito", "Ivan Roe", "Jo Lee"].map((name, i) => ({
        op: "put" as const,
        uid: `g-${i}`,
        contact: contact(`g-${i}`, name),
      })),
    );
    const box = await env.stack.mailbox();
    // A folder of the GAB's name left over from an earlier install, empty.
    box.graph.addFolder("Global Address Book");
    const pane = await openPane(env.browser, env.stack, box);
    const { page } = pane;
    await signIn(page, "root", root.password);
    await page.getByRole("button", { name: "Start syncing" }).waitFor();
    assert.match(await page.locator('[data-setup="gab"]').innerText(), /New folder “Global Address Book \(2\)”/);
    assert.match(await page.locator('[data-setup="gab"]').innerText(), /read & write[\s\S]*Two-way/);
    await screenshot(page, "pane-admin-first-open");
    await page.getByRole("button", { name: "Start syncing" }).click();
    await syncsFinished(pane, 0, root.books.length);
    assert.equal(await page.getByRole("alertdialog").count(), 0, "no deletion proposed");
    assert.deepEqual((await serverContacts(root.api, "gab")).map((c) => c.displayName).sort(), [
      "Hana Ito",
      "Ivan Roe",
      "Jo Lee",
    ]);
    const gabFolder = [...box.graph.mailbox.folders.values()].find(
      (f) => f.displayName === "Global Address Book (2)",
    )!.id;
    assert.deepEqual([...byName(outlookContacts(box.graph, gabFolder)).keys()].sort(), [
      "Hana Ito",
      "Ivan Roe",
      "Jo Lee",
    ]);
    assert.match(await page.locator('[data-book="gab"]').innerText(), /Read & write \(admin\)/);
    await assertFits(page, "admin after first sync");
    await screenshot(page, "pane-admin-after-first-sync");
    assert.deepEqual(pane.problems, []);
    await pane.close();
  });

  it("stops on Cancel after the chunk being written, and the next sync finishes without duplicates", async () => {
    const cy = await env.stack.account("cy");
    const many = Array.from({ length: 450 }, (_, i) => contact(`c-${i}`, `Person ${String(i).padStart(3, "0")}`));
    await cy.api.applyBatch(
      cy.primary.id,
      many.map((c) => ({ op: "put" as const, uid: c.uid, contact: c })),
    );
    const box = await env.stack.mailbox();
    const pane = await openPane(env.browser, env.stack, box);
    const { page } = pane;
    await signIn(page, "cy", cy.password);
    await page.getByRole("button", { name: "Start syncing" }).waitFor();
    for (const other of cy.books.filter((b) => b.id !== cy.primary.id))
      await page.locator(`[data-setup="${other.id}"]`).getByRole("switch").click();
    await page.getByRole("button", { name: "Start syncing" }).click();

    const progress = page.locator("[data-progress]");
    await progress.getByText(/Writing/).waitFor({ timeout: 60_000 });
    await assertFits(page, "progress");
    await screenshot(page, "pane-progress-cancel");
    await progress.getByRole("button", { name: "Cancel" }).click();
    await syncsFinished(pane, 0, 1);
    assert.match(
      await page.locator(`[data-result="${cy.primary.id}"]`).innerText(),
      /Cancelled: what was written is kept/,
    );
    const folder = [...box.graph.mailbox.folders.values()][0]!.id;
    const written = outlookContacts(box.graph, folder).length;
    assert.ok(written > 0 && written < 450 && written % 200 === 0, `whole chunks only: ${written}`);
    await screenshot(page, "pane-cancelled");

    const from = pane.syncStarts.count;
    await page.getByRole("button", { name: "Sync now" }).click();
    await syncsFinished(pane, from, 1);
    assert.equal(outlookContacts(box.graph, folder).length, 450, "the rest, no duplicates");
    assert.deepEqual(pane.problems, []);
    await pane.close();
  });

  it("says for each sign-in failure what to check", async () => {
    const dee = await env.stack.account("dee");
    const box = await env.stack.mailbox();
    const pane = await openPane(env.browser, env.stack, box);
    const { page } = pane;
    const alert = page.locator('form[aria-label="Sign in to Concord"] .fui-MessageBar');
    const attempt = async (server: string, username: string, password: string, shot: string) => {
      await page.getByLabel("Concord server").fill(server);
      await signIn(page, username, password);
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      await alert.waitFor();
      await page.waitForFunction(
        () => !document.querySelector('form[aria-label="Sign in to Concord"] button[disabled]'),
      );
      const text = await alert.innerText();
      await assertFits(page, shot);
      await screenshot(page, shot);
      return text;
    };

    assert.match(
      await attempt("concord.example.com", "dee", "x", "pane-signin-no-https"),
      /Start the server address with https:\/\//,
    );

    const closed = await closedPort();
    assert.match(
      await attempt(`http://127.0.0.1:${closed}`, "dee", "x", "pane-signin-refused"),
      new RegExp(`Cannot reach 127.0.0.1:${closed}\\. Check the address`),
    );

    const pems = await generate([{ name: "commonName", value: "localhost" }], { keySize: 2048 });
    const https = createHttpsServer({ cert: pems.cert, key: pems.private }, (_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", () => resolve()));
    const tlsPort = (https.address() as AddressInfo).port;
    assert.match(
      await attempt(`https://localhost:${tlsPort}`, "dee", "x", "pane-signin-untrusted-certificate"),
      /trusts its certificate/,
    );
    https.close();

    assert.match(
      await attempt("https://concord.invalid", "dee", "x", "pane-signin-dns"),
      /Cannot reach concord\.invalid/,
    );

    await page.route("**/api/auth/login", (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: '{"error":{"code":"internal","message":"x"}}',
      }),
    );
    assert.match(
      await attempt(env.stack.serverUrl, "dee", "x", "pane-signin-server-error"),
      /had an error \(500\)\. Try again later/,
    );
    await page.unroute("**/api/auth/login");

    assert.match(
      await attempt(env.stack.serverUrl, "Dee", "wrong-password", "pane-signin-wrong-password"),
      /Wrong user name or password/,
    );

    for (let i = 0; i < 10; i++)
      await fetch(`${env.stack.serverUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"username":"dee","password":"nope"}',
      });
    assert.match(
      await attempt(env.stack.serverUrl, "dee", dee.password, "pane-signin-locked-out"),
      /Too many failed sign-ins\. Wait [1-5] minutes?, then try again\./,
    );
    assert.deepEqual(
      pane.problems.filter((p) => p.startsWith("pageerror")),
      [],
    );
    await pane.close();
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
