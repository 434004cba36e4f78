// Field-level three-way merge of one contact changed on both sides since the last
// sync. Edits to different fields both survive; the same field changed two ways is
// a conflict the caller's winner settles. List fields merge element by element,
// matched by identity (an address, a number), never by position: Outlook keeps
// e-mails in three slots and servers reorder vCard properties freely.
import type { Contact } from "./contact";
import { canonical } from "./content-hash";

export type Winner = "outlook" | "server";
export type FieldConflict = { field: string; outlook: unknown; server: unknown; winner: Winner };
export type MergeResult = { contact: Contact; conflicts: FieldConflict[] };

type MergeInput = Omit<Contact, "uid"> & { uid?: string };

const scalarFields = [
  "displayName",
  "company",
  "department",
  "jobTitle",
  "office",
  "manager",
  "assistant",
  "birthday",
  "anniversary",
  "notes",
  "photo",
] as const;
const nameFields = ["prefix", "given", "middle", "family", "suffix", "nickname", "fileAs"] as const;

const digits = (text: string) => text.replace(/[^0-9+]/g, "").replace(/(?!^)\+/g, "");
const folded = (text: string) => text.trim().toLowerCase();

// Element identity per list field.
const listIdentity = {
  emails: (e: Contact["emails"][number]) => folded(e.address),
  phones: (p: Contact["phones"][number]) => digits(p.number),
  addresses: (a: Contact["addresses"][number]) => a.type,
  urls: (u: Contact["urls"][number]) => u.url.trim(),
  im: (i: Contact["im"][number]) => folded(i.address),
};
type ListField = keyof typeof listIdentity;

/** JSON with sorted keys, trimmed strings and empties dropped: equality as the content hash sees it. */
export function canonicalText(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? "";
}

type Merger = { hasBase: boolean; winner: Winner; conflicts: FieldConflict[] };

// A photo is its hash (core/content-hash.ts does the same): one side may carry the bytes, the other not.
const comparable = (field: string, value: unknown) =>
  field === "photo" && value
    ? { mediaType: (value as Contact["photo"])!.mediaType, hash: (value as Contact["photo"])!.hash }
    : value;

function mergeValue<T>(
  m: Merger,
  field: string,
  base: T | undefined,
  outlook: T | undefined,
  server: T | undefined,
): T | undefined {
  const o = canonicalText(comparable(field, outlook));
  const s = canonicalText(comparable(field, server));
  if (o === s) return server;
  if (m.hasBase) {
    const b = canonicalText(comparable(field, base));
    if (o === b) return server; // only the server changed it
    if (s === b) return outlook; // only Outlook changed it
  } else {
    // First sync: a value one side lacks is filled in, not a conflict.
    if (o === "") return server;
    if (s === "") return outlook;
  }
  m.conflicts.push({ field, outlook, server, winner: m.winner });
  return m.winner === "outlook" ? outlook : server;
}

/** Keys by identity; a repeated identity gets an occurrence suffix so nothing collapses. */
function byIdentity<T>(list: T[], identity: (item: T) => string): Map<string, T> {
  const seen = new Map<string, number>();
  const out = new Map<string, T>();
  for (const item of list) {
    const id = identity(item);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    out.set(n ? `${id}#${n}` : id, item);
  }
  return out;
}

function mergeList<T>(
  m: Merger,
  field: string,
  identity: (item: T) => string,
  base: T[],
  outlook: T[],
  server: T[],
): T[] {
  const b = byIdentity(base, identity);
  const o = byIdentity(outlook, identity);
  const s = byIdentity(server, identity);
  // Server order first, then what only Outlook has, in Outlook's order.
  const keys = new Set([...s.keys(), ...o.keys()]);
  const out: T[] = [];
  for (const key of keys) {
    const merged = mergeValue(m, `${field}[${key}]`, b.get(key), o.get(key), s.get(key));
    if (merged !== undefined) out.push(merged);
  }
  return out;
}

/** Sets (categories, extra): an element added on either side stays; one removed on either side goes. */
function mergeSet<T>(m: Merger, base: T[], outlook: T[], server: T[]): T[] {
  const key = (item: T) => canonicalText(item);
  const inBase = new Set(base.map(key));
  const inOutlook = new Set(outlook.map(key));
  const inServer = new Set(server.map(key));
  const all = new Map<string, T>();
  for (const item of [...server, ...outlook]) if (!all.has(key(item))) all.set(key(item), item);
  return [...all]
    .filter(([k]) => {
      const o = inOutlook.has(k);
      const s = inServer.has(k);
      if (o === s) return o;
      return m.hasBase ? !inBase.has(k) : true;
    })
    .map(([, item]) => item);
}

function mergeName(
  m: Merger,
  base: Contact["name"],
  outlook: Contact["name"],
  server: Contact["name"],
): Contact["name"] {
  const out: NonNullable<Contact["name"]> = {};
  for (const field of nameFields) {
    const value = mergeValue(m, `name.${field}`, base?.[field], outlook?.[field], server?.[field]);
    if (value !== undefined) out[field] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Merges Outlook's and the server's versions against `base`, the content last synced
 * (undefined on a first sync: then nothing counts as removed and lists are unioned).
 * The result carries the server's uid.
 */
export function mergeContacts(
  base: Contact | undefined,
  outlook: MergeInput,
  server: Contact,
  winner: Winner,
): MergeResult {
  const m: Merger = { hasBase: base !== undefined, winner, conflicts: [] };
  const merged: Record<string, unknown> = { uid: server.uid };
  for (const field of scalarFields) {
    const value = mergeValue(m, field, base?.[field], outlook[field], server[field]);
    if (value !== undefined) merged[field] = value;
  }
  merged.displayName ??= "";
  const name = mergeName(m, base?.name, outlook.name, server.name);
  if (name) merged.name = name;
  for (const field of Object.keys(listIdentity) as ListField[]) {
    const identity = listIdentity[field] as (item: unknown) => string;
    merged[field] = mergeList(m, field, identity, base?.[field] ?? [], outlook[field], server[field]);
  }
  merged.categories = mergeSet(m, base?.categories ?? [], outlook.categories, server.categories);
  merged.extra = mergeSet(m, base?.extra ?? [], outlook.extra, server.extra);
  return { contact: merged as Contact, conflicts: m.conflicts };
}
