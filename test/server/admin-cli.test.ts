import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { configFromEnv } from "../../server/config";
import { openDatabase } from "../../server/database";
import { createDatabaseStore } from "../../server/store/database-store";

const run = promisify(execFile);
const cli = (dataDir: string, ...args: string[]) =>
  run("npx", ["tsx", "server/admin-cli.ts", ...args], { env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: "" }, timeout: 60_000 });

describe("admin CLI (npm run admin)", function () {
  this.timeout(120_000);

  it("creates a user and lists it when no server is running", async () => {
    const dir = mkdtempSync(join(tmpdir(), "concord-cli-"));
    const added = await cli(dir, "add-user", "dora", "--password", "secret-pass-1", "--display-name", "Dora D");
    assert.equal(JSON.parse(added.stdout).username, "dora");
    const listed = await cli(dir, "users");
    assert.deepEqual(JSON.parse(listed.stdout).map((u: { username: string }) => u.username), ["dora"]);
  });

  it("joins the running server's embedded database instead of starting a second one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "concord-cli-"));
    const running = await openDatabase(configFromEnv({ DATA_DIR: dir }), () => {});
    try {
      const uri = readFileSync(join(dir, "ferretdb.uri"), "utf8");
      await cli(dir, "add-list", "team@example.com", "--name", "Team", "--members", "a@example.com,b@example.com");
      assert.equal(readFileSync(join(dir, "ferretdb.uri"), "utf8"), uri, "the server's database is still the one on record");
      const list = await running.models.MailingList.findById("team@example.com").lean();
      assert.deepEqual(list?.members, ["a@example.com", "b@example.com"]);
    } finally {
      await running.connection.close();
      await running.stop();
    }
  });

  it("lists the devices a user is signed in on and signs one out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "concord-cli-"));
    const running = await openDatabase(configFromEnv({ DATA_DIR: dir }), () => {});
    try {
      const { accounts, sessions } = await createDatabaseStore(running.models, () => new Date());
      await accounts.createUser({ username: "eve", password: "secret-pass-1" });
      const start = (device: string) => sessions.start({ username: "eve", device, client: "test", tokenVersion: 0, lifetimeMs: 86_400_000 });
      const [laptop, phone] = [await start("laptop"), await start("phone")];
      const listed = JSON.parse((await cli(dir, "sessions", "eve")).stdout) as { id: string; device: string }[];
      assert.deepEqual(listed.map((s) => s.device).sort(), ["laptop", "phone"]);
      assert.equal((await cli(dir, "revoke-session", "eve", laptop.session.id)).stdout.trim(), "signed out");
      assert.equal(await sessions.get(laptop.session.id), null);
      assert.ok(await sessions.get(phone.session.id));
      await assert.rejects(cli(dir, "revoke-session", "eve", laptop.session.id), (err: { code: number; stderr: string }) => err.code === 1 && /No session/.test(err.stderr));
      await assert.rejects(cli(dir, "sessions", "nobody"), (err: { code: number; stderr: string }) => err.code === 1 && /No user named nobody/.test(err.stderr));
    } finally {
      await running.connection.close();
      await running.stop();
    }
  });

  it("refuses bad input with a clear message and a non-zero exit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "concord-cli-"));
    await assert.rejects(cli(dir, "add-user", "Bad Name!"), (err: { code: number; stderr: string }) => err.code === 1 && /username/.test(err.stderr));
  });
});
