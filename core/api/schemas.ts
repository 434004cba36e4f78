// The REST API's wire shapes, shared by the server (which validates requests and
// generates /api/openapi.json from them) and the add-in (which parses responses).
import { z } from "zod";
import { contactSchema } from "../contact/contact";
import { serverBatchResponseSchema } from "../sync/sync-types";

export const MAX_BATCH_OPS = 1000;
export const MAX_PAGE = 1000;
export const MAX_LOOKUP = 1000;

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
/** `username`: the user name (any case) or the user's e-mail address (RFC 5321: at most 254 characters).
 *  `device`: a name for the device signing in, shown in its user's list of sessions. */
export const loginSchema = z.strictObject({
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
  device: z.string().max(100).optional(),
});
export const refreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export const userSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  admin: z.boolean(),
  disabled: z.boolean(),
  visibleInDirectory: z.boolean(),
  primaryBook: z.string(),
});
/** A new access token and the device session's next refresh token (POST /api/auth/refresh).
 *  `expiresIn`: seconds the access token lasts; `sessionExpiresAt`: when the refresh token lapses unused. */
export const refreshResultSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  expiresIn: z.number(),
  refreshToken: z.string(),
  sessionId: z.string(),
  sessionExpiresAt: z.string(),
});
/** The session fields are optional for servers from before device sessions. */
export const loginResultSchema = z
  .object({ token: z.string(), expiresAt: z.string(), user: userSchema })
  .extend(refreshResultSchema.omit({ token: true, expiresAt: true }).partial().shape);
/** One signed-in device (GET /api/sessions); `current`: the session the asking token belongs to. */
export const sessionInfoSchema = z.object({
  id: z.string(),
  device: z.string(),
  client: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean(),
});
export const bookSchema = z.object({
  id: z.string(),
  kind: z.enum(["gab", "pab", "directory"]),
  name: z.string(),
  owner: z.string().nullable(),
  /** The owner's display name; null for the GAB and the Local Directory. */
  ownerName: z.string().nullable().optional(),
  access: z.enum(["read", "write"]),
  /** Live contacts in the book (GET /api/books). */
  count: z.number().int().nonnegative().optional(),
});
export const booksQuerySchema = z.strictObject({ scope: z.enum(["all"]).optional() });
export const newBookSchema = z.strictObject({ name: z.string().min(1).max(256), owner: z.string().max(64).optional() });
export const shareSchema = z.strictObject({ access: z.enum(["read", "write"]) });
// Strict, so that a bracketed key such as `since[$gt]` is refused rather than ignored.
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
  cursor: z.string().max(512).optional(),
});
export const changesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
  since: z.string().max(512).optional(),
});
/** A contact as sent by a client: the uid may be left to the URL. */
export const contactBodySchema = contactSchema.extend({ uid: contactSchema.shape.uid.optional() });
export const storedContactSchema = z.object({ uid: z.string(), etag: z.string(), contact: contactSchema });
export const contactPageSchema = z.object({ contacts: z.array(storedContactSchema), cursor: z.string().nullable() });
/** modifiedAt: when the server stored this version (ISO 8601), for the newest-wins policy. */
export const changeSchema = z.object({
  uid: z.string(),
  etag: z.string(),
  deleted: z.boolean(),
  modifiedAt: z.string().optional(),
  contact: contactSchema.optional(),
});
export const changePageSchema = z.object({ changes: z.array(changeSchema), token: z.string(), more: z.boolean() });
/** POST /api/books/:book/lookup: the stored version of each uid, live or tombstone; unknown uids are absent. */
export const lookupSchema = z.strictObject({ uids: z.array(contactSchema.shape.uid).min(1).max(MAX_LOOKUP) });
export const lookupResultSchema = z.object({ results: z.array(changeSchema) });
/** Two Outlooks of one mailbox must not sync one pair at once: a claim held for `seconds`. */
export const pairClaimSchema = z.strictObject({
  holder: z.string().min(1).max(128),
  seconds: z.number().int().min(1).max(600),
});
export const pairClaimResultSchema = z.object({ holder: z.string(), until: z.string() });
export const batchOpSchema = z.strictObject({
  op: z.enum(["put", "delete"]),
  uid: contactSchema.shape.uid,
  ifMatch: z.string().max(128).optional(),
  contact: z.unknown().optional(),
});
export const batchSchema = z.strictObject({ ops: z.array(batchOpSchema).min(1).max(MAX_BATCH_OPS) });
export const batchResultSchema = serverBatchResponseSchema;
export const pathIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, "use 1-128 letters, digits, . _ or -");

export { contactSchema };

/** POST /api/sync-reports: how one sync of one pair ended on one device (the admin console lists them). */
const reportCountSchema = z.number().int().min(0).max(100_000_000);
const sideCountsSchema = z.strictObject({
  created: reportCountSchema,
  updated: reportCountSchema,
  deleted: reportCountSchema,
});
export const syncReportSchema = z.strictObject({
  device: pathIdSchema,
  pair: pathIdSchema,
  book: z.string().min(1).max(200),
  finishedAt: z.string().datetime({ offset: true }),
  result: z.enum(["synced", "stopped", "failed"]),
  counts: z.strictObject({
    outlook: sideCountsSchema,
    server: sideCountsSchema,
    conflicts: reportCountSchema,
    errors: reportCountSchema,
  }),
  message: z.string().max(1000).optional(),
});
export type SyncReportBody = z.infer<typeof syncReportSchema>;
