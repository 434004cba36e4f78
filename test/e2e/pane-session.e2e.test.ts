// The pane's device session in headless Chromium against the real server: it stays signed in past
// its access token's lifetime (refreshing on its own), and asks to sign in again, saying why, once
// a password change ended the session; and it signs in with an e-mail address.
import assert from "node:assert/strict";
import { sessionEndedMessage } from "../../addin/server-api";
import { openPane, screenshot, signIn, syncsFinished, paneStack } from "./pane-harness";

describe("task pane session", function () {
  this.timeout(300_000);
  const env = paneStack();

  it("stays signed in past the access token's lifetime, and asks to sign in again once a password change ended the session", async () => {
    const dee = await env.stack.account("dee");
    const pane = await openPane(env.browser, env.stack, await env.stack.mailbox());
    const { page } = pane;
    await signIn(page, "dee", dee.password);
    await page.getByRole("button", { name: "Start syncing" }).click();
    await syncsFinished(pane, 0, dee.books.length);

    // The access token ran out: the next sync refreshes the session on its own and syncs.
    env.stack.t.advance(env.stack.t.deps.config.tokenTtlSeconds * 1000 + 60_000);
    const from = pane.syncStarts.count;
    await page.getByRole("button", { name: "Sync now" }).click();
    await syncsFinished(pane, from, dee.books.length);
    assert.equal(await page.getByLabel("Password").count(), 0, "still signed in");
    assert.doesNotMatch(await page.locator("body").innerText(), /session/i);
    const root = await env.stack.account("root", true);
    const listed = await env.stack.t
      .http()
      .get("/api/admin/users/dee/sessions")
      .set({ Authorization: `Bearer ${root.token}` })
      .expect(200);
    assert.ok(
      listed.body.sessions.some((s: { device: string }) => /^Outlook/.test(s.device)),
      JSON.stringify(listed.body),
    );

    await env.stack.t.deps.accounts.updateUser("dee", { password: "changed-by-an-admin-1" });
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.getByText(sessionEndedMessage).waitFor();
    await page.getByLabel("Password").waitFor();
    await screenshot(page, "pane-session-ended");
    assert.deepEqual(
      pane.problems.filter((p) => p.startsWith("pageerror")),
      [],
    );
    await pane.close();
  });

  it("signs in with the user's e-mail address typed in any case, and shows their user name", async () => {
    const eve = await env.stack.account("eve");
    await env.stack.t.deps.accounts.updateUser("eve", { email: "Eve.Evans@Example.com" });
    const pane = await openPane(env.browser, env.stack, await env.stack.mailbox());
    const { page } = pane;
    await signIn(page, "EVE.EVANS@example.COM", eve.password);
    await page.getByRole("button", { name: "Start syncing" }).waitFor();
    assert.match(await page.locator("body").innerText(), /\beve on /);
    await screenshot(page, "pane-signed-in-by-email");
    assert.deepEqual(
      pane.problems.filter((p) => p.startsWith("pageerror")),
      [],
    );
    await pane.close();
  });
});
