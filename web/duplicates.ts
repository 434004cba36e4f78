// Pairs of contacts in one book that are likely the same person: the same e-mail address, the same
// phone number, or a similar name (the same words, whatever their case, accents, punctuation and
// order: "Lindqvist, Mia" and "mia lindqvist").
import type { StoredContact } from "./api";

export type Reason = "same e-mail" | "same phone" | "similar name";
export type DuplicatePair = { first: StoredContact; second: StoredContact; reasons: Reason[] };

const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export function nameKey(stored: StoredContact): string {
  const c = stored.contact;
  const text = c.displayName || [c.name?.given, c.name?.middle, c.name?.family].filter(Boolean).join(" ");
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(" ");
}

const MAX_GROUP = 10;

/** The last nine digits: "+1 (555) 010-0123" and "555 0100123" are one number. */
const phoneKey = (number: string) => number.replace(/\D/g, "").slice(-9);

/** Every pair sharing a key, once, with every reason it matched; in the book's order. */
export function findDuplicates(contacts: StoredContact[]): DuplicatePair[] {
  const pairs = new Map<string, DuplicatePair>();
  const groups = new Map<string, StoredContact[]>();
  const add = (key: string, c: StoredContact) => groups.set(key, [...(groups.get(key) ?? []), c]);
  for (const c of contacts) {
    for (const e of new Set(c.contact.emails.map((e) => fold(e.address.trim())))) add(`same e-mail\u0000${e}`, c);
    for (const p of new Set(c.contact.phones.map((p) => phoneKey(p.number)).filter((k) => k.length >= 6)))
      add(`same phone\u0000${p}`, c);
    const name = nameKey(c);
    if (name) add(`similar name\u0000${name}`, c);
  }
  for (const [key, members] of groups) {
    // A switchboard number or a shared mailbox on fifty cards is not fifty people twice.
    if (members.length > MAX_GROUP) continue;
    const reason = key.split("\u0000")[0] as Reason;
    for (let i = 0; i < members.length; i++)
      for (let j = i + 1; j < members.length; j++) {
        const [first, second] = [members[i], members[j]];
        const id = `${first.uid}\u0000${second.uid}`;
        const pair = pairs.get(id) ?? { first, second, reasons: [] };
        if (!pair.reasons.includes(reason)) pair.reasons.push(reason);
        pairs.set(id, pair);
      }
  }
  return [...pairs.values()];
}
