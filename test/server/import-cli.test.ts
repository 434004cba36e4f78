// The admin CLI's import and export commands, run as an operator would.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseCommand } from "../../server/admin-cli-args";
import { googleCsv, outlookCsv } from "../support/import-fixtures";
import { scratchDir } from "../support/scratch-dir";

const run = promisify(execFile);
const cli = (dataDir: string, ...args: string[]) =>
  run("npx", ["tsx", "server/admin-cli.ts", ...args], {
    env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: "" },
    timeout: 90_000,
  });

describe("admin CLI: import and export", function () {
  this.timeout(240_000);

  it("checks import and export options before opening the database", () => {
    assert.deepEqual(parseCommand(["import", "gab", "f.csv", "--dry-run", "--duplicates", "update"]), {
      command: "import",
      args: { book: "gab", file: "f.csv" },
      flags: { mapping: undefined, duplicates: "update", "dry-run": true },
    });
    assert.throws(() => parseCommand(["import", "gab", "f.csv", "--duplicates", "merge"]), /skip, update, add/);
    assert.throws(() => parseCommand(["export", "gab"]), /export needs --format/);
    assert.throws(() => parseCommand(["export", "gab", "--format", "xls"]), /outlook-csv, google-csv/);
  });

  it("dry-runs, imports a file into the GAB, and exports it to a file", async () => {
    const dir = scratchDir("concord-cli-import-");
    const google = join(dir, "google.csv");
    const outlook = join(dir, "outlook.csv");
    writeFileSync(google, googleCsv);
    writeFileSync(outlook, outlookCsv([{ "First Name": "Olga", "Last Name": "Outlook", Company: "O Ltd" }]));
    const dry = await cli(dir, "import", "gab", google, "--dry-run");
    assert.deepEqual(JSON.parse(dry.stdout), { create: 1, update: 0, skip: 0, errors: [] });
    assert.match(dry.stderr, /google, utf-8, delimiter ",", 1 records/);
    const done = await cli(dir, "import", "gab", google);
    assert.deepEqual([JSON.parse(done.stdout).state, JSON.parse(done.stdout).created], ["done", 1]);
    await cli(dir, "import", "gab", outlook);
    const again = await cli(dir, "import", "gab", google);
    assert.equal(JSON.parse(again.stdout).skipped, 1, "a second import skips the duplicate");
    const out = join(dir, "gab.vcf");
    const exported = await cli(dir, "export", "gab", "--format", "vcard4", "--out", out);
    assert.match(exported.stderr, /Exported 2 contacts/);
    const text = readFileSync(out, "utf8");
    assert.match(text, /FN:Grace Hopper/);
    assert.match(text, /FN:Olga Outlook/);
  });
});
