// The admin CLI's command line, parsed and checked before any database is opened, so a typo
// never half-runs a command. Every message is a plain sentence an operator can act on.
import { parseArgs } from "node:util";
import type { z } from "zod";

export const usage = `Usage: npm run admin -- <command>
  users                                   list users
  add-user <username> [--password P] [--admin true|false] [--display-name N] [--email E]
                                          (a password is generated and printed if omitted)
  set-user <username> [--display-name N] [--email E] [--admin true|false]
                      [--disabled true|false] [--visible true|false]
  passwd <username> [--password P]        set a password (a new one is generated and printed if omitted)
  delete-user <username> [--delete-books true|false]
                                          delete a user; their address books are kept (to give to
                                          someone else with set-book) unless --delete-books true
  books [--owner U]                       list every address book (or one user's)
  set-book <book> [--name N] [--owner U]  rename an address book, or give it to another user
  delete-book <book>                      delete an address book with all its contacts
  shares <book>                           list who an address book is shared with
  share <book> <username> [--access read|write]   share an address book (read-only by default)
  unshare <book> <username>               stop sharing an address book with a user
  sessions <username>                     list the devices the user is signed in on
  revoke-session <username> <session>     sign one device of the user out (its id, as "sessions" lists it)
  lists                                   list mailing lists
  add-list <address> [--name N] [--members a@x,b@y] [--visible true|false]
  set-list <address> [--name N] [--members a@x,b@y] [--visible true|false]
  delete-list <address>
  import <book> <file> [--mapping NAME] [--duplicates skip|update|add] [--dry-run]
                                          import a CSV, LDIF or vCard file into an address book
                                          (duplicates are skipped unless --duplicates says otherwise)
  export <book> --format F [--charset utf-8|windows-1252] [--out FILE]
                                          export an address book: F is outlook-csv, google-csv, csv,
                                          vcard3 or vcard4 (to standard output without --out)
<book> is an address book's id, as "books" lists it.`;

type Spec = { positionals: string[]; options: string[] };
const commands: Record<string, Spec> = {
  users: { positionals: [], options: [] },
  "add-user": { positionals: ["username"], options: ["password", "admin", "display-name", "email"] },
  "set-user": { positionals: ["username"], options: ["display-name", "email", "admin", "disabled", "visible"] },
  passwd: { positionals: ["username"], options: ["password"] },
  "delete-user": { positionals: ["username"], options: ["delete-books"] },
  books: { positionals: [], options: ["owner"] },
  "set-book": { positionals: ["book"], options: ["name", "owner"] },
  "delete-book": { positionals: ["book"], options: [] },
  shares: { positionals: ["book"], options: [] },
  share: { positionals: ["book", "username"], options: ["access"] },
  unshare: { positionals: ["book", "username"], options: [] },
  sessions: { positionals: ["username"], options: [] },
  "revoke-session": { positionals: ["username", "session"], options: [] },
  lists: { positionals: [], options: [] },
  "add-list": { positionals: ["address"], options: ["name", "members", "visible"] },
  "set-list": { positionals: ["address"], options: ["name", "members", "visible"] },
  "delete-list": { positionals: ["address"], options: [] },
  import: { positionals: ["book", "file"], options: ["mapping", "duplicates", "dry-run"] },
  export: { positionals: ["book"], options: ["format", "charset", "out"] },
};
/** Options that are flags: present or not, no value. */
const flagOptions = new Set(["dry-run"]);
const choices: Record<string, string[]> = {
  duplicates: ["skip", "update", "add"],
  format: ["outlook-csv", "google-csv", "csv", "vcard3", "vcard4"],
  charset: ["utf-8", "windows-1252"],
};
const booleanOptions = new Set(["admin", "disabled", "visible", "delete-books"]);
const allOptions = [...new Set(Object.values(commands).flatMap((c) => c.options))];

