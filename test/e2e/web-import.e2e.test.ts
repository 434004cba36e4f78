// Concord Web in Chromium against the real server on the embedded database: the import wizard
// (issue 13 §3) end to end on an Outlook CSV the test writes, and the Export dialog. Each step gets
// a screenshot in test-artifacts/ and axe-core's check.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Contact } from "../../core/contact/contact";
import { byName, serverContacts, startStack, type Account, type Stack } from "./support/stack";
import { assertAccessible, chromiumArgs, ensureWebBuilt, openWeb, screenshot, signIn } from "./web-harness";

// As a German-locale Outlook writes its export: semicolons, English headers here. "0/0/00" is
// Outlook's empty date; line 4 holds a date that cannot be; "Favourite Colour" is no Outlook column.
const outlookCsv = [
  "First Name;Last Name;Company;E-mail Address;Mobile Phone;Birthday;Notes;Favourite Colour",
  "Ada;Lovelace;Analytical Engines;ada@example.com;+44 7700 900001;12/10/1815;Met at the workshop;blue",
  "Grace;Hopper;Navy;grace@example.com;+1 555 0102;0/0/00;;green",
  "Bad;Date;Nowhere;bad@example.com;;31/31/1990;;red",
  "Alan;Turing;Bletchley Park;alan@example.com;;6/23/1912;;",
  "Katherine;Johnson;NASA;katherine@example.com;+1 555 0104;0/0/00;;violet",
].join("\r\n");

/** Rows enough that the import is still running when Cancel is pressed. */
const BIG = 20_000;

function contact(uid: string, displayName: string, email: string, extra: Partial<Contact> = {}): Contact {
  return {
    uid,
    displayName,
    emails: [{ type: "work", address: email }],
    phones: [],
    addresses: [],
    urls: [],
    im: [],
    categories: [],
    extra: [],
    ...extra,
  };
}

