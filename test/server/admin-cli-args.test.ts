// The admin CLI's command line: every command, every option, and the sentences it answers typos with.
import assert from "node:assert/strict";
import { newUserSchema } from "../../server/store/accounts";
import { checked, parseCommand, UsageError } from "../../server/admin-cli-args";

const parsed = (...argv: string[]) =>
  parseCommand(argv) as { command: string; args: Record<string, string>; flags: Record<string, unknown> };
const refuses = (argv: string[], message: RegExp) =>
  assert.throws(
    () => parseCommand(argv),
    (err: Error) => err instanceof UsageError && message.test(err.message),
  );
const set = (flags: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));

describe("admin CLI command line", () => {
  it("shows the usage for no command, --help and -h", () => {
    for (const argv of [[], ["--help"], ["-h"], ["users", "--help"]])
      assert.deepEqual(parseCommand(argv), { command: "help" });
  });

  it("reads --admin false as false and --admin true as true, for set-user and add-user", () => {
    assert.deepEqual(set(parsed("set-user", "bob", "--admin", "false").flags), { admin: false });
    assert.deepEqual(set(parsed("set-user", "bob", "--admin=false").flags), { admin: false });
    assert.deepEqual(set(parsed("set-user", "bob", "--admin", "true").flags), { admin: true });
    assert.deepEqual(set(parsed("add-user", "bob", "--admin", "false").flags), { admin: false });
    assert.deepEqual(set(parsed("add-user", "bob", "--admin", "true").flags), { admin: true });
  });

  it("refuses a boolean option with anything but true or false, or with no value", () => {
    for (const option of ["--admin", "--disabled", "--visible"]) {
      refuses(["set-user", "bob", option, "yes"], new RegExp(`^${option} takes true or false, not "yes"\\.$`));
      refuses(["set-user", "bob", option], new RegExp(`^${option} needs a value: true or false\\.$`));
    }
    refuses(["add-list", "team@example.com", "--visible", "1"], /--visible takes true or false, not "1"/);
    refuses(["delete-user", "bob", "--delete-books", "FALSE"], /--delete-books takes true or false/);
  });

  it("reads every set-user option", () => {
    const { args, flags } = parsed(
      "set-user",
      "bob",
      "--display-name",
      "Bob B",
      "--email",
      "b@example.com",
      "--admin",
      "false",
      "--disabled",
      "true",
      "--visible",
      "false",
    );
    assert.deepEqual(args, { username: "bob" });
    assert.deepEqual(set(flags), {
      "display-name": "Bob B",
      email: "b@example.com",
      admin: false,
      disabled: true,
      visible: false,
    });
  });

  it("reads every add-user and passwd option", () => {
    const add = parsed(
      "add-user",
      "bob",
      "--password",
      "pw-123456",
      "--display-name",
      "Bob",
      "--email",
      "b@example.com",
      "--admin",
      "true",
    );
    assert.deepEqual(set(add.flags), {
      password: "pw-123456",
      "display-name": "Bob",
      email: "b@example.com",
      admin: true,
    });
    assert.deepEqual(set(parsed("passwd", "bob", "--password", "pw-123456").flags), { password: "pw-123456" });
    assert.deepEqual(set(parsed("passwd", "bob").flags), {});
  });

  it("reads delete-user with and without --delete-books", () => {
    assert.deepEqual(parsed("delete-user", "bob"), {
      command: "delete-user",
      args: { username: "bob" },
      flags: { "delete-books": undefined },
    });
    assert.deepEqual(set(parsed("delete-user", "bob", "--delete-books", "true").flags), { "delete-books": true });
    assert.deepEqual(set(parsed("delete-user", "bob", "--delete-books", "false").flags), { "delete-books": false });
  });

  it("reads the book commands: books, set-book, delete-book, shares, share, unshare", () => {
    assert.deepEqual(set(parsed("books").flags), {});
    assert.deepEqual(set(parsed("books", "--owner", "bob").flags), { owner: "bob" });
    const renamed = parsed("set-book", "p123", "--name", "Clients", "--owner", "carol");
    assert.deepEqual([renamed.args, set(renamed.flags)], [{ book: "p123" }, { name: "Clients", owner: "carol" }]);
    assert.deepEqual(parsed("delete-book", "p123").args, { book: "p123" });
    assert.deepEqual(parsed("shares", "p123").args, { book: "p123" });
    const shared = parsed("share", "p123", "bob", "--access", "write");
    assert.deepEqual([shared.args, set(shared.flags)], [{ book: "p123", username: "bob" }, { access: "write" }]);
    assert.deepEqual(set(parsed("share", "p123", "bob").flags), {});
    refuses(["share", "p123", "bob", "--access", "admin"], /^--access takes read or write, not "admin"\.$/);
    assert.deepEqual(parsed("unshare", "p123", "bob").args, { book: "p123", username: "bob" });
  });

  it("reads the mailing list commands and splits --members on commas", () => {
    const added = parsed(
      "add-list",
      "team@example.com",
      "--name",
      "Team",
      "--members",
      "a@example.com, b@example.com,",
      "--visible",
      "false",
    );
    assert.deepEqual(set(added.flags), { name: "Team", members: ["a@example.com", "b@example.com"], visible: false });
    assert.deepEqual(set(parsed("set-list", "team@example.com", "--members", "").flags), { members: [] });
    assert.deepEqual(parsed("delete-list", "team@example.com").args, { address: "team@example.com" });
    assert.deepEqual(parsed("lists").args, {});
  });

  it("answers a missing argument, a stray argument, an unknown command and a foreign option in sentences", () => {
    refuses(["set-user"], /^set-user needs a username, as in: npm run admin -- set-user <username>\.$/);
    refuses(["share", "p123"], /^share needs a book and a username/);
    refuses(["set-user", "bob", "false"], /^set-user takes no "false"/);
    refuses(["frobnicate"], /^There is no command "frobnicate"/);
    refuses(["users", "--admin", "true"], /^users has no --admin option\.$/);
    refuses(["add-user", "bob", "--disabled", "true"], /^add-user has no --disabled option\.$/);
    refuses(["users", "--colour", "red"], /^There is no --colour option/);
  });

  it("turns a schema's complaint into a sentence naming the input, not a schema path", () => {
    assert.throws(
      () => checked(newUserSchema, { username: "bob", password: "short" }),
      (err: Error) => err.message === "The password (--password) is not valid: must be at least 8 characters.",
    );
    assert.throws(
      () => checked(newUserSchema, { username: "Bad Name!", password: "long-enough" }),
      (err: Error) => /^The user name is not valid: use 1-64 lower-case letters/.test(err.message),
    );
  });
});
