// Concord Web's administration pages in Chromium against the real server: mailing lists, every user's
// address books and their shares, the Local Directory as users see it, sync activity reported by real
// syncs matched with each device's session (a failed one standing out, a device signed out), and server
// status before and after a maintenance pass.
import assert from "node:assert/strict";
import { chromium, type Browser } from "playwright-core";
import { paneSettingsSchema } from "../../addin/taskpane/pane-settings";
import { syncBooks } from "../../addin/taskpane/sync-books";
import { maintainBooks } from "../../server/maintenance";
import { startStack, type Stack } from "./support/stack";
import { assertAccessible, chromiumArgs, ensureWebBuilt, openWeb, screenshot, signIn } from "./web-harness";

describe("Concord Web in Chromium: the administration pages", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    const dir = ensureWebBuilt();
    stack = await startStack({ addinDir: dir });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** One book synced through the task pane's own code, into a fake Graph mailbox. */
  async function syncPrimary(who: Awaited<ReturnType<Stack["account"]>>, broken = false) {
    const box = await stack.mailbox();
    const store = broken
      ? { ...box.outlook.store, readFolder: () => Promise.reject(new Error("Outlook stopped answering")) }
      : box.outlook.store;
    const settings = {
      ...paneSettingsSchema.parse({}),
      pairs: { [who.primary.id]: { policy: "server-wins" as const, enabled: true } },
    };
    return syncBooks({
      api: who.api,
      outlook: { ...box.outlook, store },
      deviceId: who.deviceId,
      admin: who.admin,
      username: who.username,
      books: [who.primary],
      settings,
    });
  }

  it("manages lists, books and shares, previews the directory, shows sync activity and server status", async () => {
    const root = await stack.account("root", true);
    const dora = await stack.account("dora");
    const eli = await stack.account("eli");
    await dora.api.applyBatch(dora.primary.id, [
      { op: "put", uid: "d1", contact: { uid: "d1", displayName: "Pia Lund", ...empty } },
    ]);
    assert.equal((await syncPrimary(dora)).results[0]!.outcome?.kind, "synced");
    assert.ok((await syncPrimary(eli, true)).results[0]!.error);

    const web = await openWeb(browser, stack, "/admin/lists");
    const { page } = web;
    await signIn(page, "root", root.password);

    // Mailing lists: create one with members, then hide it from the Local Directory.
    const lists = page.getByRole("region", { name: "Mailing lists" });
    await lists.waitFor();
    await lists.getByLabel("List address").fill("team@example.com");
    await lists.getByLabel("List name").fill("Team");
    await lists.getByLabel("Members (one address per line)").fill("dora@example.com\neli@example.com");
    await lists.getByRole("button", { name: "Create list" }).click();
    await page.getByText("team@example.com was created.").waitFor();
    const team = lists.locator('[data-list="team@example.com"]');
    await team.getByText("Team (team@example.com) · 2 members").waitFor();
    await assertAccessible(page, "mailing lists");
    await screenshot(page, "web-admin-lists");
    await team.getByRole("checkbox", { name: "Listed in the Local Directory" }).click();
    await page.getByText("team@example.com is hidden from the Local Directory.").waitFor();

    // Every user's books: a new PAB for dora, shared read-only with eli.
    await page.getByRole("link", { name: "Address books" }).click();
    const books = page.getByRole("region", { name: "Address books" });
    await books.getByLabel("Owner").selectOption("dora");
    await books.getByLabel("Book name").fill("Projects");
    await books.getByRole("button", { name: "Create book" }).click();
    await page.getByText("Projects was created for dora.").waitFor();
    const doraBooks = books.getByRole("region", { name: "Books of dora" });
    await doraBooks.getByRole("button", { name: "Shares of Projects" }).click();
    await doraBooks.getByText("Projects is not shared.").waitFor();
    await doraBooks.getByLabel("Share Projects with (user name)").fill("eli");
    await doraBooks.getByRole("button", { name: "Share", exact: true }).click();
    await doraBooks.getByRole("list", { name: "Shares of Projects" }).getByText("eli: read-only").waitFor();
    // Each book with its count, as in the owner's own book list.
    await doraBooks.locator(`[data-count="${dora.primary.id}"]`).filter({ hasText: "1 contact" }).waitFor();
    const projects = doraBooks.locator("[data-book]").filter({ hasText: "Projects" });
    assert.match(await projects.locator("[data-count]").innerText(), /0 contacts/);
    const eliBooks = await eli.api.listBooks();
    assert.ok(
      eliBooks.some((b) => b.name === "Projects" && b.access === "read"),
      "eli sees the shared book",
    );
    await assertAccessible(page, "address books");
    await screenshot(page, "web-admin-books");

    // The Local Directory as users see it: dora listed, the hidden list not.
    await page.getByRole("link", { name: "Local Directory as users see it" }).click();
    const entries = page.getByRole("table", { name: "Local Directory entries" });
    await entries.getByText("DORA").first().waitFor();
    assert.equal(await entries.getByText("Team", { exact: true }).count(), 0);
    await assertAccessible(page, "directory preview");
    await screenshot(page, "web-admin-directory");

    // Sync activity: one row per device, its session matched with its syncs; eli's failure standing out.
    await page.getByRole("link", { name: "Sync activity" }).click();
    const sync = page.getByRole("region", { name: "Sync activity" });
    await sync.getByText("2 books synced on users' devices; 1 failed last time.").waitFor();
    const failed = sync.locator('tr[data-result="failed"]');
    assert.match(await failed.innerText(), /^eli\s+eli's unnamed device[\s\S]*device-eli[\s\S]*Failed/);
    assert.match(await failed.innerText(), /Outlook stopped answering[\s\S]*Sign out eli's unnamed device/);
    const doraRow = sync.locator('tr[data-user="dora"]');
    assert.equal(await doraRow.count(), 1, "dora's one device, its sync and its session in one row");
    assert.match(await doraRow.innerText(), /device-dora[\s\S]*Synced[\s\S]*Contacts: Synced[\s\S]*1 added, 0 changed/);
    await sync.getByRole("checkbox", { name: "Only failed syncs" }).click();
    assert.equal(await sync.locator("tbody tr").count(), 1);
    await assertAccessible(page, "sync activity");
    await screenshot(page, "web-admin-sync");
    await sync.getByRole("checkbox", { name: "Only failed syncs" }).click();

    // Sign dora's device out from its row: her token is refused at once, her sync stays listed.
    await doraRow.getByRole("button", { name: "Sign out dora's unnamed device" }).click();
    await page.getByText("dora's unnamed device was signed out.").waitFor();
    await doraRow.getByText("Signed out").waitFor();
    assert.match(await doraRow.innerText(), /^dora\s+device-dora[\s\S]*Synced/);
    const after = await fetch(`${stack.serverUrl}/api/books`, { headers: { authorization: `Bearer ${dora.token}` } });
    assert.equal(after.status, 401);

    // Server status: the embedded database, every job's last run, and book sizes.
    await page.getByRole("link", { name: "Server status" }).click();
    const status = page.getByRole("region", { name: "Server status" });
    await status.getByText("Embedded (FerretDB on SQLite in DATA_DIR)").waitFor();
    const jobs = status.getByRole("table", { name: "Maintenance jobs" });
    // Before the first pass: each job says when it runs, not only that it has not.
    await jobs.getByText("Not run yet").first().waitFor();
    assert.equal(await jobs.getByText("Not run yet").count(), 5);
    assert.equal(await jobs.getByText(/^At \d\d:\d\d/).count(), 5);
    await status
      .getByRole("heading", { name: /^Maintenance jobs \(every 6 hours; this instance runs them next at \d\d:\d\d/ })
      .waitFor();
    assert.equal(await maintainBooks(stack.t.deps), true);
    await status.getByRole("button", { name: "Refresh" }).click();
    await jobs.getByText("Done").first().waitFor();
    assert.equal(await jobs.getByText("Done").count(), 5);
    const sizes = status.getByRole("table", { name: "Book sizes" });
    assert.match(await sizes.getByRole("row").filter({ hasText: "Global Address Book" }).innerText(), /everyone/);
    await assertAccessible(page, "server status");
    await screenshot(page, "web-admin-status");
    assert.deepEqual(web.problems, []);
    await web.close();
  });
});

const empty = { emails: [], phones: [], addresses: [], urls: [], im: [], categories: [], extra: [] };
