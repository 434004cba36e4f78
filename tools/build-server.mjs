// Builds the server that `npm start` runs: server/main.ts as one ES module in dist/server/, and the
// import reader's worker (server/imports/analyze-worker.ts) as one beside it. Run as TypeScript
// through tsx, the server held about 50 MB more: tsx's loader thread, and each module's source map.
// esbuild only strips the types (`npm run typecheck` checks them); packages stay in node_modules.
//
// `node tools/build-server.mjs` builds when a bundle is missing or older than the sources (a
// Docker image builds it once, and its server may not write there); benches import buildServer
// to build entries of their own. Each file is written beside its place and renamed into it, so a
// running server starting an import worker never reads a file half-written by another start.
import { existsSync, mkdirSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { newestMtime } from "./newest-mtime.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const serverEntries = {
  "server/main": "server/main.ts",
  "server/analyze-worker": "server/imports/analyze-worker.ts",
};

/** Whether every bundle of `entries` exists and is newer than the sources it is built from. */
function upToDate(entries) {
  const sources = newestMtime(
    ["server", "core", "bench", "package.json", "tools/build-server.mjs", "tools/newest-mtime.mjs"].map((p) =>
      join(root, p),
    ),
  );
  return Object.keys(entries).every((out) => {
    const file = join(root, "dist", `${out}.mjs`);
    return existsSync(file) && statSync(file).mtimeMs > sources;
  });
}

/** The server's bundles, and `extra` ones (output path without extension → source), in dist/. */
export async function buildServer(extra = {}) {
  const entries = { ...serverEntries, ...extra };
  if (upToDate(entries)) return;
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20.19",
    sourcemap: "linked", // for `node --enable-source-maps` when a stack trace should name the .ts lines
    logLevel: "warning",
    write: false,
  });
  // Source maps first, each bundle last: a bundle newer than the sources is a whole build.
  const files = [...result.outputFiles].sort(
    (a, b) => Number(a.path.endsWith(".mjs")) - Number(b.path.endsWith(".mjs")),
  );
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = join(dirname(file.path), `.${process.pid}.${Date.now()}.tmp`);
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

const invoked = process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href;
if (import.meta.url === invoked) await buildServer();
