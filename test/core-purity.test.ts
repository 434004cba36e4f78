// core/ is shared by the browser add-in and the server, and must stay pure:
// no I/O, no host APIs, no clock but one passed in.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const coreDir = new URL("../core/", import.meta.url).pathname;
const pureDependencies = new Set(["zod", "@noble/hashes", "ical.js", "libqp", "iconv-lite", "csv-parse", "csv-stringify", "fast-xml-parser"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return specifiers.map((m) => m[1] ?? m[2] ?? m[3]);
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
        .filter((spec) => (spec.startsWith(".") ? !join(file, "..", spec).startsWith(coreDir) : !pureDependencies.has(packageOf(spec))))
        .map((spec) => `${relative(coreDir, file)} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });

  it("reads no clock, does no fetch and touches no Office host", () => {
    const impure = /\bDate\.now\(|new Date\(\s*\)|\bfetch\(|\bOffice\.|\bXMLHttpRequest\b|\bprocess\.|\bsetTimeout\(|\bperformance\.now\(/;
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
