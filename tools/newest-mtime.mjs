// The newest modification time under some paths (files, or folders walked whole; a path that does
// not exist is skipped), so a build runs only when a source is newer than what was built from it.
// Plain JavaScript: tools/build-server.mjs runs before any TypeScript can, and server/main.ts
// (the add-in's build) bundles it.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export const newestMtime = (paths) => Math.max(...paths.filter((p) => existsSync(p)).map(newest));
