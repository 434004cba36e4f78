// The dependency rule, checked on the import statements: protocols (routes, http) -> access
// and auth -> the store's contract <- its implementations. The store never imports a protocol,
// raw database models stay inside the store implementation, and server/ never imports addin/.
// (core/ purity has its own test: core-purity.test.ts.)
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(path) ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const pattern =
    /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...source.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Every relative import in the tree, as [importing file, imported file] relative to the repo root. */
function edges(dirs: string[]): [string, string][] {
  return dirs.flatMap((dir) =>
    sourceFiles(join(root, dir)).flatMap((file) =>
      importsOf(readFileSync(file, "utf8"))
        .filter((s) => s.startsWith("."))
        .map(
          (s) =>
            [relative(root, file), relative(root, resolve(dirname(file), s)).replace(/\.tsx?$/, "")] as [
              string,
              string,
            ],
        ),
    ),
  );
}

const all = edges(["server", "test", "bench", "addin"]);
const offending = (
  from: (f: string) => boolean,
  to: (t: string) => boolean,
  allowed: (f: string, t: string) => boolean = () => false,
) => all.filter(([f, t]) => from(f) && to(t) && !allowed(f, t)).map(([f, t]) => `${f} -> ${t}`);

describe("architecture: the dependency rule", () => {
  it("sees the imports it polices", () => {
    assert.ok(all.some(([f, t]) => f === "server/store/books.ts" && t === "server/db/models"));
    assert.ok(all.some(([f, t]) => f === "server/routes/contacts.ts" && t === "server/store/contract"));
  });

  it("keeps the store free of protocols: no import of http, routes, access or the app", () => {
    const protocol = (t: string) => /^server\/(http|routes|access)\//.test(t) || /^server\/app(-deps)?$/.test(t);
    // Password hashing is a pure helper the store uses when it creates a user.
    const hashing = (_f: string, t: string) => t === "server/auth/passwords";
    const auth = (t: string) => t.startsWith("server/auth/");
    assert.deepEqual(
      offending(
        (f) => f.startsWith("server/store/"),
        (t) => protocol(t) || auth(t),
        hashing,
      ),
      [],
    );
  });

  it("keeps the contract free of implementations: it names only core types, zod schemas and store errors", () => {
    const allowed = (t: string) =>
      t.startsWith("core/") || ["server/store/account-schemas", "server/store/errors"].includes(t);
    assert.deepEqual(
      offending(
        (f) => f === "server/store/contract.ts",
        (t) => !allowed(t),
      ),
      [],
    );
  });

  it("keeps raw database models inside the store implementation", () => {
    const inside = (f: string) =>
      /^server\/(store|db)\//.test(f) ||
      f.startsWith("test/support/") ||
      f.startsWith("test/crash/") ||
      f.startsWith("bench/") ||
      f === "test/store.test.ts" ||
      // The composition root builds the implementation; database.ts opens the connection.
      ["server/wiring.ts", "server/database.ts"].includes(f);
    assert.deepEqual(
      offending(
        (f) => !inside(f),
        (t) => t === "server/db/models",
      ),
      [],
    );
  });

  it("gives routes and the access policy contract objects only, never the models", () => {
    const files = [...sourceFiles(join(root, "server/routes")), ...sourceFiles(join(root, "server/access"))];
    const users = files.filter((f) => /\bmodels\b/.test(readFileSync(f, "utf8"))).map((f) => relative(root, f));
    assert.deepEqual(users, []);
  });

  it("keeps the memory store free of the database", () => {
    const database = (t: string) =>
      t === "server/db/models" ||
      t.startsWith("server/store/contacts/lease") ||
      t.startsWith("server/store/contacts/log") ||
      t.startsWith("server/store/contacts/writes");
    assert.deepEqual(
      offending((f) => f.startsWith("server/store/memory/"), database),
      [],
    );
  });

  it("never imports addin/ from server/", () => {
    assert.deepEqual(
      offending(
        (f) => f.startsWith("server/"),
        (t) => t.startsWith("addin/"),
      ),
      [],
    );
  });

  it("lets server/auth reach users and sessions through the contract, never the accounts implementation", () => {
    assert.deepEqual(
      offending(
        (f) => f.startsWith("server/auth/"),
        (t) => t === "server/store/accounts" || t === "server/db/models",
      ),
      [],
    );
    assert.equal(
      readFileSync(join(root, "server/app-deps.ts"), "utf8").match(/^\s*models\??:/m),
      null,
      "AppDeps carries no models",
    );
  });

  it("never imports a protocol from access or auth", () => {
    assert.deepEqual(
      offending(
        (f) => /^server\/(access|auth)\//.test(f),
        (t) => t.startsWith("server/routes/"),
      ),
      [],
    );
  });
});
