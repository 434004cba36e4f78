// The one Contact model shared by the server, the add-in and every mapping
// (Outlook/Graph, EWS, vCard, CSV). Types are inferred from these schemas.
import { z } from "zod";

const text = (max = 1024) => z.string().max(max);

// Outlook's nineteen phone kinds (Outlook object model ContactItem *TelephoneNumber
// properties); vCard and Graph map onto the same names.
export const phoneTypes = [
  "assistant",
  "business",
  "business2",
  "businessFax",
  "callback",
  "car",
  "company",
  "home",
  "home2",
  "homeFax",
  "isdn",
  "mobile",
  "other",
  "otherFax",
  "pager",
  "primary",
  "radio",
  "telex",
  "tty",
] as const;

export const emailSchema = z.strictObject({
  type: z.enum(["work", "home", "other"]).default("other"),
  address: text(320).min(1),
});

export const phoneSchema = z.strictObject({
  type: z.enum(phoneTypes),
  number: text(64).min(1),
});

export const addressSchema = z.strictObject({
  type: z.enum(["business", "home", "other"]),
  street: text().optional(),
  city: text().optional(),
  region: text().optional(),
  postalCode: text(64).optional(),
  country: text().optional(),
  poBox: text().optional(),
});

export const nameSchema = z.strictObject({
  prefix: text().optional(),
  given: text().optional(),
  middle: text().optional(),
  family: text().optional(),
  suffix: text().optional(),
  nickname: text().optional(),
  fileAs: text().optional(),
});

// Full dates, or vCard 4.0's year-less "--MM-DD".
const dateText = z.string().regex(/^(\d{4}|--)-?\d{2}-?\d{2}$/, "must be YYYY-MM-DD or --MM-DD");

export const urlSchema = z.strictObject({
  type: z.enum(["work", "home", "other"]).default("other"),
  url: text(2048).min(1),
});
export const imSchema = z.strictObject({ type: text(64).optional(), address: text(320).min(1) });

// A photo is stored apart from the contact, addressed by the SHA-256 of its bytes.
// On input a client may send `data` (base64); the server stores it and keeps `hash`.
export const photoSchema = z.strictObject({
  mediaType: text(128).default("image/jpeg"),
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  data: z
    .string()
    .max(8 * 1024 * 1024)
    .optional(),
});

// A property that no field models, kept so that a round trip loses nothing.
// `source` says which format it came from ("vcard", "graph", "ews", "csv"), and
// `value` is the format's own text (JSON text for Graph values).
// Parameter names and values are written into vCard content lines (RFC 6350 §3.3), so a
// name is an iana-token or x-name (letters, digits, '-') and a value holds no control
// character that could end the line. LF and HTAB stay: RFC 6868 writes LF as ^n (a LABEL
// parameter holds a multi-line address) and HTAB is WSP; DQUOTE is written as ^'.
// These are the only keys a client chooses, so neither can MongoDB read one as an operator or a path ("$gt", "a.b").
const paramName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9-]+$/, "must hold only letters, digits and '-'");
const paramValue = text().regex(/^[^\x00-\x08\x0b-\x1f\x7f]*$/, "must not hold control characters");
// zod drops a "__proto__" key from a record without a word (JSON.parse makes it an own key),
// so it is refused before the record sees it.
const withoutProtoKey = z.custom<Record<string, string[]>>(
  (value) => !(typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")),
  { message: "__proto__ is not a parameter name" },
);
const paramsSchema = withoutProtoKey.pipe(
  z.record(paramName, z.array(paramValue).max(100)).refine((p) => Object.keys(p).length <= 50, "at most 50 parameters"),
);

export const extraSchema = z.strictObject({
  source: text(32).min(1),
  name: text(256).min(1),
  value: z.string().max(1024 * 1024),
  params: paramsSchema.optional(),
});

// Every list is capped, so no single field grows without bound; server/http/contact-limits.ts
// bounds the whole contact (MAX_CONTACT_BYTES).
export const contactSchema = z.strictObject({
  // Control characters would break every text format a uid is written into (vCard's UID line above all).
  uid: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^/\\?#\u0000-\u001f\u007f]+$/, "must not contain / \\ ? #, or control characters"),
  displayName: text().default(""),
  name: nameSchema.optional(),
  emails: z.array(emailSchema).max(100).default([]),
  phones: z.array(phoneSchema).max(100).default([]),
  addresses: z.array(addressSchema).max(100).default([]),
  company: text().optional(),
  department: text().optional(),
  jobTitle: text().optional(),
  office: text().optional(),
  manager: text().optional(),
  assistant: text().optional(),
  birthday: dateText.optional(),
  anniversary: dateText.optional(),
  urls: z.array(urlSchema).max(100).default([]),
  im: z.array(imSchema).max(100).default([]),
  categories: z.array(text(256)).max(200).default([]),
  notes: z
    .string()
    .max(256 * 1024)
    .optional(),
  photo: photoSchema.optional(),
  extra: z.array(extraSchema).max(500).default([]),
});

export type Contact = z.infer<typeof contactSchema>;
export type ContactInput = z.input<typeof contactSchema>;
export type Email = z.infer<typeof emailSchema>;
export type Phone = z.infer<typeof phoneSchema>;
export type Address = z.infer<typeof addressSchema>;
export type PhoneType = (typeof phoneTypes)[number];
export type Extra = z.infer<typeof extraSchema>;
