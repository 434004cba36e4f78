// vCard properties → Contact. A property no field takes, or a second one for a
// single-valued field, goes to `extra` as written, so emitting loses nothing.
import { contactSchema, type Contact, type ContactInput } from "../../contact/contact";
import { hashText } from "../../contact/content-hash";
import { phoneKindOf } from "./phone-types";
import type { VCardProperty } from "./properties";
import { unescapeStructured, unescapeText, unescapeTextList } from "./text-value";
import { VCardError } from "./vcard-error";
import { aliases, type AliasedField } from "./x-names";

type Draft = ContactInput & { name: NonNullable<ContactInput["name"]> };
type Handler = (draft: Draft, property: VCardProperty) => boolean;

const nonEmpty = (value: string | undefined) => (value ? value : undefined);
// RFC 6350 §5.6 allows TYPE="work,voice"; ical.js leaves a quoted list as one value.
const typesOf = (property: VCardProperty) => (property.params.type ?? []).flatMap((t) => t.toLowerCase().split(","));
// A backslash is no URI character (RFC 3986 §2), so "\:" or "\," in a URI is text
// escaping that a producer applied anyway (Google writes "https\://").
const uriOf = (property: VCardProperty) => property.raw.trim().replace(/\\([:,;])/g, "$1");
const textOf = (property: VCardProperty) => unescapeText(property.raw);

const component = (property: VCardProperty, index: number) => nonEmpty(unescapeStructured(property.raw)[index]);

function workHomeOther(property: VCardProperty): "work" | "home" | "other" {
  const types = typesOf(property);
  return types.includes("work") ? "work" : types.includes("home") ? "home" : "other";
}

// Sets a single-valued field once; a repeat goes to extra.
function setOnce<K extends keyof Draft>(target: Draft, key: K, value: Draft[K]): boolean {
  if (target[key] !== undefined) return false;
  target[key] = value;
  return true;
}

function setNameOnce<K extends keyof Draft["name"]>(draft: Draft, key: K, value: string | undefined): boolean {
  if (draft.name[key] !== undefined) return false;
  draft.name[key] = value;
  return true;
}

// RFC 6350 §4.3.1 / RFC 2426 §3.1.5; ical.js accepts anything here, so we check.
const fullDate = /^(\d{4}|--)-?(\d{2})-?(\d{2})(T[0-9:.Z+-]*)?$/;
const reducedDate = /^(\d{4}(-?\d{2})?|---\d{2}|--\d{2})$/;

function dateOf(property: VCardProperty): string | undefined {
  const raw = textOf(property).trim();
  const match = fullDate.exec(raw);
  if (!match) {
    if (property.params.value?.[0] === "text" || reducedDate.test(raw)) return undefined;
    throw new VCardError(property.line, `bad ${property.key} "${raw}": expected a date like 1985-04-12 or --04-12`);
  }
  const [, year, month, day] = match;
  if (+month < 1 || +month > 12 || +day < 1 || +day > 31) {
    throw new VCardError(property.line, `bad ${property.key} "${raw}": no such month or day`);
  }
  // Apple writes a year-less date as a placeholder year plus X-APPLE-OMIT-YEAR.
  const omitted = year === "--" || property.params["x-apple-omit-year"]?.[0] === year;
  return omitted ? `--${month}-${day}` : `${year}-${month}-${day}`;
}

function photoOf(property: VCardProperty): NonNullable<ContactInput["photo"]> | undefined {
  const encoding = property.params.encoding?.[0]?.toLowerCase();
  if (encoding === "b" || encoding === "base64") {
    const type = property.params.type?.[0]?.toLowerCase() ?? "jpeg";
    return { mediaType: type.includes("/") ? type : `image/${type}`, data: property.raw.replace(/\s+/g, "") };
  }
  // RFC 6350 §6.2.4: vCard 4.0 inlines a photo as a data: URI (RFC 2397).
  const dataUri = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/is.exec(property.raw.trim());
  return dataUri ? { mediaType: dataUri[1].toLowerCase(), data: dataUri[2].replace(/\s+/g, "") } : undefined;
}

// RFC 4770 IMPP holds a URI whose scheme names the service: "xmpp:alice@example.com".
function impOf(property: VCardProperty): { type?: string; address: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*):(.+)$/i.exec(uriOf(property));
  return match ? { type: match[1], address: match[2] } : undefined;
}

