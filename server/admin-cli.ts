// `npm run admin -- <command>`: the admin API from the shell. It joins the
// running server's embedded database when there is one, and starts its own
// otherwise, so it works whether or not the server is running.
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { configFromEnv } from "./config";
import { openDatabase } from "./database";
import { wire } from "./wiring";
import { listPatchSchema, newListSchema, newUserSchema, userPatchSchema } from "./store/accounts";
import { parseOr400 } from "./http/validate";

const usage = `Usage: npm run admin -- <command>
  users                                   list users
  add-user <username> [--password P] [--admin] [--display-name N] [--email E]
  set-user <username> [--display-name N] [--email E] [--admin true|false]
                      [--disabled true|false] [--visible true|false]
  passwd <username> [--password P]        set a password (a new one is generated and printed if omitted)
  sessions <username>                     list the devices the user is signed in on
  revoke-session <username> <session-id>  sign one device of the user out
  lists                                   list mailing lists
  add-list <address> [--name N] [--members a@x,b@y] [--visible true|false]
  set-list <address> [--name N] [--members a@x,b@y] [--visible true|false]
  delete-list <address>`;

const bool = (v: string | undefined) => (v === undefined ? undefined : v === "true" ? true : v === "false" ? false : fail(`expected true or false, got ${v}`));
const members = (v: string | undefined) => v?.split(",").map((m) => m.trim()).filter(Boolean);
function fail(message: string): never {
  throw new Error(message);
}
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

async function run(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      password: { type: "string" },
      admin: { type: "boolean" },
      "display-name": { type: "string" },
      email: { type: "string" },
      disabled: { type: "string" },
      visible: { type: "string" },
      name: { type: "string" },
      members: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, target, second] = positionals;
  if (!command || values.help) return console.log(usage);

  const config = configFromEnv();
  const db = await openDatabase(config, (m) => console.error(m), { joinRunning: true });
  try {
    const { accounts, sessions } = await wire({ config, models: db.models, connection: db.connection, logger: pino({ level: "silent" }) });
    const need = () => target ?? fail(`${command} needs an argument\n${usage}`);
    const out = (v: unknown) => console.log(JSON.stringify(v, null, 2));
    switch (command) {
      case "users":
        return out(await accounts.listUsers());
      case "add-user": {
        const password = values.password ?? randomBytes(12).toString("base64url");
        out(await accounts.createUser(parseOr400(newUserSchema, defined({ username: need(), password, admin: values.admin, displayName: values["display-name"], email: values.email }))));
        if (!values.password) console.log(`password: ${password}`);
        return;
      }
      case "set-user":
        return out(
          await accounts.updateUser(
            need(),
            parseOr400(userPatchSchema, defined({ displayName: values["display-name"], email: values.email, admin: bool(values.admin === undefined ? undefined : String(values.admin)), disabled: bool(values.disabled), visibleInDirectory: bool(values.visible) })),
          ),
        );
      case "passwd": {
        const password = values.password ?? randomBytes(12).toString("base64url");
        await accounts.updateUser(need(), parseOr400(userPatchSchema, { password }));
        return console.log(values.password ? "password changed" : `new password: ${password}`);
      }
      case "sessions": {
        const user = (await accounts.sessionUser(need())) ?? fail(`No user named ${target}`);
        return out(await sessions.list(user.username, user.tokenVersion));
      }
      case "revoke-session":
        await sessions.end(need(), second ?? fail(`revoke-session needs a user and a session id\n${usage}`));
        return console.log("signed out");
      case "lists":
        return out(await accounts.listLists());
      case "add-list":
        return out(await accounts.createList(parseOr400(newListSchema, defined({ address: need(), name: values.name, members: members(values.members), visibleInDirectory: bool(values.visible) }))));
      case "set-list":
        return out(await accounts.updateList(need(), parseOr400(listPatchSchema, defined({ name: values.name, members: members(values.members), visibleInDirectory: bool(values.visible) }))));
      case "delete-list":
        await accounts.deleteList(need());
        return console.log("deleted");
      default:
        fail(`unknown command ${command}\n${usage}`);
    }
  } finally {
    await db.connection.close();
    await db.stop();
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(`error: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
