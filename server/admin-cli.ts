// `npm run admin -- <command>`: the admin API from the shell. It joins the
// running server's embedded database when there is one, and starts its own
// otherwise, so it works whether or not the server is running.
import { randomBytes } from "node:crypto";
import pino from "pino";
import { configFromEnv } from "./config";
import { openDatabase } from "./database";
import { wire } from "./wiring";
import { listPatchSchema, newListSchema, newUserSchema, userPatchSchema, usernameSchema } from "./store/accounts";
import { bookPatchSchema } from "./routes/book-admin";
import { checked, parseCommand, usage, UsageError } from "./admin-cli-args";
import { importFile, exportToFile } from "./imports/cli";

/** The CLI acts as an administrator: whoever can run it can read DATA_DIR anyway. */
const CLI_CALLER = { _id: "", admin: true };
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const out = (v: unknown) => console.log(JSON.stringify(v, null, 2));
const newPassword = () => randomBytes(12).toString("base64url");
type BookLine = { id: string; name: string; primary?: boolean };
const bookList = (books: BookLine[]) =>
  books.map((b) => `${b.name} (${b.id}${b.primary ? ", primary" : ""})`).join(", ");

async function run(argv: string[]) {
  const parsed = parseCommand(argv);
  if (parsed.command === "help" || !("args" in parsed)) return console.log(usage);
  const { command, args, flags } = parsed;
  const str = (name: string) => flags[name] as string | undefined;
  const bool = (name: string) => flags[name] as boolean | undefined;
  // Check what can be checked before the database starts.
  if (args.username !== undefined) checked(usernameSchema, args.username, "The user name");

  const config = configFromEnv();
  const db = await openDatabase(config, (m) => console.error(m), { joinRunning: true });
  try {
    const deps = await wire({
      config,
      models: db.models,
      connection: db.connection,
      logger: pino({ level: "silent" }),
    });
    const { accounts, books, access, sessions } = deps;
    switch (command) {
      case "users":
        return out(await accounts.listUsers());
      case "add-user": {
        const password = str("password") ?? newPassword();
        const input = {
          username: args.username,
          password,
          admin: bool("admin"),
          displayName: str("display-name"),
          email: str("email"),
        };
        out(await accounts.createUser(checked(newUserSchema, defined(input))));
        if (!str("password")) console.log(`password: ${password}`);
        return;
      }
      case "set-user": {
        const patch = {
          displayName: str("display-name"),
          email: str("email"),
          admin: bool("admin"),
          disabled: bool("disabled"),
          visibleInDirectory: bool("visible"),
        };
        return out(await accounts.updateUser(args.username, checked(userPatchSchema, defined(patch))));
      }
      case "passwd": {
        const password = str("password") ?? newPassword();
        await accounts.updateUser(args.username, checked(userPatchSchema, { password }));
        return console.log(str("password") ? "The password was changed." : `new password: ${password}`);
      }
      case "delete-user": {
        const done = await accounts.deleteUser(args.username, { deleteBooks: bool("delete-books") });
        if (done.deletedBooks.length)
          return console.log(`Deleted user ${done.username} and their address books: ${bookList(done.deletedBooks)}.`);
        if (!done.keptBooks.length) return console.log(`Deleted user ${done.username}; they owned no address books.`);
        return console.log(
          `Deleted user ${done.username}. Their address books were kept: ${bookList(done.keptBooks)}.\n` +
            "Give one to another user with: npm run admin -- set-book <book> --owner <username>\n" +
            "or delete it with: npm run admin -- delete-book <book>",
        );
      }
      case "books": {
        const all = await access.listBooks(CLI_CALLER, "all");
        return out(
          all.filter((b) => str("owner") === undefined || b.owner === str("owner")).map(({ access: _, ...b }) => b),
        );
      }
      case "set-book": {
        const patch = checked(bookPatchSchema, defined({ name: str("name"), owner: str("owner") }));
        if (patch.name === undefined && patch.owner === undefined)
          throw new UsageError("set-book needs --name, --owner, or both.");
        await access.changeablePab(CLI_CALLER, args.book, patch);
        return out(await books.updatePab(args.book, patch));
      }
      case "delete-book":
        await access.deletablePab(CLI_CALLER, args.book);
        await books.deletePab(args.book);
        return console.log(`Deleted address book ${args.book} and its contacts.`);
      case "shares":
        return out(
          (await books.sharesOfBook((await access.shareableBook(CLI_CALLER, args.book)).id)).map(
            ({ book: _, ...s }) => s,
          ),
        );
      case "share": {
        const level = (str("access") ?? "read") as "read" | "write";
        const book = await access.shareableBook(CLI_CALLER, args.book);
        await books.putShare({ book: book.id, username: args.username, access: level });
        return console.log(
          `Shared ${args.book} with ${args.username} (${level === "read" ? "read-only" : "read and write"}).`,
        );
      }
      case "unshare":
        await books.deleteShare((await access.shareableBook(CLI_CALLER, args.book)).id, args.username);
        return console.log(`${args.book} is no longer shared with ${args.username}.`);
      case "sessions": {
        const user = await accounts.sessionUser(args.username);
        if (!user) throw new UsageError(`There is no user named ${args.username}.`);
        return out(await sessions.list(user.username, user.tokenVersion));
      }
      case "revoke-session":
        await sessions.end(args.username, args.session);
        return console.log(`Signed ${args.username} out of session ${args.session}.`);
      case "lists":
        return out(await accounts.listLists());
      case "add-list": {
        const input = {
          address: args.address,
          name: str("name"),
          members: flags.members,
          visibleInDirectory: bool("visible"),
        };
        return out(await accounts.createList(checked(newListSchema, defined(input))));
      }
      case "set-list": {
        const patch = { name: str("name"), members: flags.members, visibleInDirectory: bool("visible") };
        return out(await accounts.updateList(args.address, checked(listPatchSchema, defined(patch))));
      }
      case "delete-list":
        await accounts.deleteList(args.address);
        return console.log(`Deleted mailing list ${args.address}.`);
      case "import":
        return await importFile(deps, args.book, args.file, {
          mapping: str("mapping"),
          duplicates: str("duplicates") as "skip" | "update" | "add" | undefined,
          dryRun: bool("dry-run"),
        });
      case "export":
        return await exportToFile(deps, args.book, str("format")!, str("charset"), str("out"));
    }
  } finally {
    await db.connection.close();
    await db.stop();
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(
      err instanceof UsageError ? err.message : `Concord admin: ${err instanceof Error ? err.message : err}`,
    );
    process.exit(1);
  },
);