const handlers: Record<string, Handler> = {
  VERSION: () => true,
  UID: () => false, // taken apart in contactFromProperties
  FN: (d, p) => setOnce(d, "displayName", textOf(p)),
  N: (d, p) => {
    if (d.name.family !== undefined || d.name.given !== undefined || d.name.middle !== undefined) return false;
    if (d.name.prefix !== undefined || d.name.suffix !== undefined) return false;
    Object.assign(d.name, {
      family: component(p, 0),
      given: component(p, 1),
      middle: component(p, 2),
      prefix: component(p, 3),
      suffix: component(p, 4),
    });
    return true;
  },
  NICKNAME: (d, p) => setNameOnce(d, "nickname", nonEmpty(unescapeTextList(p.raw).join(","))),
  ORG: (d, p) => {
    if (d.company !== undefined || d.department !== undefined) return false;
    const parts = unescapeStructured(p.raw);
    d.company = nonEmpty(parts[0]);
    // Units after the first are joined with ';', which emitting splits again.
    d.department = parts.slice(1).some((u) => u !== "") ? parts.slice(1).join(";") : undefined;
    return true;
  },
  TITLE: (d, p) => setOnce(d, "jobTitle", nonEmpty(textOf(p))),
  NOTE: (d, p) => setOnce(d, "notes", nonEmpty(textOf(p))),
  BDAY: (d, p) => {
    const date = dateOf(p);
    return date !== undefined && setOnce(d, "birthday", date);
  },
  EMAIL: (d, p) => {
    const address = textOf(p).trim();
    if (address) d.emails!.push({ type: workHomeOther(p), address });
    return true;
  },
  TEL: (d, p) => {
    const text = textOf(p).trim();
    // RFC 6350 §6.4.1: TEL;VALUE=uri:tel:+1-555-555-5555
    const number = p.params.value?.[0] === "uri" ? text.replace(/^tel:/i, "") : text;
    if (number) d.phones!.push({ type: phoneKindOf(typesOf(p)), number });
    return true;
  },
  ADR: (d, p) => {
    const types = typesOf(p);
    const extended = component(p, 1);
    const street = component(p, 2);
    d.addresses!.push({
      type: types.includes("work") ? "business" : types.includes("home") ? "home" : "other",
      poBox: component(p, 0),
      // Our model has no extended-address line; it goes before the street, as Outlook shows it.
      street: extended && street ? `${extended}\n${street}` : (extended ?? street),
      city: component(p, 3),
      region: component(p, 4),
      postalCode: component(p, 5),
      country: component(p, 6),
    });
    return true;
  },
  URL: (d, p) => {
    const url = uriOf(p);
    if (url) d.urls!.push({ type: workHomeOther(p), url });
    return true;
  },
  IMPP: (d, p) => {
    const im = impOf(p);
    if (!im) return false;
    d.im!.push(im);
    return true;
  },
  CATEGORIES: (d, p) => {
    d.categories!.push(...unescapeTextList(p.raw).filter((c) => c.trim() !== ""));
    return true;
  },
  PHOTO: (d, p) => {
    const photo = photoOf(p);
    return photo !== undefined && setOnce(d, "photo", photo);
  },
};

const aliasHandlers: Record<AliasedField, Handler> = {
  fileAs: (d, p) => setNameOnce(d, "fileAs", nonEmpty(textOf(p))),
  office: (d, p) => setOnce(d, "office", nonEmpty(textOf(p))),
  manager: (d, p) => setOnce(d, "manager", nonEmpty(textOf(p))),
  assistant: (d, p) => setOnce(d, "assistant", nonEmpty(textOf(p))),
  anniversary: (d, p) => {
    const date = dateOf(p);
    return date !== undefined && setOnce(d, "anniversary", date);
  },
  im: (d, p) => {
    const address = textOf(p).trim();
    if (!address) return true;
    const service = aliases[p.key].service ?? p.params["x-service-type"]?.[0];
    d.im!.push(service ? { type: service, address } : { address });
    return true;
  },
};

function handlerOf(key: string): Handler | undefined {
  return handlers[key] ?? (aliases[key] && aliasHandlers[aliases[key].field]);
}

// Our uid must be a path segment; a UID that is not one is kept as written and hashed.
const usableUid = (uid: string) => uid.length <= 256 && /^[^/\\?#]+$/.test(uid);

export interface CardContext {
  beginLine: number;
  /** Used when the card has no UID. */
  uidFallback: string;
}

export function contactFromProperties(properties: VCardProperty[], card: CardContext): Contact {
  const draft: Draft = {
    uid: "",
    name: {},
    emails: [],
    phones: [],
    addresses: [],
    urls: [],
    im: [],
    categories: [],
    extra: [],
  };
  const uidProperty = properties.find((p) => p.key === "UID" && textOf(p).trim() !== "");
  const uidText = uidProperty && textOf(uidProperty).trim();
  draft.uid = uidText ? (usableUid(uidText) ? uidText : hashText(uidText).slice(0, 32)) : card.uidFallback;

  for (const property of properties) {
    if (property === uidProperty && usableUid(uidText!)) continue;
    if (handlerOf(property.key)?.(draft, property)) continue;
    draft.extra!.push({
      source: "vcard",
      name: property.name,
      value: property.raw,
      ...(Object.keys(property.params).length ? { params: property.params } : {}),
    });
  }
  // The draft is plain JSON; a JSON copy drops the keys that hold undefined.
  const plain = JSON.parse(JSON.stringify(draft)) as Draft;
  const { name, ...rest } = plain;
  const result = contactSchema.safeParse(Object.keys(name).length ? { ...rest, name } : rest);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new VCardError(
      card.beginLine,
      `card does not fit the contact model: ${issue.path.join(".")}: ${issue.message}`,
    );
  }
  return result.data;
}
