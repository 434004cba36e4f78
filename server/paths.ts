// Where the repository's own files are (package.json, manifest.xml, tools/, dist/). The server runs
// as TypeScript from server/ (tests, `npm run admin`) and as a bundle from dist/server/ (`npm start`,
// tools/build-server.mjs), so a path relative to a module's own file would differ between the two:
// each is taken from the nearest folder above this module that holds package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function rootAbove(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json in any folder above ${start}`);
  }
}

const repoRoot = rootAbove(dirname(fileURLToPath(import.meta.url)));

/** A path inside the repository, from its parts. */
export const fromRoot = (...parts: string[]) => join(repoRoot, ...parts);
