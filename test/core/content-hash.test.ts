import assert from "node:assert/strict";
import fc from "fast-check";
import type { Contact } from "../../core/contact/contact";
import { canonicalContactText, contentHash, murmur3x86_128, normalizeContact } from "../../core/contact/content-hash";

// MurmurHash3_x86_128 byte by byte, transcribed from SMHasher's MurmurHash3.cpp, as the
// reference the string version in core is held to.
function murmurReference(data: Uint8Array, seed: number): number[] {
  const c = [0x239b961b, 0xab0e9789, 0x38b34ae5, 0xa1e38b93];
  const kRot = [15, 16, 17, 18];
  const hRot = [19, 17, 15, 13];
  const hAdd = [0x561ccd1b, 0x0bcaa747, 0x96cd1c35, 0x32ac3b17];
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const fmix = (h: number) => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const mixK = (k: number, lane: number) => Math.imul(rotl(Math.imul(k, c[lane]), kRot[lane]), c[(lane + 1) % 4]);
  const word = (at: number, end: number) => {
    let w = 0;
    for (let b = 0; b < 4 && at + b < end; b++) w |= data[at + b] << (8 * b);
    return w;
  };
  const h = [seed, seed, seed, seed];
  const blocks = data.length >> 4;
  for (let i = 0; i < blocks; i++) {
    for (let lane = 0; lane < 4; lane++) {
      h[lane] ^= mixK(word(i * 16 + lane * 4, data.length), lane);
      h[lane] = (Math.imul(rotl(h[lane], hRot[lane]) + h[(lane + 1) % 4], 5) + hAdd[lane]) | 0;
    }
  }
  const tail = blocks * 16;
  for (let lane = 3; lane >= 0; lane--)
    if (data.length - tail > lane * 4) h[lane] ^= mixK(word(tail + lane * 4, data.length), lane);
  const finish = () => {
    h[0] = (h[0] + h[1] + h[2] + h[3]) | 0;
    for (let lane = 1; lane < 4; lane++) h[lane] = (h[lane] + h[0]) | 0;
  };
  for (let lane = 0; lane < 4; lane++) h[lane] ^= data.length;
  finish();
  for (let lane = 0; lane < 4; lane++) h[lane] = fmix(h[lane]);
  finish();
  return h.map((x) => x >>> 0);
}

const utf16le = (text: string) => {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[2 * i] = text.charCodeAt(i) & 0xff;
    bytes[2 * i + 1] = text.charCodeAt(i) >>> 8;
  }
  return bytes;
};

const contact = (fields: Partial<Contact> = {}): Contact => ({
  uid: "ann",
  displayName: "Ann Lee",
  name: { given: "Ann", family: "Lee" },
  emails: [{ type: "work", address: "ann@acme.com" }],
  phones: [{ type: "mobile", number: "+1 555 0100" }],
  addresses: [],
  urls: [],
  im: [],
  categories: ["Golf", "VIP"],
  extra: [],
  company: "Acme",
  ...fields,
});

// Text with the characters normalization and JSON care about: spaces to trim, case to fold,
// quotes and backslashes to escape, control characters, non-Latin and astral characters.
const padding = fc.constantFrom("", " ", "  ", "\t", "\n");
const word = fc.string({ unit: fc.constantFrom(...'aAbBzZ09 .,@"\\\u0001é中😀'), minLength: 1, maxLength: 8 });
const text = fc.tuple(padding, word, padding).map(([before, core, after]) => before + core + after);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const contactArb: fc.Arbitrary<Contact> = fc.record({
  uid: fc.constantFrom("ann", "bob"),
  displayName: fc.oneof(text, fc.constant("")),
  name: optional(fc.record({ given: text, family: text, nickname: text }, { requiredKeys: [] })),
  emails: fc.array(
    fc.record({
      type: fc.constantFrom("work", "home", "other") as fc.Arbitrary<"work" | "home" | "other">,
      address: text,
    }),
    { maxLength: 3 },
  ),
  phones: fc.array(
    fc.record({ type: fc.constantFrom("mobile", "business") as fc.Arbitrary<"mobile" | "business">, number: text }),
    { maxLength: 2 },
  ),
  addresses: fc.array(
    fc.record(
      { type: fc.constantFrom("home", "business") as fc.Arbitrary<"home" | "business">, city: text, street: text },
      { requiredKeys: ["type"] },
    ),
    { maxLength: 2 },
  ),
  urls: fc.constant([]),
  im: fc.array(fc.record({ type: optional(text), address: text }), { maxLength: 1 }),
  company: optional(text),
  notes: optional(text),
  birthday: optional(fc.constantFrom("1980-02-29", "--12-24")),
  categories: fc.array(text, { maxLength: 4 }),
  photo: optional(
    fc.record(
      {
        mediaType: fc.constantFrom("image/jpeg", "image/png"),
        hash: optional(fc.constantFrom("a".repeat(64), "b".repeat(64))),
        data: optional(fc.constant("/9j/4AAQ")),
      },
      { requiredKeys: ["mediaType"] },
    ),
  ),
  extra: fc.array(
    fc.record(
      {
        source: fc.constantFrom("vcard", "graph"),
        name: text,
        value: text,
        params: optional(fc.dictionary(fc.constantFrom("TYPE", "PREF", "10", "9"), fc.array(text, { maxLength: 2 }))),
      },
      { requiredKeys: ["source", "name", "value"] },
    ),
    { maxLength: 2 },
  ),
});

