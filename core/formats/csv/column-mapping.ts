// The column-mapping language: one small string per CSV column says which
// Contact field the column fills. Every known format (Outlook, Outlook
// Express, Google) is written in this language too, so a caller's mapping for
// a generic CSV goes through exactly the same code.
//
//   Target                                   Fills
//   displayName | company | department |     that text field; several columns on one
//   jobTitle | office | manager |            target are joined (notes with "\n",
//   assistant | notes                        the others with " ")
//   birthday | anniversary                   a date: YYYY-MM-DD, --MM-DD, or the local
//                                            short date (M/D/YYYY, D.M.YYYY, D/M/YYYY)
//   name.<prefix|given|middle|family|suffix|nickname|fileAs>
//   emails:<work|home|other>                 e-mails of that type
//   phones:<one of phoneTypes>               e.g. phones:mobile, phones:businessFax
//   addresses:<business|home|other>.<street|city|region|postalCode|country|poBox>
//   urls:<work|home|other>
//   im | im:<service>                        instant-messaging addresses
//   emails[N].<address|type>                 the N-th entry (0-based) of a list, with
//   phones[N].<number|type>                  its kind taken from a label column
//   addresses[N].<street|city|region|postalCode|country|poBox|formatted|type>
//   urls[N].<url|type>                       ("Work", "* Mobile", "Home Fax", ...)
//   im[N].<address|type>
//   events[N].<date|type>                    type "Anniversary"/"Birthday" fills that date
//   relations[N].<name|type>                 type "Manager"/"Assistant" fills that field
//   categories                               split on ";" and " ::: "
//   extra:<name>                             kept verbatim in extra (source "csv")
//   ignore                                   dropped
//
// Cells of list targets may hold several values joined by " ::: " (Google
// Contacts' separator); each becomes its own entry. Several columns on one
// address part are joined line by line (Outlook's "Business Street 2/3").
// A column the mapping does not name is kept in extra under its header.
import { phoneTypes } from "../../contact/contact";

export class CsvMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvMappingError";
  }
}

export const textFields = [
  "displayName",
  "company",
  "department",
  "jobTitle",
  "office",
  "manager",
  "assistant",
  "notes",
] as const;
export const dateFields = ["birthday", "anniversary"] as const;
export const nameParts = ["prefix", "given", "middle", "family", "suffix", "nickname", "fileAs"] as const;
export const addressParts = ["street", "city", "region", "postalCode", "country", "poBox"] as const;

// For each list: its properties, the one that carries the value, and the kinds `list:kind` accepts.
export const lists = {
  emails: { props: ["address", "type"], main: "address", kinds: ["work", "home", "other"] },
  phones: { props: ["number", "type"], main: "number", kinds: [...phoneTypes] },
  addresses: { props: [...addressParts, "formatted", "type"], main: "street", kinds: ["business", "home", "other"] },
  urls: { props: ["url", "type"], main: "url", kinds: ["work", "home", "other"] },
  im: { props: ["address", "type"], main: "address", kinds: undefined },
  events: { props: ["date", "type"], main: "date", kinds: [] },
  relations: { props: ["name", "type"], main: "name", kinds: [] },
} as const satisfies Record<string, { props: readonly string[]; main: string; kinds: readonly string[] | undefined }>;

export type TextField = (typeof textFields)[number];
export type DateField = (typeof dateFields)[number];
export type NamePart = (typeof nameParts)[number];
export type ListName = keyof typeof lists;

export type CsvTarget =
  | { kind: "text"; field: TextField }
  | { kind: "date"; field: DateField }
  | { kind: "name"; part: NamePart }
  /** `slot` groups the columns of one entry: "0", "1", … or ":work" for `emails:work`. */
  | { kind: "list"; list: ListName; slot: string; prop: string; fixedType?: string }
  | { kind: "categories" }
  | { kind: "extra"; name: string }
  | { kind: "ignore" };

const includes = <T extends string>(values: readonly T[], value: string): value is T =>
  (values as readonly string[]).includes(value);

function parseListTarget(text: string): CsvTarget | undefined {
  const indexed = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(text);
  if (indexed) {
    const [, list, index, prop] = indexed;
    if (!(list in lists)) return undefined;
    const spec = lists[list as ListName];
    return includes(spec.props, prop)
      ? { kind: "list", list: list as ListName, slot: String(+index), prop }
      : undefined;
  }
  const typed = /^(\w+)(?::([^.]+))?(?:\.(\w+))?$/.exec(text);
  if (!typed) return undefined;
  const [, list, kind, part] = typed;
  if (!(list in lists)) return undefined;
  const spec = lists[list as ListName];
  if (spec.kinds === undefined ? kind === "" : !kind || !includes(spec.kinds, kind)) return undefined;
  if (list === "addresses" ? !part || !includes(addressParts, part) : part !== undefined) return undefined;
  return { kind: "list", list: list as ListName, slot: `:${kind ?? ""}`, prop: part ?? spec.main, fixedType: kind };
}

/** The target a mapping string names, or undefined when the string is not in the language. */
export function parseTarget(text: string): CsvTarget | undefined {
  const t = text.trim();
  if (t === "ignore") return { kind: "ignore" };
  if (t === "categories") return { kind: "categories" };
  if (includes(textFields, t)) return { kind: "text", field: t };
  if (includes(dateFields, t)) return { kind: "date", field: t };
  if (t.startsWith("name.")) {
    const part = t.slice(5);
    return includes(nameParts, part) ? { kind: "name", part } : undefined;
  }
  if (t.startsWith("extra:")) {
    const name = t.slice(6).trim();
    return name ? { kind: "extra", name } : undefined;
  }
  return parseListTarget(t);
}

const targetHelp =
  `expected one of ${[...textFields, ...dateFields].join(", ")}, name.<${nameParts.join("|")}>, ` +
  `emails:<type>, phones:<type>, addresses:<type>.<part>, urls:<type>, im[:<service>], ` +
  `<list>[N].<property>, categories, extra:<name> or ignore`;

/** Parses every target of a header → target mapping; throws one CsvMappingError naming all bad ones. */
export function compileMapping(mapping: Record<string, string>): Map<string, CsvTarget> {
  const compiled = new Map<string, CsvTarget>();
  const bad: string[] = [];
  for (const [header, text] of Object.entries(mapping)) {
    const target = typeof text === "string" ? parseTarget(text) : undefined;
    if (target) compiled.set(header.trim(), target);
    else bad.push(`column "${header}": unknown target "${String(text)}"`);
  }
  if (bad.length) throw new CsvMappingError(`Invalid CSV column mapping: ${bad.join("; ")} (${targetHelp})`);
  return compiled;
}
