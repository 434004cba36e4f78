// Concord Web's administration console in Chromium against the real server: an administrator adds a
// user, hides them from the Local Directory (they leave it as users see it), edits a GAB contact on the
// Contacts page, and finds that edit in the audit log, named as made through the web app.
import assert from "node:assert/strict";
import { chromium, type Browser } from "playwright-core";
import { startStack, type Stack } from "./support/stack";
import { assertAccessible, chromiumArgs, ensureWebBuilt, openWeb, screenshot, signIn } from "./web-harness";

describe("Concord Web in Chromium: the administration console", function () {
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

  it("adds a user, hides them from the Local Directory, edits a GAB contact and finds it in the audit log", async () => {
    const root = await stack.account("root", true);
    await root.api.applyBatch("gab", [
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
    ]);
    const web = await openWeb(browser, stack, "/admin");
    const { page } = web;
    await signIn(page, "root", root.password);
    const users = page.getByRole("region", { name: "Users" });
    await users.waitFor();
    await page.getByLabel("New user name").fill("dora");
    await page.getByLabel("Display name").fill("Dora Quist");
    await page.getByLabel("Initial password").fill("pw-dora-123456");
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByText("dora was added.").waitFor();
    await assertAccessible(page, "users");
    await screenshot(page, "web-admin-users");

    // Listed in the Local Directory first, then hidden: the preview is the directory as users see it.
    const directoryHas = async (name: string) => {
      await page.getByRole("link", { name: "Local Directory as users see it" }).click();
      await page.getByLabel("Search the directory").fill("quist");
      await page.getByText(/^\d+ entr(y|ies)$/).waitFor();
      await page.waitForTimeout(300);
      const found = await page.getByRole("table", { name: "Local Directory entries" }).getByText(name).count();
      await page.getByRole("link", { name: "Users", exact: true }).click();
      return found > 0;
    };
    assert.equal(await directoryHas("Dora Quist"), true);
    await page.locator('[data-user="dora"]').getByRole("checkbox", { name: "Listed in the Local Directory" }).click();
    await page.getByText("dora is hidden from the Local Directory.").waitFor();
    assert.equal(await directoryHas("Dora Quist"), false);

    // The GAB is edited on the Contacts page.
    await page.goto(`${stack.serverUrl}/books/gab/contacts/gab-hana`);
    await page.getByRole("article", { name: "Contact Hana Ito" }).getByRole("button", { name: "Edit" }).click();
    await page.getByRole("form", { name: "Edit contact" }).getByLabel("Job title").fill("Chair");
    await page.getByRole("form", { name: "Edit contact" }).getByRole("button", { name: "Save" }).click();
    await page.getByRole("article", { name: "Contact Hana Ito" }).getByText("Chair").waitFor();

    await page.getByRole("link", { name: "Administration" }).click();
    await page.getByRole("link", { name: "Audit log" }).click();
    const log = page.getByRole("region", { name: "Audit log" });
    await log.getByLabel("Book").fill("gab");
    const row = log.getByRole("row").filter({ hasText: "gab-hana" }).filter({ hasText: "update" });
    await row.waitFor();
    assert.match(await row.innerText(), /root\s+web\s+gab\s+gab-hana\s+update\s+jobTitle/);
    await assertAccessible(page, "audit log");
    await screenshot(page, "web-admin-audit");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      log.getByRole("button", { name: "Export as CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "concord-audit.csv");
    assert.deepEqual(web.problems, []);
    await web.close();
  });
});
