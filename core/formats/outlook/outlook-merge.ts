// What an Outlook contact item can hold, shared by the Graph and EWS mappings.
// Outlook has fixed slots (three e-mails, one "Business" address, ...); the
// server holds whatever a vCard brings. What Outlook cannot show stays on the
// server and is never deleted just because Outlook does not show it: the
// writers use `splitForOutlook` to pick what goes into the slots, and
// `mergeFromOutlook` reads an Outlook item back into the server's contact by
// the same picking, so it knows which server items the user saw and edited.
import type { Address, Contact, Email, Extra, Phone, PhoneType } from "../../contact/contact";

type Url = Contact["urls"][number];
type Im = Contact["im"][number];

export interface OutlookCapacity {
  /** Positional slots: Email1..Email3 in both Graph and EWS. */
  emails: number;
  /** Each group is a run of slots; the i-th phone of the group in server order
   *  goes into the slot typed group[i] (e.g. BusinessPhone, BusinessPhone2). */
  phoneGroups: PhoneType[][];
  im: number;
  /** BusinessHomePage is the only web page Graph and EWS expose. */
  urls: number;
  anniversary: boolean;
  /** `extra` entries of this source are the format's own and come from Outlook. */
  extraSource: string;
}

export interface OutlookView {
  emails: Email[];
  /** One list per capacity.phoneGroups entry, already in slot order. */
  phoneSlots: Phone[][];
  addresses: Address[];
  im: Im[];
  urls: Url[];
  extra: Extra[];
}

/** The parts of a server contact that the Outlook item cannot show. */
export interface OutlookOverflow {
  emails: Email[];
  phones: Phone[];
  addresses: Address[];
  im: Im[];
  urls: Url[];
  extra: Extra[];
  /** Fields dropped as a whole, e.g. "anniversary", "photo", "addresses[0].poBox". */
  fields: string[];
}

interface Picked {
  emails: number[];
  phoneSlots: number[][];
  addresses: number[][];
  im: number[];
  urls: number[];
  extra: number[];
}

const addressTypes = ["business", "home", "other"] as const;

function indicesWhere<T>(items: T[], keep: (item: T) => boolean, limit = Infinity): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (out.length < limit && keep(item)) out.push(i);
  });
  return out;
}

// A work URL is the natural "business home page"; failing that, the first one.
function pickUrl(urls: Url[], limit: number): number[] {
  const work = indicesWhere(urls, (u) => u.type === "work");
  const rest = indicesWhere(urls, (u) => u.type !== "work");
  return [...work, ...rest].slice(0, limit);
}

function pick(contact: Contact, capacity: OutlookCapacity): Picked {
  return {
    emails: indicesWhere(contact.emails, () => true, capacity.emails),
    phoneSlots: capacity.phoneGroups.map((group) =>
      indicesWhere(contact.phones, (p) => group.includes(p.type), group.length),
    ),
    addresses: addressTypes.map((type) => indicesWhere(contact.addresses, (a) => a.type === type, 1)),
    im: indicesWhere(contact.im, () => true, capacity.im),
    urls: pickUrl(contact.urls, capacity.urls),
    extra: indicesWhere(contact.extra, (e) => e.source === capacity.extraSource),
  };
}

const at = <T>(items: T[], indices: number[]) => indices.map((i) => items[i]);
const notAt = <T>(items: T[], indices: number[]) => items.filter((_, i) => !indices.includes(i));

export function splitForOutlook(
  contact: Contact,
  capacity: OutlookCapacity,
): { view: OutlookView; overflow: OutlookOverflow } {
  const picked = pick(contact, capacity);
  const shownAddresses = picked.addresses.flat();
  const view: OutlookView = {
    emails: at(contact.emails, picked.emails),
    phoneSlots: picked.phoneSlots.map((slots) => at(contact.phones, slots)),
    addresses: at(contact.addresses, shownAddresses),
    im: at(contact.im, picked.im),
    urls: at(contact.urls, picked.urls),
    extra: at(contact.extra, picked.extra),
  };
  const fields = [
    ...(contact.anniversary && !capacity.anniversary ? ["anniversary"] : []),
    ...(contact.photo ? ["photo"] : []),
    ...contact.addresses.flatMap((a, i) => (a.poBox && shownAddresses.includes(i) ? [`addresses[${i}].poBox`] : [])),
  ];
  const overflow: OutlookOverflow = {
    emails: notAt(contact.emails, picked.emails),
    phones: notAt(contact.phones, picked.phoneSlots.flat()),
    addresses: notAt(contact.addresses, shownAddresses),
    im: notAt(contact.im, picked.im),
    urls: notAt(contact.urls, picked.urls),
    extra: notAt(contact.extra, picked.extra),
    fields,
  };
  return { view, overflow };
}

interface SlotGroup<T> {
  /** Indices of the server items that were shown in these slots. */
  shown: number[];
  /** What the Outlook item holds in these slots now. */
  outlook: T[];
}

/**
 * Lays what Outlook holds over the server items it was showing. An Outlook item
 * equal to a shown server item pairs with it; the rest pair up in order, so an
 * edit of the 2nd of 3 e-mails replaces exactly the 2nd. A shown server item
 * left without a partner was deleted in Outlook; an unpaired Outlook item was
 * added there. Items Outlook never showed keep their places.
 */
