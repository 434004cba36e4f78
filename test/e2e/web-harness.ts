// Concord Web in headless Chromium, served by the real server: the build, a page with its errors
// kept, signing in, and axe-core's accessibility check. Shared by the web e2e tests.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Stack } from "./support/stack";

export { chromiumArgs } from "./pane-harness";
export const artifacts = join(process.cwd(), "test-artifacts");

/** Builds dist/addin (the pane and the web app) unless it is newer than every source. */
export { ensureAddinBuilt as ensureWebBuilt } from "./support/addin-build";

/** A page of the web app at `path`, 1280×800 unless told, with every page error kept. */
export async function openWeb(
  browser: Browser,
  stack: Stack,
  path = "/",
  options: { width?: number; height?: number; colorScheme?: "light" | "dark" } = {},
) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? "light",
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on(
    "console",
    (m) => void (m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text())),
  );
  await page.goto(`${stack.serverUrl}${path}`);
  return { page, problems, close: () => context.close() };
}

export async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core run inside the page: no serious or critical violation (WCAG 2.1 A and AA rules). */
export async function assertAccessible(page: Page, state: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    type AxeViolation = { id: string; impact: string; nodes: { target: string[] }[] };
    const result = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(violations, [], `${state}: axe-core found serious or critical violations`);
}
