// The main Outlook Contacts folder in the pane, in headless Chromium at 320 px against the real server
// and a fake Graph mailbox: the setup step offers it, and a first sync into it matches the contacts it
// already holds (no duplicates) and says how many. A screenshot in test-artifacts/.
import assert from "node:assert/strict";
import { contact, outlookContacts, serverContacts } from "./support/stack";
import { assertFits, openPane, pickFolder, screenshot, signIn, syncsFinished, paneStack } from "./pane-harness";

describe("task pane and the main Contacts folder", function () {
  this.timeout(300_000);
  const env = paneStack();

  it("pairs the user's book with the main Contacts folder and matches the contacts already in it", async () => {
    const lee = await env.stack.account("lee");
    const email = (address: string) => ({ emails: [{ type: "work" as const, address }] });
    await lee.api.applyBatch(lee.primary.id, [
      { op: "put", uid: "l-1", contact: contact("l-1", "Lou Lane", email("lou@example.com")) },
      { op: "put", uid: "l-2", contact: contact("l-2", "Liv Lane", email("liv@example.com")) },
    ]);
    const box = await env.stack.mailbox();
    const main = box.graph.mailbox.mainFolderId;
    box.graph.addContact(main, { displayName: "Lou Lane", emailAddresses: [{ address: "lou@example.com" }] });
    box.graph.addContact(main, { displayName: "Liv Lane", emailAddresses: [{ address: "liv@example.com" }] });
    box.graph.addContact(main, { displayName: "Dad" });

    const pane = await openPane(env.browser, env.stack, box);
    const { page } = pane;
    await signIn(page, "lee", lee.password);
    await page.getByRole("button", { name: "Start syncing" }).waitFor();
    for (const other of lee.books.filter((b) => b.id !== lee.primary.id))
      await page.locator(`[data-setup="${other.id}"]`).getByRole("switch").click();
    await pickFolder(page, lee.primary.id, "Contacts (your main Outlook contacts)");
    await assertFits(page, "setup with the main Contacts folder picked");
    await page.getByRole("button", { name: "Start syncing" }).click();
    await syncsFinished(pane, 0, 1);

    const card = page.locator(`[data-book="${lee.primary.id}"]`);
    await page.getByText(/2 contacts already in the folder matched/).waitFor();
    await screenshot(page, "pane-main-folder-matched");
    assert.deepEqual(
      outlookContacts(box.graph, main)
        .map((c) => c.displayName)
        .sort(),
      ["Dad", "Liv Lane", "Lou Lane"],
      "no duplicates in the main folder",
    );
    assert.equal(box.graph.mailbox.folders.size, 0, "no subfolder was made");
    assert.deepEqual((await serverContacts(lee.api, lee.primary.id)).map((c) => c.displayName).sort(), [
      "Dad",
      "Liv Lane",
      "Lou Lane",
    ]);
    assert.match(await card.innerText(), /Contacts/);
    assert.deepEqual(
      pane.problems.filter((p) => p.startsWith("pageerror")),
      [],
    );
    await pane.close();
  });
});