export function mergeSlots<T>(
  server: T[],
  groups: SlotGroup<T>[],
  same: (server: T, outlook: T) => boolean,
  adopt: (server: T, outlook: T) => T,
): T[] {
  const result: (T | undefined)[] = [...server];
  const added: T[] = [];
  for (const { shown, outlook } of groups) {
    const pending = [...shown];
    const unpaired: T[] = [];
    for (const item of outlook) {
      const k = pending.findIndex((i) => same(server[i], item));
      if (k < 0) {
        unpaired.push(item);
        continue;
      }
      result[pending[k]] = adopt(server[pending[k]], item);
      pending.splice(k, 1);
    }
    unpaired.forEach((item, n) => {
      if (n < pending.length) result[pending[n]] = adopt(server[pending[n]], item);
      else added.push(item);
    });
    for (const i of pending.slice(unpaired.length)) result[i] = undefined;
  }
  return [...result.filter((item): item is T => item !== undefined), ...added];
}

const sameText = (a: string, b: string) => a.trim() === b.trim();
const sameAddress = (a: Address, b: Address) =>
  (["street", "city", "region", "postalCode", "country"] as const).every(
    (k) => (a[k] ?? "").trim() === (b[k] ?? "").trim(),
  );

/**
 * The server's contact with every field Outlook can hold taken from `outlook`
 * (already converted to a Contact) and everything else kept from `server`.
 */
export function mergeFromOutlook(server: Contact, outlook: Contact, capacity: OutlookCapacity): Contact {
  const picked = pick(server, capacity);
  const byGroup = (group: PhoneType[]) => outlook.phones.filter((p) => group.includes(p.type));
  return dropUndefined({
    ...outlook,
    uid: server.uid,
    emails: mergeSlots(
      server.emails,
      [{ shown: picked.emails, outlook: outlook.emails }],
      (s, o) => s.address.trim().toLowerCase() === o.address.trim().toLowerCase(),
      (s, o) => ({ ...s, address: o.address }),
    ),
    phones: mergeSlots(
      server.phones,
      capacity.phoneGroups.map((group, g) => ({ shown: picked.phoneSlots[g], outlook: byGroup(group) })),
      (s, o) => sameText(s.number, o.number),
      (s, o) => ({ ...s, number: o.number }),
    ),
    addresses: mergeSlots(
      server.addresses,
      addressTypes.map((type, t) => ({
        shown: picked.addresses[t],
        outlook: outlook.addresses.filter((a) => a.type === type),
      })),
      sameAddress,
      // Neither Graph nor EWS has a PO box field, so the server's survives an edit.
      (s, o) => dropUndefined({ ...o, type: s.type, poBox: s.poBox }),
    ),
    im: mergeSlots(
      server.im,
      [{ shown: picked.im, outlook: outlook.im }],
      (s, o) => sameText(s.address, o.address),
      (s, o) => ({ ...s, address: o.address }),
    ),
    urls: mergeSlots(
      server.urls,
      [{ shown: picked.urls, outlook: outlook.urls }],
      (s, o) => sameText(s.url, o.url),
      (s, o) => ({ ...s, url: o.url }),
    ),
    extra: mergeSlots(
      server.extra,
      [{ shown: picked.extra, outlook: outlook.extra.filter((e) => e.source === capacity.extraSource) }],
      (s, o) => s.name === o.name && s.value === o.value,
      (_s, o) => o,
    ),
    anniversary: capacity.anniversary ? outlook.anniversary : server.anniversary,
    photo: server.photo,
  });
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// Graph (contact.birthday, "DateTimeOffset ... always in UTC",
// https://learn.microsoft.com/en-us/graph/api/resources/contact) and EWS
// (Birthday/WeddingAnniversary are xs:dateTime) store a calendar date as an
// instant. Outlook clients write midnight *local* time, so a Berlin user's
// 17 May arrives as "1980-05-16T22:00:00Z" and a New York user's as
// "1980-05-17T04:00:00Z"; some clients write 11:59 or noon UTC. Rounding to the
// nearest UTC midnight (noon itself rounds down) reads all of these right for
// zones from UTC-12 to UTC+11:59. We write midnight UTC, as the Graph docs show.
const dayMs = 86_400_000;

// A year-less vCard date ("--05-17") has no Outlook form; 1604 is the
// placeholder year Apple and Google use for it, so it survives a round trip.
const yearlessPlaceholder = "1604";

export function outlookInstantToDate(instant: string | null | undefined): string | undefined {
  if (!instant) return undefined;
  const ms = Date.parse(/(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(instant) || !instant.includes("T") ? instant : `${instant}Z`);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(Math.floor((ms + dayMs / 2 - 1) / dayMs) * dayMs).toISOString().slice(0, 10);
  return date.startsWith(`${yearlessPlaceholder}-`) ? `--${date.slice(5)}` : date;
}

export function dateToOutlookInstant(date: string | undefined): string | undefined {
  const m = date?.match(/^(\d{4}|--)-?(\d{2})-?(\d{2})$/);
  if (!m) return undefined;
  const year = m[1] === "--" ? yearlessPlaceholder : m[1];
  return `${year}-${m[2]}-${m[3]}T00:00:00Z`;
}
