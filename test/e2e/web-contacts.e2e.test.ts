// Concord Web in Chromium against the real server on the embedded database: the user flows of the
// Contacts page (issue 12), each with a screenshot in test-artifacts/ and axe-core's check.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Contact } from "../../core/contact/contact";
import { serverContacts, startStack, type Account, type Stack } from "./support/stack";
import { assertAccessible, chromiumArgs, ensureWebBuilt, openWeb, screenshot, signIn } from "./web-harness";

const GAB_SIZE = 2000;

const serverContactsOf = (who: Account, book: string) => serverContacts(who.api, book);

function person(i: number): Contact {
  const n = String(i).padStart(4, "0");
  return {
    uid: `gab-${n}`,
    displayName: `Person ${n}`,
    name: { given: "Person", family: n },
    company: `Company ${i % 37}`,
    emails: [{ type: "work", address: `person${n}@example.com` }],
    phones: [{ type: "business", number: `+1 555 01${n}` }],
    addresses: [],
    urls: [],
    im: [],
    categories: i % 20 === 0 ? ["Partners"] : [],
    extra: [],
  };
}

const zoe: Contact = {
  uid: "gab-zoe",
  displayName: "Zoë Quartermaine",
  name: { given: "Zoë", family: "Quartermaine", fileAs: "Zoë Quartermaine" },
  company: "Harbour Works",
  department: "Logistics",
  jobTitle: "Dispatcher",
  emails: [{ type: "work", address: "zoe@harbour.example" }],
  phones: [{ type: "mobile", number: "+44 7700 900123" }],
  addresses: [{ type: "business", street: "1 Quay Road", city: "Bristol", country: "UK" }],
  urls: [{ type: "work", url: "https://harbour.example" }],
  im: [],
  categories: ["Partners"],
  notes: "Prefers e-mail.",
  extra: [],
};

