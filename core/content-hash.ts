// Change detection compares a hash of the normalized content, never an etag or
// changeKey alone: Outlook and servers rewrite items without changing them
// (vdirsyncer #257), and a hash of the meaning stops that ping-pong.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Contact } from "./contact";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function canonical(value: unknown): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed === "" ? undefined : trimmed;
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((v): v is Json => v !== undefined);
    return items.length ? items : undefined;
  }
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value as object).sort()) {
    const v = canonical((value as Record<string, unknown>)[key]);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The content that matters for equality: no uid, trimmed, empties dropped,
 *  e-mail addresses case-folded, categories as a set, a photo by its hash only. */
export function normalizeContact(contact: Contact): Json {
  const { uid: _uid, photo, ...rest } = contact;
  return canonical({
    ...rest,
    emails: rest.emails.map((e) => ({ ...e, address: e.address.trim().toLowerCase() })),
    categories: [...new Set(rest.categories.map((c) => c.trim()))].sort(),
    photo: photo && { mediaType: photo.mediaType, hash: photo.hash },
  }) ?? {};
}

export function hashText(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export function contentHash(contact: Contact): string {
  return hashText(JSON.stringify(normalizeContact(contact))).slice(0, 32);
}