export class UsageError extends Error {}
const fail = (message: string): never => {
  throw new UsageError(message);
};

export type Parsed =
  | { command: "help" }
  | { command: string; args: Record<string, string>; flags: Record<string, string | boolean | string[] | undefined> };

/** Splits and checks a command line: known command, its arguments, only its options, true|false for booleans. */
export function parseCommand(argv: string[]): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...Object.fromEntries(
          allOptions.map((o) => [o, { type: flagOptions.has(o) ? ("boolean" as const) : ("string" as const) }]),
        ),
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    return fail(plainParseError(err as Error & { code?: string }));
  }
  const { positionals, values } = parsed;
  if (values.help || positionals.length === 0) return { command: "help" };
  const [command, ...rest] = positionals;
  const spec =
    commands[command] ?? fail(`There is no command "${command}". Run "npm run admin -- --help" for the list.`);
  if (rest.length < spec.positionals.length) {
    fail(
      `${command} needs ${spec.positionals.map((p) => `a ${p}`).join(" and ")}, as in: npm run admin -- ${command} ${spec.positionals.map((p) => `<${p}>`).join(" ")}.`,
    );
  }
  if (rest.length > spec.positionals.length)
    fail(`${command} takes no "${rest[spec.positionals.length]}" (an argument it does not expect).`);
  for (const name of Object.keys(values)) {
    if (!spec.options.includes(name)) fail(`${command} has no --${name} option.`);
  }
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  for (const name of spec.options) {
    const raw = values[name] as string | undefined;
    if (flagOptions.has(name)) {
      flags[name] = raw === undefined ? undefined : Boolean(raw);
      continue;
    }
    if (raw !== undefined && choices[name] && !choices[name].includes(raw))
      fail(`--${name} takes ${choices[name].join(", ")}, not "${raw}".`);
    flags[name] =
      raw === undefined
        ? undefined
        : booleanOptions.has(name)
          ? booleanOf(name, raw)
          : name === "members"
            ? membersOf(raw)
            : raw;
  }
  if (command === "export" && flags.format === undefined)
    fail("export needs --format: outlook-csv, google-csv, csv, vcard3 or vcard4.");
  if (flags.access !== undefined && flags.access !== "read" && flags.access !== "write")
    fail(`--access takes read or write, not "${flags.access}".`);
  return { command, args: Object.fromEntries(spec.positionals.map((p, k) => [p, rest[k]])), flags };
}

function booleanOf(name: string, raw: string): boolean {
  if (raw === "true") return true;
  if (raw === "false") return false;
  return fail(`--${name} takes true or false, not "${raw}".`);
}

const membersOf = (raw: string) =>
  raw
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);

/** node:util's parseArgs errors name the option in its own syntax; say it the way an operator typed it. */
function plainParseError(err: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(err.message)?.[1];
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
    return `There is no ${option ?? "such"} option. Run "npm run admin -- --help" for the list.`;
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = option?.replace(/^-+/, "") ?? "";
    return `${option ?? "An option"} needs a value${booleanOptions.has(name) ? ": true or false" : ""}.`;
  }
  return err.message;
}

const labels: Record<string, string> = {
  username: "The user name",
  password: "The password (--password)",
  displayName: "The display name (--display-name)",
  email: "The e-mail address (--email)",
  address: "The mailing list address",
  members: "A member address (--members)",
  name: "The name (--name)",
  owner: "The owner (--owner)",
};

/** The value checked by a schema, or a UsageError saying in a sentence what is wrong with which input. */
export function checked<S extends z.ZodType>(schema: S, value: unknown, what = "A value"): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const sentences = result.error.issues.map((i) => {
    const label = i.path.length ? (labels[String(i.path[0])] ?? "A value") : what;
    const why = i.message.charAt(0).toLowerCase() + i.message.slice(1);
    return `${label} is not valid: ${why.replace(/\.$/, "")}.`;
  });
  return fail(sentences.join(" "));
}