describe("Concord Web in Chromium: the Contacts page", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let admin: Account;
  let ann: Account;

  before(async function () {
    const dir = ensureWebBuilt();
    stack = await startStack({ addinDir: dir });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
    admin = await stack.account("root", true);
    ann = await stack.account("ann");
    const all = [zoe, ...Array.from({ length: GAB_SIZE - 1 }, (_, i) => person(i + 1))];
    for (let start = 0; start < all.length; start += 1000) {
      const ops = all.slice(start, start + 1000).map((contact) => ({ op: "put" as const, uid: contact.uid, contact }));
      await admin.api.applyBatch("gab", ops);
    }
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  const rowLink = (page: Page, name: string) =>
    page.getByRole("list", { name: "Contact list" }).getByRole("link", { name: new RegExp(`^${name}`) });

  it("signs in, searches the GAB, opens a contact with every field, and downloads its vCard", async () => {
    const web = await openWeb(browser, stack, "/");
    const { page } = web;
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await assertAccessible(page, "sign-in page");
    await screenshot(page, "web-sign-in");
    await signIn(page, "ann", ann.password);

    const gab = page
      .getByRole("navigation", { name: "Address books" })
      .getByRole("link", { name: /Global Address Book/ });
    await gab.waitFor();
    await page.locator('[data-count="gab"]').filter({ hasText: "2,000 contacts" }).waitFor({ timeout: 60_000 });
    assert.match(await gab.innerText(), /Everyone · read-only/);
    await rowLink(page, "Person 0001").waitFor();
    // Virtualized: a 2,000-contact book keeps only the rows on screen (and a few more) in the page.
    assert.ok((await page.getByRole("list", { name: "Contact list" }).getByRole("listitem").count()) < 60);
    await screenshot(page, "web-contacts-gab");
    await assertAccessible(page, "contacts page");

    await page.getByLabel("Search").fill("quarterm");
    await rowLink(page, "Zoë Quartermaine").waitFor();
    assert.equal(await page.getByRole("list", { name: "Contact list" }).getByRole("listitem").count(), 1);
    await rowLink(page, "Zoë Quartermaine").click();
    await page.waitForURL(/\/books\/gab\/contacts\/gab-zoe$/);
    const details = page.getByRole("article", { name: "Contact Zoë Quartermaine" });
    for (const text of ["Harbour Works", "Logistics", "Dispatcher", "zoe@harbour.example", "+44 7700 900123"])
      await details.getByText(text, { exact: true }).waitFor();
    await details.getByText("1 Quay Road, Bristol, UK").waitFor();
    await details.getByText("https://harbour.example").waitFor();
    await details.getByText("Prefers e-mail.").waitFor();
    await details.getByRole("list", { name: "Categories" }).getByText("Partners").waitFor();
    await details.getByText(/Global Address Book is read-only for you/).waitFor();
    assert.equal(await details.getByRole("button", { name: "Edit" }).count(), 0);
    await screenshot(page, "web-contact-details");
    await assertAccessible(page, "contact details");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      details.getByRole("button", { name: "Download vCard" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "Zoë Quartermaine.vcf");
    const vcard = readFileSync((await download.path())!, "utf8");
    assert.match(vcard, /^BEGIN:VCARD/);
    assert.match(vcard, /FN:Zoë Quartermaine/);

    // Category filter and the A–Z jump (which reads pages of the search until the letter).
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Category").fill("Partners");
    await page.getByText(/^100 contacts, by name/).waitFor(); // 99 people and Zoë
    await page.getByLabel("Category").fill("");
    await rowLink(page, "Person 0001").waitFor();
    await page.getByRole("button", { name: "Jump to Z" }).click();
    await rowLink(page, "Zoë Quartermaine").waitFor({ timeout: 30_000 });
    await page.getByText(/^1 contact, from Z, by name/).waitFor(); // one page from the server, not every page before Z
    await page.getByRole("button", { name: "Back to the top" }).click();
    await rowLink(page, "Person 0001").waitFor();
    // By company: "Company 0" (people 37, 74, …) first, each company's people by name.
    await page.getByLabel("Sort by").selectOption("company");
    await page.getByText(/^2,000 contacts, by company/).waitFor();
    const first = page.getByRole("list", { name: "Contact list" }).getByRole("link").first();
    await first.filter({ hasText: /^Person 0037/ }).waitFor();
    await page.getByRole("button", { name: "Jump to H" }).click();
    await first.filter({ hasText: /^Zoë Quartermaine/ }).waitFor(); // Harbour Works
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("scrolls up from an A–Z jump into the contacts before the letter, the rows on screen staying put", async () => {
    const web = await openWeb(browser, stack, "/books/gab");
    const { page } = web;
    await signIn(page, "ann", ann.password);
    await rowLink(page, "Person 0001").waitFor();
    await page.getByRole("button", { name: "Jump to Z" }).click();
    await page.getByText(/^1 contact, from Z, by name/).waitFor();
    const scroller = page.getByTestId("contact-scroller");
    await scroller.hover();
    await page.mouse.wheel(0, -300);
    // Y to Q hold nobody; P holds the 1,999 people, read up to Zoë.
    await page.getByText(/^2,000 contacts, from P, by name/).waitFor({ timeout: 30_000 });
    await rowLink(page, "Person 1999").waitFor();
    assert.equal(await rowLink(page, "Zoë Quartermaine").isVisible(), true, "Zoë stays on screen");
    assert.equal(await rowLink(page, "Person 0001").count(), 0, "the list stays where it was, not at its top");
    // Up to the top: nothing sorts before P, so the list now starts where the whole book does.
    await scroller.evaluate((e) => e.scrollTo({ top: 0 }));
    await rowLink(page, "Person 0001").waitFor();
    await page.getByText(/^2,000 contacts, by name/).waitFor();
    await screenshot(page, "web-jump-scrolled-up");
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("opens a contact from its deep link, follows the system's dark theme, and fits 768 px", async () => {
    const web = await openWeb(browser, stack, "/books/gab/contacts/gab-zoe", { width: 768, colorScheme: "dark" });
    const { page } = web;
    await signIn(page, "ann", ann.password);
    await page.getByRole("article", { name: "Contact Zoë Quartermaine" }).waitFor();
    const background = await page
      .locator(".fui-FluentProvider")
      .first()
      .evaluate((e) => getComputedStyle(e).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    assert.ok(r + g + b < 150, `dark background expected, got ${background}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    assert.equal(wide, false, "the page scrolls sideways at 768 px");
    await screenshot(page, "web-contact-dark-768");
    await assertAccessible(page, "dark theme at 768 px");
    await page.getByRole("link", { name: "Back to the list" }).click();
    await rowLink(page, "Person 0001").waitFor();
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("creates, edits, merges a conflicting edit field by field, deletes and restores a contact", async () => {
    const web = await openWeb(browser, stack, `/books/${ann.primaryBook}`);
    const { page } = web;
    await signIn(page, "ann", ann.password);
    await page.getByRole("link", { name: "New contact" }).click();
    const form = page.getByRole("form", { name: "New contact" });
    await form.getByLabel("Display name").fill("Mia Lindqvist");
    // The name parts are worded as in the merge view and the pane: core's one table of field words.
    await form.getByLabel("First name").fill("Mia");
    await form.getByLabel("Last name").fill("Lindqvist");
    await form.getByLabel("Company").fill("Nordic Freight");
    await form.getByRole("button", { name: "Add e-mail" }).click();
    await form.getByLabel("E-mail 1", { exact: true }).fill("mia@nordic.example");
    await assertAccessible(page, "new contact form");
    await form.getByRole("button", { name: "Save" }).click();
    const details = page.getByRole("article", { name: "Contact Mia Lindqvist" });
    await details.getByText("Nordic Freight").waitFor();
    await details.getByText("First name", { exact: true }).waitFor();
    const uid = decodeURIComponent(page.url().split("/contacts/")[1]);

    // Another session changes the job title and the company while this page edits the company.
    await details.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("form", { name: "Edit contact" });
    await edit.getByLabel("Company").fill("Nordic Freight AB");
    await stack.rest(ann).edit(ann.primaryBook, uid, { jobTitle: "Broker", company: "Nordic Freight Oy" });
    await edit.getByRole("button", { name: "Save" }).click();
    const merge = page.getByRole("region", { name: "Merge two versions" });
    await merge.waitFor();
    await page.getByText("Someone else changed this contact since you opened it").waitFor();
    await screenshot(page, "web-conflict-merge");
    await assertAccessible(page, "merge view");
    // Only the job title changed on their side alone: core's merge proposes theirs there.
    const jobTitle = merge.getByRole("radiogroup", { name: "Job title" });
    assert.equal(await jobTitle.getByRole("radio", { name: /^Saved meanwhile: Broker/ }).isChecked(), true);
    await merge
      .getByRole("radiogroup", { name: "Company" })
      .getByRole("radio", { name: /^Your version/ })
      .check();
    await merge.getByRole("button", { name: "Save merged contact" }).click();
    await details.getByText("Nordic Freight AB").waitFor();
    const saved = await ann.api.lookup(ann.primaryBook, [uid]);
    assert.equal(saved[0].contact?.company, "Nordic Freight AB");
    assert.equal(saved[0].contact?.jobTitle, "Broker");

    await details.getByRole("button", { name: "Delete" }).click();
    await details.getByRole("button", { name: "Delete Mia Lindqvist" }).click();
    await page.waitForURL(new RegExp(`/books/${ann.primaryBook}$`));
    await page.getByRole("link", { name: "Recently deleted" }).click();
    const deleted = page.getByRole("region", { name: "Recently deleted" });
    await deleted.getByText("Mia Lindqvist").waitFor();
    await screenshot(page, "web-recently-deleted");
    await assertAccessible(page, "recently deleted");
    await deleted.getByRole("button", { name: "Restore Mia Lindqvist" }).click();
    await deleted.getByText("Mia Lindqvist is back").waitFor();
    assert.equal((await ann.api.lookup(ann.primaryBook, [uid]))[0].deleted, false);
    await rowLink(page, "Mia Lindqvist").waitFor();
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("asks to sign in again when the session expires, keeping what the user typed", async () => {
    const web = await openWeb(browser, stack, `/books/${ann.primaryBook}/new`);
    const { page } = web;
    await signIn(page, "ann", ann.password);
    const form = page.getByRole("form", { name: "New contact" });
    await form.getByLabel("Display name").fill("Noor Haddad");
    await form.getByLabel("Notes").fill("Met at the trade fair");
    // The server's answer to a session that ended: the token is refused, and so is the refresh.
    await page.route(
      "**/api/auth/refresh",
      (route) =>
        route.fulfill({
          status: 401,
          contentType: "application/json",
          body: '{"error":{"code":"unauthorized","message":"session ended"}}',
        }),
      { times: 1 },
    );
    await page.route(
      "**/api/books/*/contacts/*",
      (route) =>
        route.request().method() === "PUT"
          ? route.fulfill({
              status: 401,
              contentType: "application/json",
              body: '{"error":{"code":"unauthorized","message":"expired"}}',
            })
          : route.fallback(),
      { times: 1 },
    );
    await form.getByRole("button", { name: "Save" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Sign in again" });
    await dialog.waitFor();
    await screenshot(page, "web-session-expired");
    assert.equal(await dialog.getByLabel("User name").inputValue(), "ann");
    await dialog.getByLabel("Password").fill(ann.password);
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(await form.getByLabel("Notes").inputValue(), "Met at the trade fair");
    await form.getByRole("button", { name: "Save" }).click();
    await page.getByRole("article", { name: "Contact Noor Haddad" }).waitFor();
    await web.close();
  });

  it("creates a PAB, shares it read-only, and the second user sees it but cannot edit", async () => {
    const bob = await stack.account("bob");
    const web = await openWeb(browser, stack, "/");
    const { page } = web;
    await signIn(page, "ann", ann.password);
    await page.getByRole("button", { name: "New address book" }).click();
    await page.getByLabel("Name of the new address book").fill("Suppliers");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "Suppliers" }).waitFor();
    const book = page.url().split("/books/")[1];
    await stack.rest(ann).create(book, { ...zoe, uid: "sup-1", displayName: "Supplier One" });
    await page.getByRole("link", { name: "Book settings" }).click();
    await page.getByLabel("Share with user").fill("bob");
    await page.getByRole("button", { name: "Share", exact: true }).click();
    await page.getByText("bob (read-only)").waitFor();
    await screenshot(page, "web-book-settings");
    await assertAccessible(page, "book settings");
    await web.close();

    const second = await openWeb(browser, stack, "/");
    await signIn(second.page, "bob", bob.password);
    const shared = second.page
      .getByRole("navigation", { name: "Address books" })
      .getByRole("link", { name: /Suppliers/ });
    await shared.waitFor();
    assert.match(await shared.innerText(), /read-only/);
    await shared.click();
    await rowLink(second.page, "Supplier One").click();
    const details = second.page.getByRole("article", { name: "Contact Supplier One" });
    await details.getByText("You have read-only access to Suppliers").waitFor();
    assert.equal(await details.getByRole("button", { name: "Edit" }).count(), 0);
    assert.equal(await second.page.getByRole("link", { name: "New contact" }).count(), 0);
    await screenshot(second.page, "web-shared-read-only");
    await second.close();

    // The owner deletes the book; the confirmation states the count.
    const again = await openWeb(browser, stack, `/books/${book}/manage`);
    await signIn(again.page, "ann", ann.password);
    await again.page.getByRole("button", { name: "Delete this book" }).click();
    await again.page.getByText("Delete Suppliers and the 1 contact in it?").waitFor();
    await again.page.getByRole("button", { name: "Delete Suppliers and 1 contact" }).click();
    await again.page.waitForURL(/\/books\/gab$/);
    assert.equal(
      (await ann.api.listBooks()).some((b) => b.id === book),
      false,
    );
    await again.close();
  });

  it("copies three GAB contacts to a PAB, moves one on, deletes a selection, and merges a duplicate pair", async () => {
    const carl = await stack.account("carl");
    const archive = await stack.createBook(carl, "Archive");
    const web = await openWeb(browser, stack, "/books/gab");
    const { page } = web;
    await signIn(page, "carl", carl.password);
    await page.getByLabel("Search").fill("Person 000");
    await rowLink(page, "Person 0009").waitFor();
    for (const n of ["0001", "0002", "0003"]) await page.getByRole("checkbox", { name: `Select Person ${n}` }).check();
    const bar = page.getByRole("region", { name: "Selected contacts" });
    await bar.getByText("3 contacts selected").waitFor();
    await bar.getByLabel("Copy or move to").selectOption({ label: "Contacts" });
    await screenshot(page, "web-multi-select");
    await assertAccessible(page, "selection");
    await bar.getByRole("button", { name: "Copy" }).click();
    await page.getByText("Copied 3 contacts to Contacts.").waitFor();
    const names = async (book: string) => (await serverContactsOf(carl, book)).map((c) => c.displayName).sort();
    assert.deepEqual(await names(carl.primaryBook), ["Person 0001", "Person 0002", "Person 0003"]);

    await page.goto(`${stack.serverUrl}/books/${carl.primaryBook}`);
    await page.getByRole("checkbox", { name: "Select Person 0003" }).check();
    await page
      .getByRole("region", { name: "Selected contacts" })
      .getByLabel("Copy or move to")
      .selectOption({ label: "Archive" });
    await page.getByRole("button", { name: "Move", exact: true }).click();
    await page.getByText("Moved 1 contact to Archive.").waitFor();
    assert.deepEqual(await names(archive.id), ["Person 0003"]);
    await rowLink(page, "Person 0002").waitFor();
    // A category is a contact group: added to a selection, then the list filters by it.
    await page.getByRole("checkbox", { name: "Select Person 0001" }).check();
    await page.getByRole("region", { name: "Selected contacts" }).getByLabel("Category").fill("Suppliers");
    await page.getByRole("button", { name: "Add category" }).click();
    await page.getByText("Added Suppliers to 1 contact.").waitFor();
    const tagged = (await serverContactsOf(carl, carl.primaryBook)).find((c) => c.displayName === "Person 0001");
    assert.deepEqual(tagged?.categories, ["Suppliers"]);
    await page.getByLabel("Category").fill("Suppliers");
    await page.getByText(/^1 contact, by name/).waitFor();
    await page.getByLabel("Category").fill("");
    await rowLink(page, "Person 0002").waitFor();
    await page.getByRole("checkbox", { name: "Select Person 0002" }).check();
    await page.getByRole("button", { name: "Delete selected" }).click();
    await page.getByText("Deleted 1 contact.").waitFor();
    assert.deepEqual(await names(carl.primaryBook), ["Person 0001"]);

    // A duplicate: the same person typed twice, name reversed, the same address.
    const rest = stack.rest(carl);
    await rest.create(carl.primaryBook, {
      ...zoe,
      uid: "dup-a",
      displayName: "Lindqvist, Mia",
      name: undefined,
      company: "Nordic",
      emails: [{ type: "work", address: "mia@nordic.example" }],
      phones: [],
      categories: [],
    });
    await rest.create(carl.primaryBook, {
      ...zoe,
      uid: "dup-b",
      displayName: "Mia Lindqvist",
      name: undefined,
      company: undefined,
      jobTitle: "Broker",
      emails: [{ type: "work", address: "MIA@nordic.example" }],
      phones: [],
      categories: [],
    });
    await page.goto(`${stack.serverUrl}/books/${carl.primaryBook}/duplicates`);
    const found = page.getByRole("region", { name: "Duplicates" });
    await found.getByText("same e-mail, similar name").waitFor();
    await assertAccessible(page, "duplicates");
    await found.getByRole("button", { name: "Review Lindqvist, Mia and Mia Lindqvist" }).click();
    await found
      .getByRole("radiogroup", { name: "Company" })
      .getByRole("radio", { name: /^Lindqvist, Mia: Nordic/ })
      .check();
    await screenshot(page, "web-duplicates-merge");
    await found.getByRole("button", { name: "Merge into one contact" }).click();
    await found.getByText(/^Merged into/).waitFor();
    const left = (await serverContactsOf(carl, carl.primaryBook)).filter((c) => c.uid.startsWith("dup-"));
    assert.equal(left.length, 1);
    assert.equal(left[0].company, "Nordic");
    assert.equal(left[0].jobTitle, "Broker");
    assert.deepEqual(web.problems, []);
    await web.close();
  });
});

describe("Concord Web in Chromium: device sessions", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let dee: Account;

  before(async function () {
    stack = await startStack({ addinDir: ensureWebBuilt() });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
    dee = await stack.account("dee");
    const rest = stack.rest(dee);
    for (const name of ["Ada Lovelace", "Grace Hopper"])
      await rest.create(dee.primaryBook, { ...zoe, uid: name.split(" ")[0].toLowerCase(), displayName: name });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  const rowLink = (page: Page, name: string) =>
    page.getByRole("list", { name: "Contact list" }).getByRole("link", { name: new RegExp(`^${name}`) });
  const kept = (page: Page) =>
    page.evaluate(() => JSON.parse(sessionStorage.getItem("concord.web.session") ?? "null")) as Promise<{
      token: string;
      refreshToken: string;
      sessionId: string;
    } | null>;
  /** The stored versions, read with a fresh token: an earlier test moved the clock past dee's. */
  const lookup = async (uid: string) => {
    const response = await fetch(`${stack.serverUrl}/api/books/${dee.primaryBook}/lookup`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await stack.t.login("dee", dee.password)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ uids: [uid] }),
    });
    return ((await response.json()) as { results: { contact?: Contact }[] }).results;
  };
  const sessionsOf = async (who: Account) => {
    const token = await stack.t.login(who.username, who.password); // a fresh token: the clock may have moved
    const response = await fetch(`${stack.serverUrl}/api/sessions`, { headers: { authorization: `Bearer ${token}` } });
    return { token, sessions: ((await response.json()) as { sessions: { id: string }[] }).sessions };
  };

  it("stays signed in past its access token's 15 minutes, refreshing it, and over a reload", async () => {
    const web = await openWeb(browser, stack, `/books/${dee.primaryBook}`);
    const { page } = web;
    await signIn(page, "dee", dee.password);
    await rowLink(page, "Ada Lovelace").waitFor();
    const before = (await kept(page))!;
    assert.ok(before.refreshToken && before.sessionId);

    stack.t.advance(16 * 60_000);
    await page.getByLabel("Search").fill("grace");
    await rowLink(page, "Ada Lovelace").waitFor({ state: "detached" }); // the search's answer is on screen
    await rowLink(page, "Grace Hopper").waitFor();
    assert.equal(await page.getByRole("alertdialog", { name: "Sign in again" }).count(), 0);
    const after = (await kept(page))!;
    assert.notEqual(after.token, before.token);
    assert.notEqual(after.refreshToken, before.refreshToken);
    assert.equal(after.sessionId, before.sessionId);

    await page.reload();
    await rowLink(page, "Ada Lovelace").waitFor();
    assert.equal(await page.getByRole("button", { name: "Sign in" }).count(), 0);
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("asks to sign in again when the session is revoked, keeping what the user typed", async () => {
    const web = await openWeb(browser, stack, `/books/${dee.primaryBook}/new`);
    const { page } = web;
    await signIn(page, "dee", dee.password);
    const form = page.getByRole("form", { name: "New contact" });
    await form.getByLabel("Display name").fill("Hedy Lamarr");
    await form.getByLabel("Notes").fill("Frequency hopping");
    const { sessionId } = (await kept(page))!;
    const { token } = await sessionsOf(dee);
    const revoked = await fetch(`${stack.serverUrl}/api/sessions/${sessionId}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(revoked.status, 204);

    await form.getByRole("button", { name: "Save" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Sign in again" });
    await dialog.waitFor();
    await dialog.getByLabel("Password").fill(dee.password);
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(await form.getByLabel("Notes").inputValue(), "Frequency hopping");
    await form.getByRole("button", { name: "Save" }).click();
    await page.getByRole("article", { name: "Contact Hedy Lamarr" }).waitFor();
    await web.close();
  });

  it("edits addresses, web pages and IM addresses, and uploads a photo, refusing one over MAX_PHOTO_BYTES", async () => {
    const web = await openWeb(browser, stack, `/books/${dee.primaryBook}/new`);
    const { page } = web;
    await signIn(page, "dee", dee.password);
    const form = page.getByRole("form", { name: "New contact" });
    await form.getByLabel("Display name").fill("Katherine Johnson");
    await form.getByRole("button", { name: "Add address" }).click();
    await form.getByLabel("Address 1 type").selectOption("home");
    await form.getByLabel("Address 1 street").fill("1 Langley Way");
    await form.getByLabel("Address 1 city").fill("Hampton");
    await form.getByLabel("Address 1 country").fill("USA");
    await form.getByRole("button", { name: "Add web page" }).click();
    await form.getByLabel("Web page 1", { exact: true }).fill("https://nasa.example/kj");
    await form.getByRole("button", { name: "Add IM address" }).click();
    await form.getByLabel("IM 1 service").fill("xmpp");
    await form.getByLabel("IM 1", { exact: true }).fill("kj@chat.example");
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    const chooser = form.getByLabel("Choose a photo");
    await chooser.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(1024 * 1024 + 1) });
    await form.getByText(/huge\.png is 1\.0 MiB; a photo may be 1 MiB at most/).waitFor();
    await chooser.setInputFiles({ name: "kj.png", mimeType: "image/png", buffer: png });
    await form.getByText("A new photo, saved with the contact").waitFor();
    await assertAccessible(page, "editor with every list");
    await form.getByRole("button", { name: "Save" }).click();
    const details = page.getByRole("article", { name: "Contact Katherine Johnson" });
    await details.getByText("1 Langley Way, Hampton, USA").waitFor();
    await details.getByText("https://nasa.example/kj").waitFor();
    await details.getByText("kj@chat.example").waitFor();
    await details.getByRole("img").waitFor();
    const uid = decodeURIComponent(page.url().split("/contacts/")[1]);
    const [saved] = await lookup(uid);
    assert.deepEqual(saved.contact?.addresses, [
      { type: "home", street: "1 Langley Way", city: "Hampton", country: "USA" },
    ]);
    assert.deepEqual(saved.contact?.urls, [{ type: "work", url: "https://nasa.example/kj" }]);
    assert.deepEqual(saved.contact?.im, [{ type: "xmpp", address: "kj@chat.example" }]);
    assert.equal(saved.contact?.photo?.mediaType, "image/png");
    const photo = await fetch(`${stack.serverUrl}/api/books/${dee.primaryBook}/contacts/${uid}/photo`, {
      headers: { authorization: `Bearer ${await stack.t.login("dee", dee.password)}` },
    });
    assert.deepEqual(Buffer.from(await photo.arrayBuffer()), png);

    // Edit: the photo is removed, the address changed.
    await details.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("form", { name: "Edit contact" });
    await edit.getByLabel("Address 1 city").fill("Newport News");
    await edit.getByRole("button", { name: "Remove photo" }).click();
    await edit.getByRole("button", { name: "Save" }).click();
    await details.getByText("1 Langley Way, Newport News, USA").waitFor();
    const [edited] = await lookup(uid);
    assert.equal(edited.contact?.photo, undefined);
    assert.deepEqual(web.problems, []);
    await web.close();
  });

  it("signs out on the server: the session is gone from the user's devices", async () => {
    const web = await openWeb(browser, stack, `/books/${dee.primaryBook}`);
    const { page } = web;
    await signIn(page, "dee", dee.password);
    await rowLink(page, "Ada Lovelace").waitFor();
    const { sessionId } = (await kept(page))!;
    assert.ok((await sessionsOf(dee)).sessions.some((s) => s.id === sessionId));
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(await kept(page), null);
    assert.equal(
      (await sessionsOf(dee)).sessions.some((s) => s.id === sessionId),
      false,
    );
    await web.close();
  });
});
