// parse(emit(c, v)) equals c for arbitrary contacts, v in 3.0 and 4.0.
import assert from "node:assert/strict";
import fc from "fast-check";
import { contactSchema, phoneTypes, type Contact, type ContactInput } from "../../core/contact/contact";
import { emitVCard, parseVCard } from "../../core/formats/vcard";

// Text without control characters: a content line cannot carry them (RFC 6350 §3.3).
const text = fc.string({ unit: "grapheme", maxLength: 30 }).filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s));
const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .'-]{0,20}$/);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const twoDigits = (max: number) => fc.integer({ min: 1, max }).map((n) => String(n).padStart(2, "0"));
const date = fc
  .tuple(fc.oneof(fc.constant("--"), fc.integer({ min: 1900, max: 2099 }).map(String)), twoDigits(12), twoDigits(28))
  .map(([year, month, day]) => (year === "--" ? `--${month}-${day}` : `${year}-${month}-${day}`));

// Reading trims e-mail addresses, numbers and URLs (producers pad them), so these end in non-space.
const phoneNumber = fc.stringMatching(/^\+?[0-9][0-9 ()/,;.-]{0,18}[0-9]$/);

const contact: fc.Arbitrary<ContactInput> = fc.record(
  {
    uid: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,40}$/)),
    displayName: text,
    name: optional(
      fc.record(
        {
          prefix: optional(text),
          given: optional(text),
          middle: optional(text),
          family: optional(text),
          suffix: optional(text),
          nickname: optional(text),
          fileAs: optional(text),
        },
        { requiredKeys: [] },
      ),
    ),
    emails: fc.array(
      fc.record({
        type: fc.constantFrom("work", "home", "other") as fc.Arbitrary<"work" | "home" | "other">,
        address: fc.emailAddress(),
      }),
      { maxLength: 3 },
    ),
    phones: fc.array(fc.record({ type: fc.constantFrom(...phoneTypes), number: phoneNumber }), { maxLength: 4 }),
    addresses: fc.array(
      fc.record(
        {
          type: fc.constantFrom("business", "home", "other") as fc.Arbitrary<"business" | "home" | "other">,
          street: optional(text),
          city: optional(text),
          region: optional(text),
          postalCode: optional(word),
          country: optional(text),
          poBox: optional(text),
        },
        { requiredKeys: ["type"] },
      ),
      { maxLength: 2 },
    ),
    company: optional(text),
    department: optional(text),
    jobTitle: optional(text),
    office: optional(text),
    manager: optional(text),
    assistant: optional(text),
    birthday: optional(date),
    anniversary: optional(date),
    urls: fc.array(
      fc.record({
        type: fc.constantFrom("work", "home", "other") as fc.Arbitrary<"work" | "home" | "other">,
        url: fc.webUrl(),
      }),
      { maxLength: 2 },
    ),
    im: fc.array(
      fc.record(
        { type: optional(fc.oneof(fc.constantFrom("xmpp", "sip", "skype"), word)), address: fc.emailAddress() },
        { requiredKeys: ["address"] },
      ),
      { maxLength: 2 },
    ),
    categories: fc.array(text, { maxLength: 3 }),
    notes: optional(text),
    photo: optional(
      fc.record({
        mediaType: fc.constantFrom("image/jpeg", "image/png", "image/gif"),
        data: fc.base64String({ minLength: 4, maxLength: 64 }),
      }),
    ),
    extra: fc.array(
      fc.record(
        {
          source: fc.constant("vcard"),
          name: fc
            .tuple(optional(fc.stringMatching(/^item[0-9]$/)), fc.stringMatching(/^X-TEST-[A-Z]{1,8}$/))
            .map(([g, n]) => (g ? `${g}.${n}` : n)),
          value: text,
          params: optional(
            fc.dictionary(
              fc.constantFrom("type", "x-label", "pref"),
              fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 2 }),
              { maxKeys: 2 },
            ),
          ),
        },
        { requiredKeys: ["source", "name", "value"] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ["uid", "displayName", "emails", "phones", "addresses", "urls", "im", "categories", "extra"] },
);

const blankToUndefined = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);

/**
 * What vCard cannot tell apart, made equal before comparing:
 * - an empty component or property is written the same as an absent one, so "" → undefined,
 *   a name without parts is no name, a blank category is dropped, and a department of only
 *   empty units (";") is none;
 * - vCard 3.0 needs no N, but we always write one; that changes nothing above.
 * - a non-"type" parameter is one value in ical.js, so ["a", "b"] comes back as ["a,b"];
 * - an empty params map is no params.
 */
function normalize(input: ContactInput): Contact {
  const c = contactSchema.parse(input);
  const name =
    c.name &&
    Object.fromEntries(
      Object.entries(c.name)
        .map(([k, v]) => [k, blankToUndefined(v)])
        .filter(([, v]) => v !== undefined),
    );
  const department = c.department?.split(";").some((unit) => unit !== "") ? c.department : undefined;
  const result: Contact = {
    ...c,
    name: name && Object.keys(name).length ? name : undefined,
    company: blankToUndefined(c.company),
    department,
    jobTitle: blankToUndefined(c.jobTitle),
    office: blankToUndefined(c.office),
    manager: blankToUndefined(c.manager),
    assistant: blankToUndefined(c.assistant),
    notes: blankToUndefined(c.notes),
    addresses: c.addresses.map(
      (a) =>
        Object.fromEntries(Object.entries(a).map(([k, v]) => [k, blankToUndefined(v)])) as Contact["addresses"][number],
    ),
    categories: c.categories.filter((category) => category.trim() !== ""),
    extra: c.extra.map(({ params, ...e }) => {
      const kept =
        params && Object.fromEntries(Object.entries(params).map(([k, v]) => [k, k === "type" ? v : [v.join(",")]]));
      return kept && Object.keys(kept).length ? { ...e, params: kept } : e;
    }),
  };
  return JSON.parse(JSON.stringify(result)) as Contact;
}

describe("vCard round trip of arbitrary contacts", () => {
  for (const version of ["3.0", "4.0"] as const) {
    it(`reads back every field a ${version} card was written from`, () => {
      fc.assert(
        fc.property(contact, (input) => {
          const expected = normalize(input);
          assert.deepEqual(parseVCard(emitVCard(expected, version)), expected);
        }),
        { numRuns: 300 },
      );
    });
  }
});
