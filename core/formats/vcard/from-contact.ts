// Contact → vCard 3.0 (RFC 2426) or 4.0 (RFC 6350) text.
import ICAL from "ical.js";
import type { Contact, Extra } from "../../contact/contact";
import { typesOfPhone } from "./phone-types";
import { escapeText } from "./text-value";
import { emittedName } from "./x-names";

export type VCardVersion = "3.0" | "4.0";
type Params = Record<string, string[]>;

const designSets = { "3.0": ICAL.design.vcard3, "4.0": ICAL.design.vcard };

// RFC 6350 §3.3: param-name is an iana-token or x-name. Stored contacts may predate the
// schema's check, so a name outside that syntax (";", ":", a line break …) is not written.
const paramNameSyntax = /^[A-Za-z0-9-]+$/;
// ical.js quotes a value holding ';', ':' or ',' and RFC 6868-escapes DQUOTE, LF and '^', but
// passes CR and other control characters, which no param-value may hold (RFC 6350 §3.3).
const paramValueText = (value: string) => value.replace(/\r\n?/g, "\n").replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");

/** ";TYPE=work,voice;X-FOO=\"a:b\"", quoted and RFC 6868-escaped by ical.js. */
function paramText(params: Params, version: VCardVersion): string {
  const jcalParams = Object.fromEntries(
    Object.entries(params)
      .filter(([name, values]) => paramNameSyntax.test(name) && values.length > 0)
      .map(([name, values]): [string, string[]] => [name, values.map(paramValueText)])
      // ical.js takes only TYPE as a list; other parameters are one value.
      .map(([name, values]) => [name.toLowerCase(), name.toLowerCase() === "type" ? values : values.join(",")]),
  );
  const line = ICAL.stringify.property(["x", jcalParams, "unknown"], designSets[version], true);
  return line.slice(1, -1);
}

// A content line never holds a raw line break (RFC 6350 §3.2).
const oneLine = (value: string) => value.replace(/\r\n|\r|\n/g, "\\n");

function contentLine(name: string, params: Params, value: string, version: VCardVersion): string {
  return `${name}${paramText(params, version)}:${oneLine(value)}`;
}

const encoder = new TextEncoder();

// RFC 6350 §3.2: lines SHOULD NOT exceed 75 octets, continuation lines included
// (ical.js lets a continuation line reach 76 with its leading space), and a
// multi-octet UTF-8 character is never split.
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    const limit = pieces.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      pieces.push(current);
      current = "";
      octets = 0;
    }
    current += char;
    octets += size;
  }
  pieces.push(current);
  return pieces.join("\r\n ");
}

const structured = (parts: (string | undefined)[]) => parts.map((p) => escapeText(p ?? "")).join(";");
const typeParam = (type: string | undefined): Params => (type && type !== "other" ? { type: [type] } : {});

function dateText(date: string, version: VCardVersion): string {
  const [, year, month, day] = /^(\d{4}|--)-?(\d{2})-?(\d{2})$/.exec(date)!;
  // RFC 6350 §4.3.1 allows only the basic format; RFC 2426 §3.1.5 shows the extended one.
  if (version === "4.0") return `${year}${month}${day}`;
  return year === "--" ? `--${month}-${day}` : `${year}-${month}-${day}`;
}

const uriScheme = /^[a-z][a-z0-9+.-]*$/i;

function imLine(im: Contact["im"][number], version: VCardVersion): string {
  if (im.type && uriScheme.test(im.type)) return contentLine("IMPP", {}, `${im.type}:${im.address}`, version);
  const params: Params = im.type ? { "x-service-type": [im.type] } : {};
  return contentLine(emittedName.imWithoutScheme, params, escapeText(im.address), version);
}

