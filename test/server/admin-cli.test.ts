import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { configFromEnv } from "../../server/config";
import { openDatabase } from "../../server/database";
import { createDatabaseStore } from "../../server/store/database-store";
import { scratchDir } from "../support/scratch-dir";

const run = promisify(execFile);
const cli = (dataDir: string, ...args: string[]) =>
  run("npx", ["tsx", "server/admin-cli.ts", ...args], {
    env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: "" },
    timeout: 60_000,
  });

describe("admin CLI (npm run admin)", function () {
  this.timeout(120_000);

  it("creates a user and lists it when no server is running", async () => {
    const dir = scratchDir("concord-cli-");
    const added = await cli(dir, "add-user", "dora", "--password", "secret-pass-1", "--display-name", "Dora D");
    assert.equal(JSON.parse(added.stdout).username, "dora");
    const listed = await cli(dir, "users");
    assert.deepEqual(
      JSON.parse(listed.stdout).map((u: { username: string }) => u.username),
      ["dora"],
    );
  });

  it("joins the running server's embedded database instead of starting a second one", async () => {
    const dir = scratchDir("concord-cli-");
    const running = await openDatabase(configFromEnv({ DATA_DIR: dir }), () => {});
    try {
      const uri = readFileSync(join(dir, "ferretdb.uri"), "utf8");
      await cli(dir, "add-list", "team@example.com", "--name", "Team", "--members", "a@example.com,b@example.com");
      assert.equal(
        readFileSync(join(dir, "ferretdb.uri"), "utf8"),
        uri,
        "the server's database is still the one on record",
      );
      const list = await running.models.MailingList.findById("team@example.com").lean();
      assert.deepEqual(list?.members, ["a@example.com", "b@example.com"]);
    } finally {
      await running.connection.close();
      await running.stop();
    }
  });

  it("lists the devices a user is signed in on and signs one out", async () => {
    const dir = scratchDir("concord-cli-");
    const running = await openDatabase(configFromEnv({ DATA_DIR: dir }), () => {});
    try {
      const { accounts, sessions } = await createDatabaseStore(running.models, () => new Date());
      await accounts.createUser({ username: "eve", password: "secret-pass-1" });
      const start = (device: string) =>
        sessions.start({ username: "eve", device, client: "test", tokenVersion: 0, lifetimeMs: 86_400_000 });
      const [laptop, phone] = [await start("laptop"), await start("phone")];
      const listed = JSON.parse((await cli(dir, "sessions", "eve")).stdout) as { id: string; device: string }[];
      assert.deepEqual(listed.map((s) => s.device).sort(), ["laptop", "phone"]);
      assert.equal(
        (await cli(dir, "revoke-session", "eve", laptop.session.id)).stdout.trim(),
        `Signed eve out of session ${laptop.session.id}.`,
      );
      assert.equal(await sessions.get(laptop.session.id), null);
      assert.ok(await sessions.get(phone.session.id));
      await assert.rejects(
        cli(dir, "revoke-session", "eve", laptop.session.id),
        (err: { code: number; stderr: string }) => err.code === 1 && /No session/.test(err.stderr),
      );
      await assert.rejects(
        cli(dir, "revoke-session", "eve"),
        (err: { code: number; stderr: string }) => err.code === 1 && /needs a username and a session/.test(err.stderr),
      );
      await assert.rejects(
        cli(dir, "sessions", "nobody"),
        (err: { code: number; stderr: string }) =>
          err.code === 1 && err.stderr.trim() === "There is no user named nobody.",
      );
    } finally {
      await running.connection.close();
      await running.stop();
    }
  });

  it("refuses bad input with a clear message and a non-zero exit", async () => {
    const dir = scratchDir("concord-cli-");
    await assert.rejects(
      cli(dir, "add-user", "Bad Name!"),
      (err: { code: number; stderr: string }) => err.code === 1 && /^The user name is not valid/.test(err.stderr),
    );
  });

  describe("against a running server's database", () => {
    let dir: string;
    let running: Awaited<ReturnType<typeof openDatabase>>;
    const json = async (...args: string[]) => JSON.parse((await cli(dir, ...args)).stdout);
    const fails = (args: string[], message: RegExp) =>
      assert.rejects(
        cli(dir, ...args),
        (err: { code: number; stderr: string }) => err.code === 1 && message.test(err.stderr),
      );
    before(async () => {
      dir = scratchDir("concord-cli-");
      running = await openDatabase(configFromEnv({ DATA_DIR: dir }), () => {});
      // Another administrator, so bob's admin rights can come and go (the last one's cannot).
      await cli(dir, "add-user", "root", "--password", "root-password", "--admin", "true");
    });
    after(async () => {
      await running.connection.close();
      await running.stop();
    });

    it("revokes admin rights with set-user --admin false, and grants them with --admin true", async () => {
      assert.equal((await json("add-user", "bob", "--password", "bob-password", "--admin", "true")).admin, true);
      assert.equal((await json("set-user", "bob", "--admin", "false")).admin, false);
      assert.equal((await running.models.User.findById("bob").lean())?.admin, false);
      assert.equal((await json("set-user", "bob", "--admin", "true")).admin, true);
    });

    it("sets --disabled, --visible, --display-name and --email, and refuses a boolean that is not true or false", async () => {
      const user = await json(
        "set-user",
        "bob",
        "--disabled",
        "true",
        "--visible",
        "false",
        "--display-name",
        "Bob B",
        "--email",
        "bob@example.com",
      );
      assert.deepEqual(
        [user.disabled, user.visibleInDirectory, user.displayName, user.email],
        [true, false, "Bob B", "bob@example.com"],
      );
      await fails(["set-user", "bob", "--admin", "no"], /^--admin takes true or false, not "no"\.$/m);
      await fails(["set-user", "bob", "--email", "not-an-address"], /^The e-mail address \(--email\) is not valid/m);
      await fails(["set-user", "nobody", "--admin", "true"], /No user named nobody/);
    });

    it("changes a password with passwd and prints a generated one", async () => {
      assert.match(
        (await cli(dir, "passwd", "bob", "--password", "another-password")).stdout,
        /The password was changed/,
      );
      assert.match((await cli(dir, "passwd", "bob")).stdout, /^new password: \S{16}/);
    });

    it("lists, renames, shares, unshares and deletes address books", async () => {
      await json("add-user", "carol", "--password", "carol-password");
      const bobs = await json("books", "--owner", "bob");
      assert.deepEqual(
        bobs.map((b: { name: string }) => b.name),
        ["Contacts"],
      );
      const id = bobs[0].id;
      assert.ok((await json("books")).some((b: { id: string }) => b.id === "gab"));
      assert.equal((await json("set-book", id, "--name", "Bob's people")).name, "Bob's people");
      assert.match(
        (await cli(dir, "share", id, "carol", "--access", "write")).stdout,
        /Shared .* with carol \(read and write\)/,
      );
      assert.deepEqual(await json("shares", id), [{ username: "carol", access: "write" }]);
      assert.match((await cli(dir, "unshare", id, "carol")).stdout, /no longer shared with carol/);
      assert.deepEqual(await json("shares", id), []);
      await fails(["delete-book", id], /primary address book/);
      await fails(["set-book", id], /set-book needs --name, --owner, or both/);
    });

    it("deletes a user, keeping their books and saying how to reassign them, or deleting them on request", async () => {
      const [book] = await json("books", "--owner", "bob");
      const kept = (await cli(dir, "delete-user", "bob")).stdout;
      assert.match(
        kept,
        new RegExp(`Deleted user bob\\. Their address books were kept: Bob's people \\(${book.id}, primary\\)`),
      );
      assert.match(kept, /set-book <book> --owner <username>/);
      assert.ok(!(await json("users")).some((u: { username: string }) => u.username === "bob"));
      assert.equal((await json("set-book", book.id, "--owner", "carol")).owner, "carol");
      assert.match((await cli(dir, "delete-book", book.id)).stdout, /Deleted address book/);
      assert.deepEqual(await json("books", "--owner", "carol").then((bs) => bs.length), 1);
      const [carols] = await json("books", "--owner", "carol");
      assert.match(
        (await cli(dir, "delete-user", "carol", "--delete-books", "true")).stdout,
        /Deleted user carol and their address books: Contacts/,
      );
      assert.equal(await running.models.Book.countDocuments({ _id: carols.id }), 0);
    });

    it("adds, changes and deletes a mailing list with every option", async () => {
      const list = await json(
        "add-list",
        "ops@example.com",
        "--name",
        "Ops",
        "--members",
        "a@example.com,b@example.com",
        "--visible",
        "false",
      );
      assert.deepEqual(list, {
        address: "ops@example.com",
        name: "Ops",
        members: ["a@example.com", "b@example.com"],
        visibleInDirectory: false,
      });
      const changed = await json(
        "set-list",
        "ops@example.com",
        "--name",
        "Operations",
        "--members",
        "c@example.com",
        "--visible",
        "true",
      );
      assert.deepEqual(changed, {
        address: "ops@example.com",
        name: "Operations",
        members: ["c@example.com"],
        visibleInDirectory: true,
      });
      assert.ok((await json("lists")).some((l: { address: string }) => l.address === "ops@example.com"));
      assert.match((await cli(dir, "delete-list", "ops@example.com")).stdout, /Deleted mailing list ops@example.com/);
    });
  });
});
