// The OpenAPI 3.1 document, generated from the same zod schemas the routes
// validate with (zod 4's JSON Schema output).
import { z } from "zod";
import * as s from "./api-schemas";

const json = (schema: z.ZodType) => ({ "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } });
const ok = (description: string, schema?: z.ZodType) => ({ description, ...(schema ? { content: json(schema) } : {}) });
const errors = {
  "400": ok("Invalid input; details name each field", s.errorSchema),
  "401": ok("Not signed in", s.errorSchema),
  "403": ok("Read-only or not allowed", s.errorSchema),
  "404": ok("Not found, or not visible to you", s.errorSchema),
};
const body = (schema: z.ZodType) => ({ required: true, content: json(schema) });
const pathParam = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const queryParam = (name: string, schema: object) => ({ name, in: "query", required: false, schema });
const book = pathParam("book");
const uid = pathParam("uid");

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: { title: "Concord API", version: "1", description: "Contact sync between Outlook and address books: GAB, PABs and the Local Directory." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" }, basic: { type: "http", scheme: "basic" } },
    },
    security: [{ bearer: [] }, { basic: [] }],
    paths: {
      "/api/auth/login": { post: { security: [], requestBody: body(s.loginSchema), responses: { "200": ok("Signed in", s.loginResultSchema), "401": errors["401"], "429": ok("Too many failed attempts", s.errorSchema) } } },
      "/api/auth/refresh": {
        post: {
          security: [], requestBody: body(s.refreshSchema),
          responses: { "200": ok("The next access token and refresh token", s.refreshResultSchema), "400": errors["400"], "401": ok("The session ended; sign in again", s.errorSchema) },
        },
      },
      "/api/auth/logout": { post: { responses: { "204": ok("This device's session ended"), "401": errors["401"] } } },
      "/api/sessions": { get: { responses: { "200": ok("Your signed-in devices", z.object({ sessions: z.array(s.sessionInfoSchema) })), "401": errors["401"] } } },
      "/api/sessions/{id}": { delete: { parameters: [pathParam("id")], responses: { "204": ok("Signed out"), ...errors } } },
      "/api/admin/users/{username}/sessions": {
        get: { parameters: [pathParam("username")], responses: { "200": ok("The user's signed-in devices", z.object({ sessions: z.array(s.sessionInfoSchema) })), ...errors } },
      },
      "/api/admin/users/{username}/sessions/{id}": {
        delete: { parameters: [pathParam("username"), pathParam("id")], responses: { "204": ok("Signed out"), ...errors } },
      },
      "/api/me": { get: { responses: { "200": ok("Who is signed in", z.object({ username: z.string(), admin: z.boolean(), primaryBook: z.string() })), "401": errors["401"] } } },
      "/api/admin/users": {
        get: { responses: { "200": ok("All users", z.object({ users: z.array(s.userSchema) })), ...errors } },
        post: { requestBody: body(s.newUserSchema), responses: { "201": ok("Created", s.userSchema), "409": ok("Exists", s.errorSchema), ...errors } },
      },
      "/api/admin/users/{username}": { patch: { parameters: [pathParam("username")], requestBody: body(s.userPatchSchema), responses: { "200": ok("Updated", s.userSchema), ...errors } } },
      "/api/admin/lists": {
        get: { responses: { "200": ok("All mailing lists"), ...errors } },
        post: { requestBody: body(s.newListSchema), responses: { "201": ok("Created"), ...errors } },
      },
      "/api/admin/lists/{address}": {
        patch: { parameters: [pathParam("address")], requestBody: body(s.listPatchSchema), responses: { "200": ok("Updated"), ...errors } },
        delete: { parameters: [pathParam("address")], responses: { "204": ok("Deleted"), ...errors } },
      },
      "/api/books": {
        get: { parameters: [queryParam("scope", { type: "string", enum: ["all"] })], description: "Your own PABs, PABs shared with you, the GAB and the Local Directory; `scope=all` (admins only) lists every book.", responses: { "200": ok("Books you can see", z.object({ books: z.array(s.bookSchema) })), ...errors } },
        post: { requestBody: body(s.newBookSchema), responses: { "201": ok("Created", s.bookSchema), ...errors } },
      },
      "/api/books/{book}/shares": { get: { parameters: [book], responses: { "200": ok("Shares of a PAB"), ...errors } } },
      "/api/books/{book}/shares/{username}": {
        put: { parameters: [book, pathParam("username")], requestBody: body(s.shareSchema), responses: { "200": ok("Shared"), ...errors } },
        delete: { parameters: [book, pathParam("username")], responses: { "204": ok("Unshared"), ...errors } },
      },
      "/api/books/{book}/contacts": {
        get: { parameters: [book, queryParam("cursor", { type: "string" }), queryParam("limit", { type: "integer", minimum: 1, maximum: s.MAX_PAGE })], responses: { "200": ok("A page of contacts", s.contactPageSchema), ...errors } },
      },
      "/api/books/{book}/contacts/{uid}": {
        get: { parameters: [book, uid], description: "JSON, or vCard 3.0 with Accept: text/vcard (4.0 with text/vcard;version=4.0).", responses: { "200": ok("The contact", s.storedContactSchema), "304": ok("Not modified"), ...errors } },
        put: { parameters: [book, uid], description: "JSON, or vCard 2.1/3.0/4.0 as text/vcard or text/x-vcard. Honours If-Match and If-None-Match: *.", requestBody: body(s.contactBodySchema), responses: { "200": ok("Updated or unchanged"), "201": ok("Created"), "412": ok("Precondition failed", s.errorSchema), "413": ok("Too large", s.errorSchema), ...errors } },
        delete: { parameters: [book, uid], responses: { "204": ok("Deleted"), "412": ok("Precondition failed", s.errorSchema), ...errors } },
      },
      "/api/books/{book}/changes": {
        get: { parameters: [book, queryParam("since", { type: "string" }), queryParam("limit", { type: "integer", minimum: 1, maximum: s.MAX_PAGE })], responses: { "200": ok("Changes in order, with tombstones", s.changePageSchema), "410": ok("sync-token-expired: sync again from the start", s.errorSchema), ...errors } },
      },
      "/api/books/{book}/lookup": {
        post: { parameters: [book], description: "Any reader of the book. One result per uid the book knows, live or tombstone.", requestBody: body(s.lookupSchema), responses: { "200": ok("The stored versions", s.lookupResultSchema), ...errors } },
      },
      "/api/books/{book}/batch": {
        post: { parameters: [book], requestBody: body(s.batchSchema), responses: { "200": ok("One result per op", s.batchResultSchema), ...errors } },
      },
      "/api/sync-state/{device}/{pair}": {
        get: { parameters: [pathParam("device"), pathParam("pair")], responses: { "200": ok("The stored JSON, with an ETag"), ...errors } },
        put: { parameters: [pathParam("device"), pathParam("pair")], description: "Any JSON. Honours If-Match and If-None-Match: *.", responses: { "200": ok("Stored"), "412": ok("Precondition failed", s.errorSchema), ...errors } },
      },
      "/api/sync-state/{device}/{pair}/claim": {
        post: { parameters: [pathParam("device"), pathParam("pair")], description: "Claims the pair for `seconds`; the same holder renews.", requestBody: body(s.pairClaimSchema), responses: { "200": ok("Claimed", s.pairClaimResultSchema), "409": ok("pair-busy: another holder's claim is live", s.errorSchema), ...errors } },
        delete: { parameters: [pathParam("device"), pathParam("pair"), { name: "holder", in: "query", required: true, schema: { type: "string" } }], description: "Releases the claim if `holder` holds it; otherwise does nothing.", responses: { "204": ok("Released, or not held by this holder"), ...errors } },
      },
      "/api/photos/{hash}": { get: { parameters: [pathParam("hash")], responses: { "200": ok("The photo bytes"), ...errors } } },
    },
  };
}