function photoLine(photo: NonNullable<Contact["photo"]>, version: VCardVersion): string | undefined {
  if (!photo.data) return undefined; // a stored photo is known by hash only; the caller inlines data first
  if (version === "4.0") return contentLine("PHOTO", {}, `data:${photo.mediaType};base64,${photo.data}`, version);
  // RFC 2426 §3.1.4: ENCODING=b with the image subtype as TYPE.
  const [kind, subtype] = photo.mediaType.split("/");
  const type = kind === "image" && subtype ? subtype.toUpperCase() : photo.mediaType;
  return contentLine("PHOTO", { encoding: ["b"], type: [type] }, photo.data, version);
}

// Only extras that came from a vCard, and only names vCard syntax allows (RFC 6350 §3.3);
// BEGIN, END and VERSION would break the card's frame.
const writableExtra = (extra: Extra) =>
  extra.source === "vcard" &&
  /^([A-Za-z0-9-]+\.)?[A-Za-z0-9-]+$/.test(extra.name) &&
  !/^(BEGIN|END|VERSION)$/i.test(extra.name.replace(/^.*\./, ""));

function propertyLines(contact: Contact, version: VCardVersion): string[] {
  const line = (name: string, value: string, params: Params = {}) => contentLine(name, params, value, version);
  const optional = (name: string, value: string | undefined) =>
    value !== undefined ? [line(name, escapeText(value))] : [];
  const extras = contact.extra.filter(writableExtra);
  const n = contact.name;
  const hasNameParts = n && [n.family, n.given, n.middle, n.prefix, n.suffix].some((p) => p !== undefined);
  return [
    // A UID the contact model could not hold is kept as an extra and written from there.
    ...(extras.some((e) => /^UID$/i.test(e.name.replace(/^.*\./, ""))) ? [] : [line("UID", escapeText(contact.uid))]),
    line("FN", escapeText(contact.displayName)),
    // RFC 2426 §3.1.2: N is required in 3.0.
    ...(hasNameParts || version === "3.0"
      ? [line("N", structured([n?.family, n?.given, n?.middle, n?.prefix, n?.suffix]))]
      : []),
    ...(n?.nickname !== undefined ? [line("NICKNAME", n.nickname.split(",").map(escapeText).join(","))] : []),
    ...optional(emittedName.fileAs, n?.fileAs),
    ...(contact.company !== undefined || contact.department !== undefined
      ? [line("ORG", structured([contact.company, ...(contact.department?.split(";") ?? [])]))]
      : []),
    ...optional("TITLE", contact.jobTitle),
    ...optional(emittedName.office, contact.office),
    ...optional(emittedName.manager, contact.manager),
    ...optional(emittedName.assistant, contact.assistant),
    ...contact.emails.map((e) => line("EMAIL", escapeText(e.address), typeParam(e.type))),
    ...contact.phones.map((p) => line("TEL", escapeText(p.number), { type: typesOfPhone(p.type) })),
    ...contact.addresses.map((a) =>
      line("ADR", structured([a.poBox, "", a.street, a.city, a.region, a.postalCode, a.country]), {
        ...typeParam(a.type === "business" ? "work" : a.type),
      }),
    ),
    ...contact.urls.map((u) => line("URL", u.url, typeParam(u.type))),
    ...contact.im.map((im) => imLine(im, version)),
    ...(contact.birthday ? [line("BDAY", dateText(contact.birthday, version))] : []),
    ...(contact.anniversary
      ? [line(version === "4.0" ? "ANNIVERSARY" : emittedName.anniversary3, dateText(contact.anniversary, version))]
      : []),
    ...(contact.categories.length ? [line("CATEGORIES", contact.categories.map(escapeText).join(","))] : []),
    ...optional("NOTE", contact.notes),
    ...(contact.photo ? [photoLine(contact.photo, version)].filter((l): l is string => l !== undefined) : []),
    ...extras.map((e) => contentLine(e.name, e.params ?? {}, e.value, version)),
  ];
}

/** CRLF line ends (RFC 6350 §3.2); VERSION right after BEGIN, as RFC 6350 §6.7.9 requires. */
export function emitVCard(contact: Contact, version: VCardVersion): string {
  const lines = ["BEGIN:VCARD", `VERSION:${version}`, ...propertyLines(contact, version), "END:VCARD"];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