describe("contentHash", () => {
  it("is 32 lowercase hex characters", () => {
    fc.assert(fc.property(contactArb, (c) => assert.match(contentHash(c), /^[0-9a-f]{32}$/)));
  });

  it("hashes the canonical text of exactly what normalizeContact keeps", () => {
    fc.assert(
      fc.property(contactArb, (c) => assert.deepEqual(JSON.parse(canonicalContactText(c)), normalizeContact(c))),
    );
  });

  it("implements MurmurHash3_x86_128: SMHasher's verification value, and the reference over any string's UTF-16LE bytes", () => {
    // SMHasher VerificationTest: hash keys {}, {0}, {0,1}, ... with seed 256 - length, then hash
    // the 256 results; the first word must be 0xB3ECE62A for MurmurHash3_x86_128.
    const key = Uint8Array.from({ length: 256 }, (_, i) => i);
    const results = new Uint8Array(16 * 256);
    for (let n = 0; n < 256; n++) {
      murmurReference(key.subarray(0, n), 256 - n).forEach((w, lane) => {
        for (let b = 0; b < 4; b++) results[n * 16 + lane * 4 + b] = (w >>> (8 * b)) & 0xff;
      });
    }
    assert.equal(murmurReference(results, 0)[0], 0xb3ece62a);

    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));
    fc.assert(
      fc.property(fc.string({ unit: anyUnit, maxLength: 40 }), fc.integer(), (s, seed) => {
        assert.deepEqual(murmur3x86_128(s, seed), murmurReference(utf16le(s), seed | 0));
      }),
    );
  });

  it("hashes equivalent contacts alike: folded e-mails, categories as a set, trimmed text, a photo by its hash, any uid and key order", () => {
    const photo = { mediaType: "image/jpeg", hash: "c".repeat(64) };
    const plain = contact({ photo });
    const noisy: Contact = {
      company: "  Acme ",
      extra: [],
      categories: ["VIP ", "Golf", " Golf", ""],
      im: [],
      urls: [],
      addresses: [],
      phones: [{ type: "mobile", number: " +1 555 0100" }],
      emails: [{ type: "work", address: " Ann@ACME.com " }],
      name: { family: "Lee ", given: "Ann", middle: "  " },
      displayName: "Ann Lee\n",
      uid: "another-uid",
      photo: { ...photo, data: "/9j/4AAQSkZJRg==" },
      notes: "   ",
    };
    assert.equal(contentHash(noisy), contentHash(plain));
  });

  it("keeps equivalence under any padding, e-mail case and category order", () => {
    fc.assert(
      fc.property(contactArb, fc.integer(), (c, turn) => {
        const rotated = c.categories.map((_, i, all) => all[(i + Math.abs(turn)) % all.length]);
        const variant: Contact = {
          ...c,
          displayName: ` ${c.displayName}\t`,
          company: c.company === undefined ? undefined : `${c.company}  `,
          emails: c.emails.map((e) => ({ ...e, address: ` ${e.address.toUpperCase()}` })),
          categories: [...rotated, ...c.categories.slice(0, 1)],
        };
        // toUpperCase then the hash's toLowerCase is not always the identity (e.g. "ß"); this text has none such.
        assert.equal(contentHash(variant), contentHash(c));
      }),
    );
  });

  it("tells apart contacts that differ in any single field", () => {
    const edits: [string, (c: Contact, value: string) => Contact][] = [
      ["displayName", (c, v) => ({ ...c, displayName: v })],
      ["company", (c, v) => ({ ...c, company: v })],
      ["notes", (c, v) => ({ ...c, notes: v })],
      ["name.given", (c, v) => ({ ...c, name: { ...c.name, given: v } })],
      ["e-mail address", (c, v) => ({ ...c, emails: [{ type: "work", address: `${v}@x` }, ...c.emails] })],
      ["phone number", (c, v) => ({ ...c, phones: [...c.phones, { type: "home", number: v }] })],
      ["address city", (c, v) => ({ ...c, addresses: [...c.addresses, { type: "other", city: v }] })],
      ["category", (c, v) => ({ ...c, categories: [...c.categories, v] })],
      ["extra value", (c, v) => ({ ...c, extra: [...c.extra, { source: "vcard", name: "X-TEST", value: v }] })],
    ];
    fc.assert(
      fc.property(contactArb, fc.constantFrom(...edits), text, (c, [field, edit], value) => {
        const changed = edit(c, value);
        fc.pre(JSON.stringify(normalizeContact(changed)) !== JSON.stringify(normalizeContact(c)));
        assert.notEqual(contentHash(changed), contentHash(c), field);
      }),
      { numRuns: 500 },
    );
    assert.notEqual(
      contentHash(contact({ photo: { mediaType: "image/jpeg", hash: "a".repeat(64) } })),
      contentHash(contact({ photo: { mediaType: "image/jpeg", hash: "b".repeat(64) } })),
    );
    assert.notEqual(
      contentHash(contact({ birthday: "1980-01-02" })),
      contentHash(contact({ anniversary: "1980-01-02" })),
    );
  });

  it("gives 20,000 contacts that differ in one digit 20,000 different hashes", () => {
    const hashes = new Set(
      Array.from({ length: 20_000 }, (_, i) =>
        contentHash(contact({ phones: [{ type: "mobile", number: `+1 555 ${i}` }] })),
      ),
    );
    assert.equal(hashes.size, 20_000);
  });
});
