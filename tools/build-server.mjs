// Builds the server that `npm start` runs: server/main.ts as one ES module in dist/server/, and the
// import reader's worker (server/imports/analyze-worker.ts) as one beside it. Run as TypeScript
// through tsx, the server held about 50 MB more: tsx's loader thread, and each module's source map.
// esbuild only strips the types (`npm run typecheck` checks them); packages stay in node_modules.
// `node tools/build-server.mjs` builds; benches import buildServer to build entries of their own.
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The server's bundles, and `extra` ones (output path without extension → source), in dist/. */
export async function buildServer(extra = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: {
      "server/main": "server/main.ts",
      "server/analyze-worker": "server/imports/analyze-worker.ts",
      ...extra,
    },
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20.19",
    sourcemap: "linked", // for `node --enable-source-maps` when a stack trace should name the .ts lines
    logLevel: "warning",
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildServer();
