// The production build the e2e tests load (the task pane and Concord Web: one webpack run builds
// both), rebuilt only when a source is newer.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { defaultAddinDir } from "../../../server/app";

const root = join(defaultAddinDir(), "..", "..");
const sources = ["web", "addin", "core", "manifest.xml", "webpack.config.js"].map((p) => join(root, p));

/** Builds dist/addin with webpack unless its pages are newer than every source; returns the directory. */
export function ensureAddinBuilt(): string {
  const dir = defaultAddinDir();
  const pages = ["taskpane.html", "index.html"].map((page) => join(dir, page));
  const oldest = Math.min(...pages.map((page) => (existsSync(page) ? statSync(page).mtimeMs : 0)));
  if (oldest >= newestSource()) return dir;
  const result = spawnSync("npx", ["webpack", "--mode", "production"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`webpack failed:\n${result.stdout}\n${result.stderr}`);
  return dir;
}

function newestSource(): number {
  const newest = (path: string): number => {
    const stat = statSync(path);
    return stat.isDirectory()
      ? Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
      : stat.mtimeMs;
  };
  return Math.max(...sources.filter((p) => existsSync(p)).map(newest));
}
