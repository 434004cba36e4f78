// core/ is shared by the browser add-in and the server, and must stay pure:
// no I/O, no host APIs, no clock but one passed in.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const coreDir = new URL("../core/", import.meta.url).pathname;
const pureDependencies = new Set([
  "zod",
  "@noble/hashes",
  "ical.js",
  "libqp",
  "iconv-lite",
  "csv-parse",
  "csv-stringify",
  "fast-xml-parser",
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const specifiers = [
    ...source.matchAll(
      /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ];
  return specifiers.map((m) => m[1] ?? m[2] ?? m[3]);
}

// core/tsconfig.json: ES2022 only, no DOM and no Node types, so a host API fails to compile.
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
function typecheck(project: string) {
  const run = spawnSync(process.execPath, [tsc, "--noEmit", "-p", project], { encoding: "utf8" });
  return { ok: run.status === 0, output: run.stdout + run.stderr };
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

describe("core/ purity", () => {
  const files = sourceFiles(coreDir);

  it("finds the core sources", () => assert.ok(files.length > 0));

  it("recognises the import forms it polices", () => {
    const sample = `import fs from "node:fs";\nimport { x } from "./local";\nexport * from "express";\nconst m = await import("mongoose");\nrequire("http");`;
    assert.deepEqual(importsOf(sample), ["node:fs", "./local", "express", "mongoose", "http"]);
    assert.equal(packageOf("@noble/hashes/sha2.js"), "@noble/hashes");
  });

  it("imports only core files and pure dependencies", () => {
    const offenders = files.flatMap((file) =>
      importsOf(readFileSync(file, "utf8"))
        .filter((spec) =>
          spec.startsWith(".") ? !join(file, "..", spec).startsWith(coreDir) : !pureDependencies.has(packageOf(spec)),
        )
        .map((spec) => `${relative(coreDir, file)} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });

  it("compiles with core's own tsconfig, which knows neither DOM nor Node", () => {
    const { ok, output } = typecheck(coreDir);
    assert.ok(ok, output);
  });

  it("fails core's own tsconfig on a Node import, a Node global, fetch or the DOM", () => {
    // A copy of core/tsconfig.json beside a file that uses each: every use must be an error.
    const dir = mkdtempSync(join(tmpdir(), "core-purity-"));
    try {
      const config = { extends: join(coreDir, "tsconfig.json"), include: ["*.ts"], exclude: [] };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
      const uses = ['import { readFileSync } from "node:fs";', "process.env;", "fetch;", "document;", "Buffer;"];
      writeFileSync(join(dir, "impure.ts"), uses.join("\n") + "\nexport { readFileSync };\n");
      const { ok, output } = typecheck(dir);
      assert.equal(ok, false);
      const failedLines = new Set([...output.matchAll(/impure\.ts\((\d+),/g)].map((m) => Number(m[1])));
      assert.deepEqual(
        [...failedLines].sort((a, b) => a - b),
        uses.map((_, i) => i + 1),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads no clock, does no fetch and touches no Office host", () => {
    const impure =
      /\bDate\.now\(|new Date\(\s*\)|\bfetch\(|\bOffice\.|\bXMLHttpRequest\b|\bprocess\.|\bsetTimeout\(|\bperformance\.now\(/;
    const offenders = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => ({ line: line.replace(/\/\/.*$/, ""), at: `${relative(coreDir, file)}:${i + 1}` }))
        .filter(({ line }) => impure.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    assert.deepEqual(offenders, []);
  });
});