describe("Concord Web in Chromium: the import wizard and export", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let ann: Account;

  before(async function () {
    const dir = ensureWebBuilt();
    stack = await startStack({ addinDir: dir });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
    ann = await stack.account("ann");
    // Already in the book: the file's Grace Hopper (same e-mail address) is a duplicate of her.
    const grace = contact("pab-grace", "Grace Hopper", "GRACE@example.com", { company: "US Navy" });
    await ann.api.applyBatch(ann.primary.id, [{ op: "put", uid: grace.uid, contact: grace }]);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** The web app at `path`, signed in as Ann. Without motion: axe-core would otherwise catch a Fluent button
   *  half-way through its colour transition from disabled to enabled and report its contrast. */
  async function openAsAnn(path: string) {
    const web = await openWeb(browser, stack, path);
    await web.page.emulateMedia({ reducedMotion: "reduce" });
    await signIn(web.page, "ann", ann.password);
    return web;
  }
  /** axe-core's check once the page has painted twice: a button just enabled is still mid-way through its
   *  colour transition (even one of 0.01 ms) until the next frame, and axe would read its disabled grey. */
  async function accessible(page: Page, state: string) {
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await assertAccessible(page, state);
  }
  const step = (page: Page, name: string) => page.getByRole("heading", { name, exact: true }).waitFor();
  const names = async () => (await serverContacts(ann.api, ann.primary.id)).map((c) => c.displayName).sort();

  it("imports an Outlook CSV into a PAB step by step, shows the bad row, and undoes the import", async () => {
    const book = ann.primary;
    const web = await openAsAnn(`/books/${book.id}`);
    const { page } = web;
    await page
      .getByRole("navigation", { name: "Address books" })
      .getByRole("link", { name: "Import contacts" })
      .click();
    await page.waitForURL(new RegExp(`/books/${book.id}/import$`));
    await step(page, "Choose a file");
    await page.getByRole("heading", { name: `Import contacts into ${book.name}` }).waitFor();
    await accessible(page, "import: choose a file");
    await screenshot(page, "web-import-1-file");

    // Upload → what was detected, with the server's preview of the first records.
    await page.getByLabel("File to import").setInputFiles({
      name: "Outlook contacts.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(outlookCsv, "utf8"),
    });
    await step(page, "Check the file");
    await page.getByText("Outlook contacts.csv: 5 records found.", { exact: false }).waitFor();
    assert.equal(await page.getByLabel("Kind of file").inputValue(), "outlook");
    assert.equal(await page.getByLabel("Character set").inputValue(), "utf-8");
    assert.equal(await page.getByLabel("Column separator").inputValue(), ";");
    const preview = page.getByRole("table", { name: /as they will be imported/ });
    await preview.getByRole("cell", { name: "Ada Lovelace" }).waitFor();
    await preview.getByRole("cell", { name: /Problem: Birthday: "31\/31\/1990" is not a date/ }).waitFor();

    // A wrong separator reads each line as one cell: no record has a name; the right one reads them again.
    await page.getByLabel("Column separator").selectOption({ label: "Comma" });
    await preview.getByRole("cell", { name: "Ada Lovelace" }).waitFor({ state: "detached" });
    assert.ok((await preview.getByRole("cell", { name: /^Problem:/ }).count()) >= 5);
    await page.getByLabel("Column separator").selectOption({ label: "Semicolon" });
    await preview.getByRole("cell", { name: "Ada Lovelace" }).waitFor();
    await accessible(page, "import: check the file");
    await screenshot(page, "web-import-2-settings");

    // Match the columns: the column Outlook does not know goes to the notes.
    await page.getByRole("button", { name: "Next" }).click();
    await step(page, "Match the columns");
    const columns = page.getByRole("table", { name: "Columns of the file" });
    const colourRow = columns.getByRole("row", { name: /Favourite Colour/ });
    await colourRow.getByRole("cell", { name: "blue", exact: true }).waitFor();
    const colour = page.getByLabel("Where the column Favourite Colour goes");
    assert.equal(await colour.inputValue(), "extra:Favourite Colour");
    await colour.selectOption({ label: "Notes" });
    await page.getByLabel("Save this mapping as").fill("Outlook with colours");
    await page.getByRole("button", { name: "Save mapping" }).click();
    await page.getByText('Saved the mapping as "Outlook with colours".').waitFor();
    await accessible(page, "import: match the columns");
    await screenshot(page, "web-import-3-mapping");
    // Fits 768 px: nothing wider than the window.
    await page.setViewportSize({ width: 768, height: 800 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 768));
    await screenshot(page, "web-import-3-mapping-768");
    await page.setViewportSize({ width: 1280, height: 800 });

    // Duplicates, in plain words; the default keeps what the book holds.
    await page.getByRole("button", { name: "Next" }).click();
    await step(page, "Duplicates");
    assert.ok(await page.getByRole("radio", { name: /^Skip it/ }).isChecked());
    // By keyboard: each step starts at its heading; Tab reaches the choice, the arrow keys change it.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Duplicates");
    await page.keyboard.press("Tab");
    await page.keyboard.press("ArrowDown");
    assert.ok(await page.getByRole("radio", { name: /^Update it/ }).isChecked());
    await page.keyboard.press("ArrowUp");
    assert.ok(await page.getByRole("radio", { name: /^Skip it/ }).isChecked());
    await accessible(page, "import: duplicates");
    await screenshot(page, "web-import-4-duplicates");

    // The dry run: nothing written yet.
    await page.getByRole("button", { name: "Next" }).click();
    await step(page, "Review");
    const plan = page.getByRole("list", { name: "What the import will do" });
    for (const line of ["3 new contacts added", "0 contacts updated", "1 duplicate skipped", "1 row with a problem"])
      await plan.getByText(line, { exact: false }).waitFor();
    await page
      .getByRole("table", { name: "Rows with a problem" })
      .getByRole("cell", { name: "4", exact: true })
      .waitFor();
    assert.deepEqual(await names(), ["Grace Hopper"]);
    await accessible(page, "import: review");
    await screenshot(page, "web-import-5-review");

    // The import, then its result.
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await step(page, "Result");
    const done = page.getByRole("list", { name: "What the import did" });
    for (const line of ["3 contacts added", "1 duplicate skipped", "1 row with a problem left out"])
      await done.getByText(line, { exact: false }).waitFor();
    await page.getByText("The import is finished.").waitFor();
    await page
      .getByRole("table", { name: "Rows with a problem" })
      .getByRole("cell", { name: /31\/31\/1990/ })
      .waitFor();
    await accessible(page, "import: result");
    await screenshot(page, "web-import-6-result");
    const imported = byName(await serverContacts(ann.api, book.id));
    assert.deepEqual([...imported.keys()].sort(), ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Katherine Johnson"]);
    assert.match(imported.get("Ada Lovelace")!.notes ?? "", /Met at the workshop/);
    assert.match(imported.get("Ada Lovelace")!.notes ?? "", /Favourite Colour: blue/);
    assert.equal(imported.get("Ada Lovelace")!.birthday, "1815-12-10");
    assert.equal(imported.get("Grace Hopper")!.company, "US Navy", "the duplicate was skipped, not updated");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download the problems as CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "Outlook contacts problems.csv");
    const problems = readFileSync((await download.path())!, "utf8").split("\r\n");
    assert.equal(problems[0], "Line,Problem");
    assert.match(problems[1], /^4,"Birthday: ""31\/31\/1990"" is not a date"$/);

    // Undo: what the import added goes; what the book held stays.
    await page.getByRole("button", { name: "Undo import" }).click();
    await page.getByText(/The import was undone\. 3 contacts removed/).waitFor({ timeout: 60_000 });
    assert.deepEqual(await names(), ["Grace Hopper"]);
    await accessible(page, "import: undone");
    await screenshot(page, "web-import-7-undone");
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("shows a long import's progress, cancels it, and undoes what it had added", async () => {
    const book = ann.primary;
    const before = await names();
    const rows = Array.from({ length: BIG }, (_, i) => `Person;${i};Big Co;person${i}@big.example;;0/0/00;;`);
    const web = await openAsAnn(`/books/${book.id}/import`);
    const { page } = web;
    await page.getByLabel("File to import").setInputFiles({
      name: "big.csv",
      mimeType: "text/csv",
      buffer: Buffer.from([outlookCsv.split("\r\n")[0], ...rows].join("\r\n"), "utf8"),
    });
    await step(page, "Check the file");
    await page.getByText(`big.csv: ${BIG.toLocaleString("en")} records found.`, { exact: false }).waitFor();
    for (const next of ["Match the columns", "Duplicates", "Review"]) {
      await page.getByRole("button", { name: "Next" }).click();
      await step(page, next);
    }
    await page.getByText(`${BIG.toLocaleString("en")} new contacts added`).waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await step(page, "Import");
    const bar = page.getByRole("progressbar", { name: "Importing" });
    const share = async () => Number(await bar.getAttribute("aria-valuenow"));
    while ((await share()) === 0) await page.waitForTimeout(100);
    assert.ok((await share()) < 1);
    await accessible(page, "import: progress");
    await screenshot(page, "web-import-progress");
    await page.getByRole("button", { name: "Cancel the import" }).click();
    await step(page, "Result");
    await page.getByText(/The import was cancelled/).waitFor();
    const added = (await names()).length - before.length;
    assert.ok(added > 0 && added < BIG, `the cancelled import added ${added} of ${BIG}`);
    await page
      .getByRole("list", { name: "What the import did" })
      .getByText(`${added.toLocaleString("en")} contacts added`)
      .waitFor();
    await screenshot(page, "web-import-cancelled");
    await page.getByRole("button", { name: "Undo import" }).click();
    await page.getByText(/The import was undone\./).waitFor({ timeout: 120_000 });
    assert.deepEqual(await names(), before);
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("loads a saved mapping into the wizard of a later import", async () => {
    const put = await fetch(`${stack.serverUrl}/api/import-mappings/Colours%20only`, {
      method: "PUT",
      headers: { "authorization": `Bearer ${ann.token}`, "content-type": "application/json" },
      body: JSON.stringify({ mapping: { "Favourite Colour": "notes", "Not in this file": "company" } }),
    });
    assert.equal(put.status, 200);
    const web = await openAsAnn(`/books/${ann.primary.id}/import`);
    const { page } = web;
    await step(page, "Choose a file");
    await page.getByLabel("File to import").setInputFiles({
      name: "again.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(outlookCsv, "utf8"),
    });
    await step(page, "Check the file");
    await page.getByRole("button", { name: "Next" }).click();
    await step(page, "Match the columns");
    const colour = page.getByLabel("Where the column Favourite Colour goes");
    assert.equal(await colour.inputValue(), "extra:Favourite Colour");
    const saved = page.getByLabel("Saved mappings");
    await saved.locator("option", { hasText: "Colours only" }).waitFor({ state: "attached" });
    await saved.selectOption({ label: "Colours only" });
    await page.getByRole("button", { name: "Use it" }).click();
    await page.getByText('The mapping "Colours only" is used for 1 column.').waitFor();
    assert.equal(await colour.inputValue(), "notes");
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("exports the book as vCard 3.0 from the Export dialog", async () => {
    const book = ann.primary;
    const extra = [
      contact("pab-zoe", "Zoë Quartermaine", "zoe@harbour.example", { notes: "Prefers e-mail." }),
      contact("pab-bob", "Bob Marsh", "bob@example.com"),
    ];
    await ann.api.applyBatch(
      book.id,
      extra.map((c) => ({ op: "put" as const, uid: c.uid, contact: c })),
    );
    const web = await openAsAnn(`/books/${book.id}`);
    const { page } = web;
    await page
      .getByRole("navigation", { name: "Address books" })
      .getByRole("button", { name: "Export contacts" })
      .click();
    const dialog = page.getByRole("dialog", { name: `Export ${book.name}` });
    await dialog.waitFor();
    // By keyboard: Escape closes it, and the button opens it again.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Export contacts" }).press("Enter");
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel("Format").inputValue(), "vcard3");
    assert.equal(await dialog.getByLabel("Character set").inputValue(), "utf-8");
    await accessible(page, "export dialog");
    await screenshot(page, "web-export-dialog");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      dialog.getByRole("button", { name: "Download" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.vcf$/);
    const vcard = readFileSync((await download.path())!, "utf8");
    assert.equal(vcard.match(/^BEGIN:VCARD/gm)?.length, 3);
    assert.equal(vcard.match(/^VERSION:3\.0/gm)?.length, 3);
    for (const name of ["Grace Hopper", "Zoë Quartermaine", "Bob Marsh"])
      assert.match(vcard, new RegExp(`^FN:${name}`, "m"));
    assert.match(vcard, /^NOTE:Prefers e-mail\./m);
    await dialog.waitFor({ state: "hidden" });
    assert.deepEqual(web.problems, []);
    await web.close();
  });
});
