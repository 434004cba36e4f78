// "Sync every N minutes" in headless Chromium against the real server: the N minutes count from sign-in, and
// using the pane (each tab switch re-renders it) does not put the next sync off. The page's clock is Playwright's
// fake one, so 15 minutes pass in a moment.
import assert from "node:assert/strict";
import { openPane, signIn, syncsFinished, paneStack } from "./pane-harness";

describe("task pane: sync every N minutes", function () {
  this.timeout(300_000);
  const env = paneStack();

  it("using the pane does not put off its next sync", async () => {
    const pane = await openPane(env.browser, env.stack, await env.stack.mailbox(), { fakeClock: true });
    const { page } = pane;
    const account = await env.stack.account("quinn");
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
