// Change detection compares a hash of the normalized content, never an etag or
// changeKey alone: Outlook and servers rewrite items without changing them
// (vdirsyncer #257), and a hash of the meaning stops that ping-pong.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Contact } from "./contact";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** JSON with sorted keys, trimmed strings and empty values dropped. */
export function canonical(value: unknown): Json | undefined {
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
  return (
    canonical({
      ...rest,
      emails: rest.emails.map((e) => ({ ...e, address: e.address.trim().toLowerCase() })),
      categories: [...new Set(rest.categories.map((c) => c.trim()))].sort(),
      photo: photo && { mediaType: photo.mediaType, hash: photo.hash },
    }) ?? {}
  );
}

export function hashText(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

// ---- The same normalization, written as JSON text in one walk ----
//
// contentHash runs for every item whose etag or changeKey moved, so it builds no
// normalized tree: keys are visited in sorted order and each value is written as it
// is met. The text has the meaning of JSON.stringify(normalizeContact(contact))
// (same values; integer-like record keys stay in string order).

// What JSON.stringify would escape (ECMA-262 QuoteJSONString): quotes, backslashes,
// control characters and surrogates (lone ones become \u escapes).
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

const quoted = (text: string) => (needsEscape.test(text) ? JSON.stringify(text) : `"${text}"`);

const quotedKeys = new Map<string, string>();
function quotedKey(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) quotedKeys.set(key, (text = quoted(key)));
  return text;
}

/** Object.keys in code-unit order, as Array.prototype.sort orders strings; an insertion
 *  sort, because objects here have a dozen keys and the generic sort is slower on those. */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

function valueText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  switch (typeof value) {
    case "string": {
      const trimmed = value.trim();
      return trimmed === "" ? undefined : quoted(trimmed);
    }
    case "number":
    case "boolean":
      return JSON.stringify(value);
    case "object":
      return Array.isArray(value) ? arrayText(value) : objectText(value as Record<string, unknown>);
    default:
      return undefined;
  }
}

function arrayText(items: readonly unknown[]): string | undefined {
  let out = "";
  for (const item of items) {
    const text = valueText(item);
    if (text !== undefined) out += out === "" ? text : `,${text}`;
  }
  return out === "" ? undefined : `[${out}]`;
}

function objectText(value: Record<string, unknown>): string | undefined {
  let out = "";
  for (const key of sortedKeys(value)) {
    const text = valueText(value[key]);
    if (text !== undefined) out += `${out === "" ? "" : ","}${quotedKey(key)}:${text}`;
  }
  return out === "" ? undefined : `{${out}}`;
}

/** The field's normalized text, for the fields normalizeContact treats apart. */
function fieldText(contact: Contact, key: string): string | undefined {
  switch (key) {
    case "uid":
      return undefined;
    case "emails":
      return arrayText(contact.emails.map((e) => ({ ...e, address: e.address.trim().toLowerCase() })));
    case "categories":
      return arrayText([...new Set(contact.categories.map((c) => c.trim()))].sort());
    case "photo":
      return contact.photo && objectText({ mediaType: contact.photo.mediaType, hash: contact.photo.hash });
    default:
      return valueText((contact as Record<string, unknown>)[key]);
  }
}

/** normalizeContact(contact) as canonical JSON text. */
export function canonicalContactText(contact: Contact): string {
  let out = "";
  for (const key of sortedKeys(contact)) {
    const text = fieldText(contact, key);
    if (text !== undefined) out += `${out === "" ? "" : ","}${quotedKey(key)}:${text}`;
  }
  return `{${out}}`;
}

// ---- MurmurHash3_x86_128 (Austin Appleby, SMHasher MurmurHash3.cpp, public domain) ----
//
// A content hash only has to tell edits apart from accidents: two different contacts
// colliding by chance (at 128 bits, never in practice), not an adversary forging a
// collision. Nobody gains by forging one: an etag guards a user's own edits, and the
// server checks access on every write. So a fast non-cryptographic hash does, at a
// fraction of SHA-256's cost in JavaScript. It reads the string's UTF-16 code units
// directly, two to a 32-bit word: the hash of the text's UTF-16LE bytes, without
// encoding them first.

const c1 = 0x239b961b;
const c2 = 0xab0e9789;
const c3 = 0x38b34ae5;
const c4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Code units i and i + 1 as one little-endian word; a unit past the end reads as 0. */
function wordAt(text: string, i: number): number {
  const low = i < text.length ? text.charCodeAt(i) : 0;
  const high = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  return low | (high << 16);
}

/** The four 32-bit words h1..h4 of MurmurHash3_x86_128 over the UTF-16LE bytes of `text`. */
export function murmur3x86_128(text: string, seed = 0): [number, number, number, number] {
  let h1 = seed | 0,
    h2 = h1,
    h3 = h1,
    h4 = h1;
  const units = text.length;
  // 16-byte blocks are 8 code units.
  const blocksEnd = units - (units % 8);
  for (let i = 0; i < blocksEnd; i += 8) {
    h1 ^= Math.imul(rotl(Math.imul(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16), c1), 15), c2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16), c2), 16), c3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(text.charCodeAt(i + 4) | (text.charCodeAt(i + 5) << 16), c3), 17), c4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(text.charCodeAt(i + 6) | (text.charCodeAt(i + 7) << 16), c4), 18), c1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail, up to 7 units: each word is mixed only if it holds a byte.
  const rest = units - blocksEnd;
  if (rest > 6) h4 ^= Math.imul(rotl(Math.imul(wordAt(text, blocksEnd + 6), c4), 18), c1);
  if (rest > 4) h3 ^= Math.imul(rotl(Math.imul(wordAt(text, blocksEnd + 4), c3), 17), c4);
  if (rest > 2) h2 ^= Math.imul(rotl(Math.imul(wordAt(text, blocksEnd + 2), c2), 16), c3);
  if (rest > 0) h1 ^= Math.imul(rotl(Math.imul(wordAt(text, blocksEnd), c1), 15), c2);

  const length = units * 2;
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const hexDigits = [..."0123456789abcdef"].map((c) => c.charCodeAt(0));
const hexCodes: number[] = new Array(32).fill(0);

/** 32 lowercase hex characters: MurmurHash3_x86_128 of the canonical text. */
export function contentHash(contact: Contact): string {
  const words = murmur3x86_128(canonicalContactText(contact));
  for (let i = 0; i < 32; i++) hexCodes[i] = hexDigits[(words[i >> 3] >>> ((7 - (i & 7)) * 4)) & 15];
  // One flat string; concatenated parts would stay a rope of them, twice the memory
  // in a status of 100,000 entries.
  return String.fromCharCode.apply(null, hexCodes);
}
