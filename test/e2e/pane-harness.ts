// The built task pane in headless Chromium at Outlook's task-pane width (320 px), with the Office
// stub and the test hooks pointing the Graph store at a fake mailbox. Shared by the pane e2e tests.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ensureAddinBuilt } from "./support/addin-build";
import { officeJsReplacement, officeStubScript } from "./support/office-stub";
import { startStack, type Mailbox, type Stack } from "./support/stack";

export const artifacts = join(process.cwd(), "test-artifacts");
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];
/** The stack (the server, fake mailboxes) and Debian's Chromium for the tests of the describe block that
 *  calls this: started before them, closed after. */
export function paneStack(): { readonly stack: Stack; readonly browser: Browser } {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  before(async () => {
    stack = await startStack({ addinDir: ensureAddinBuilt() });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });
  return {
    get stack() {
      return stack!;
    },
    get browser() {
      return browser!;
    },
  };
}

/** Outlook's task pane is 320 px wide by default. */
export const paneWidth = 320;

/** Responses that are the API's normal answers, not problems. */
function expected(status: number, method: string, url: string): boolean {
  // A pair's first sync finds no saved state: 404 is the API's answer for that (server/routes/sync-state.ts).
  if (status === 404 && method === "GET" && url.includes("/api/sync-state/")) return true;
  // GET /api/client-config comes with the OPS helper's change; until then the pane reads a 404 as "no client id".
  return status === 404 && url.includes("/api/client-config");
}

export type PaneOptions = {
  /** Fake the page's timers (Playwright's clock): time flows, and clock.fastForward jumps ahead. */
  fakeClock?: boolean;
};

/** A page with the Office stub, the real office.js swapped out, and every page error kept. */
export async function openPane(browser: Browser, stack: Stack, box: Mailbox, options: PaneOptions = {}) {
  const context = await browser.newContext({ viewport: { width: paneWidth, height: 900 } });
  await context.addInitScript({
    content: officeStubScript({ hooks: { graphToken: box.graph.token, graphBaseUrl: box.graphUrl } }),
  });
  if (options.fakeClock) await context.clock.install();
  const officeJsLoads: string[] = [];
  await context.route("**/office/office.js", (route) => {
    officeJsLoads.push(route.request().url());
    return route.fulfill({ contentType: "application/javascript", body: officeJsReplacement });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  // Failed loads are judged by their responses below, where the URL is known.
  page.on(
    "console",
    (m) =>
      void (
        m.type() === "error" &&
        !m.text().startsWith("Failed to load resource") &&
        problems.push(`console: ${m.text()}`)
      ),
  );
  page.on("response", (response) => {
    const method = response.request().method();
    if (response.status() >= 400 && !expected(response.status(), method, response.url()))
      problems.push(`${response.status()} ${method} ${response.url()}`);
  });
  // One GET of a pair's sync state starts each book's sync (addin/sync/sync-session.ts, "loading").
  const syncStarts = { count: 0 };
  page.on(
    "request",
    (request) => void (request.method() === "GET" && request.url().includes("/api/sync-state/") && syncStarts.count++),
  );
  await page.goto(`${stack.serverUrl}/taskpane.html`);
  return { page, problems, officeJsLoads, syncStarts, clock: context.clock, close: () => context.close() };
}
export type Pane = Awaited<ReturnType<typeof openPane>>;

/** Signs in through the form; the server address is already filled in with the pane's origin. */
export async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Waits until `books` more syncs have started and the pane is idle again (Sync now enabled). */
export async function syncsFinished(pane: Pane, from: number, books: number) {
  const button = pane.page.getByRole("button", { name: "Sync now" });
  const deadline = Date.now() + 90_000;
  while (pane.syncStarts.count < from + books || !(await button.isEnabled().catch(() => false))) {
    assert.ok(Date.now() < deadline, `syncs did not finish: ${pane.syncStarts.count - from} of ${books} started`);
    await pane.page.waitForTimeout(50);
  }
}

/** Picks a folder in a setup row's folder picker (a Fluent Dropdown: its options open in a portal). */
export async function pickFolder(page: Page, bookId: string, folder: string) {
  await page.locator(`[data-setup="${bookId}"]`).getByRole("combobox").click();
  await page.getByRole("option", { name: folder, exact: true }).click();
}

/**
 * The pane fits 320 px: nothing scrolls sideways, no button wraps its label onto a second line, no
 * badge is clipped.
 */
export async function assertFits(page: Page, state: string) {
  const report = await page.evaluate(() => {
    const wide = document.documentElement.scrollWidth > document.documentElement.clientWidth;
    const wrapped = Array.from(document.querySelectorAll("button"))
      .filter((b) => b.getBoundingClientRect().height > 40)
      .map((b) => b.textContent);
    const clipped = Array.from(document.querySelectorAll(".fui-Badge"))
      .filter((b) => b.scrollWidth > b.clientWidth + 1)
      .map((b) => b.textContent);
    return { wide, wrapped, clipped };
  });
  assert.deepEqual(report, { wide: false, wrapped: [], clipped: [] }, `${state}: the pane does not fit ${320} px`);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

type Roamed = { __concordRoamingSaved: Record<string, string> };
export const roamedSettings = async (page: Page) =>
  JSON.parse(
    (await page.evaluate(() => (window as unknown as Roamed).__concordRoamingSaved["concord.settings"])) ?? "{}",
  );
