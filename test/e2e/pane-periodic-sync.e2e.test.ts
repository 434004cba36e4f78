// "Sync every N minutes" in headless Chromium against the real server: the N minutes count from sign-in, and
// using the pane (each tab switch re-renders it) does not put the next sync off. The page's clock is Playwright's
// fake one, so 15 minutes pass in a moment.
import assert from "node:assert/strict";
import { chromium, type Browser } from "playwright-core";
import { ensureAddinBuilt } from "./support/addin-build";
import { startStack, type Stack } from "./support/stack";
import { chromiumArgs, openPane, signIn, syncsFinished } from "./pane-harness";

describe("task pane: sync every N minutes", function () {
  this.timeout(300_000);
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

  it("using the pane does not put off its next sync", async () => {
    const pane = await openPane(browser, stack, await stack.mailbox(), { fakeClock: true });
    const { page } = pane;
    const account = await stack.account("quinn");
    await signIn(page, "quinn", account.password);
    await page.getByRole("button", { name: "Start syncing" }).click();
    const books = account.books.length;
    await syncsFinished(pane, 0, books);

    // Each tab switch re-renders the pane; the timer (15 minutes, the default) must keep counting from sign-in,
    // not from the last render.
    const from = pane.syncStarts.count;
    for (const tab of ["Settings", "Address books"]) {
      await page.getByRole("tab", { name: tab }).click();
      await pane.clock.fastForward("06:00");
    }
    await page.waitForTimeout(300); // a sync the timer started would have asked for its state by now
    assert.equal(pane.syncStarts.count, from, "no sync 12 minutes in");
    await page.getByRole("tab", { name: "Settings" }).click();
    await pane.clock.fastForward("06:00");
    await syncsFinished(pane, from, books);
    assert.deepEqual(pane.problems, []);
    await pane.close();
  });
});
