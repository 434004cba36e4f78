// The OpenAPI 3.1 document, generated from the same zod schemas the routes
// validate with (zod 4's JSON Schema output). Shared shapes live once in
// components.schemas and are referenced; `redocly lint` checks it in the tests.
import { z } from "zod";
import * as s from "./api-schemas";
import { bookPatchSchema } from "../routes/book-admin";
import * as imp from "../imports/schemas";

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
};

/** Every schema named here is emitted once, under components.schemas, and referenced by `ref`. */
const shared = {
  Error: s.errorSchema,
  Login: s.loginSchema,
  LoginResult: s.loginResultSchema,
  Me: z.object({ username: z.string(), admin: z.boolean(), primaryBook: z.string() }),
  ClientConfig: z.object({ graphClientId: z.string().nullable() }),
  User: s.userSchema,
  UserList: z.object({ users: z.array(s.userSchema) }),
  NewUser: s.newUserSchema,
  UserPatch: s.userPatchSchema,
  DeletedUser: z.object({
    username: z.string(),
    keptBooks: z.array(z.object({ id: z.string(), name: z.string(), primary: z.boolean() })),
    deletedBooks: z.array(z.object({ id: z.string(), name: z.string(), primary: z.boolean() })),
  }),
  MailingList: z.object({
    address: z.string(),
    name: z.string(),
    members: z.array(z.string()),
    visibleInDirectory: z.boolean(),
  }),
  NewMailingList: s.newListSchema,
  MailingListPatch: s.listPatchSchema,
  Book: s.bookSchema,
  BookList: z.object({ books: z.array(s.bookSchema) }),
  NewBook: s.newBookSchema,
  BookPatch: bookPatchSchema,
  ShareRequest: s.shareSchema,
  Share: z.object({ book: z.string(), username: z.string(), access: z.enum(["read", "write"]) }),
  ShareList: z.object({ shares: z.array(z.object({ username: z.string(), access: z.enum(["read", "write"]) })) }),
  ContactBody: s.contactBodySchema,
  StoredContact: s.storedContactSchema,
  ContactPage: s.contactPageSchema,
  ChangePage: s.changePageSchema,
  Lookup: s.lookupSchema,
  LookupResult: s.lookupResultSchema,
  Batch: s.batchSchema,
  BatchResult: s.batchResultSchema,
  PairClaim: s.pairClaimSchema,
  PairClaimResult: s.pairClaimResultSchema,
  SyncStateWritten: z.object({ etag: z.string() }),
  Health: z.object({ status: z.literal("ok") }),
  Refresh: s.refreshSchema,
  RefreshResult: s.refreshResultSchema,
  SessionList: z.object({ sessions: z.array(s.sessionInfoSchema) }),
};
type SchemaName = keyof typeof shared;
const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

const json = (name: SchemaName) => ({ "application/json": { schema: ref(name) } });
const vcard = { type: "string", description: "A vCard (RFC 6350, or 3.0/2.1)" };
const answer = (description: string, content?: object, headers?: object) => ({
  description,
  ...(content ? { content } : {}),
  ...(headers ? { headers } : {}),
});
const problem = (description: string) => answer(description, json("Error"));
const etagHeader = { ETag: { description: "The version: send it back in If-Match", schema: { type: "string" } } };
const varyHeader = { Vary: { description: "`Accept`: JSON and vCard share the URL", schema: { type: "string" } } };
const errors = {
  "400": problem("Invalid input; details name each field"),
  "401": problem("Not signed in"),
  "403": problem("Read-only or not allowed"),
  "404": problem("Not found, or not visible to you"),
};
const body = (name: SchemaName) => ({ required: true, content: json(name) });
const pathParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});
const queryParam = (name: string, description: string, schema: object) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});
const header = (name: string, description: string) => ({
  name,
  in: "header",
  required: false,
  description,
  schema: { type: "string" },
});
const book = pathParam("book", "The address book's id (`gab`, `directory`, or a PAB's id)");
const uid = pathParam("uid", "The contact's uid");
const device = pathParam("device", "The Outlook installation's id");
const pair = pathParam("pair", "The folder-and-book pair's id");
const username = pathParam("username", "A username");
const limit = queryParam("limit", "Page size", { type: "integer", minimum: 1, maximum: s.MAX_PAGE });
const ifMatch = header("If-Match", "Write only if the stored version has this ETag (`*`: any stored version)");
const ifNoneMatch = header("If-None-Match", "`*`: create only, never overwrite; on GET, a known ETag answers 304");
const op = <T extends object>(operationId: string, summary: string, rest: T) => ({ operationId, summary, ...rest });

// Search (routes/search.ts): kept in one block so other edits to this file merge around it.
const searchParams = [
  queryParam(
    "q",
    "Search: a substring of the display name, a name part, an e-mail address or the company (case and accents ignored), or of phone digits",
    { type: "string", maxLength: 256 },
  ),
  queryParam("category", "Search: only contacts with this category (case and accents ignored)", {
    type: "string",
    maxLength: 256,
  }),
  queryParam(
    "sort",
    "Search: `name` sorts by file-as, else display name; `company` by company, then name (no company last)",
    { type: "string", enum: ["name", "company"] },
  ),
  queryParam(
    "from",
    "Search, the A–Z jump: without a cursor, start at the first contact whose sort key is at or past this (e.g. `M`)",
    { type: "string", maxLength: 256 },
  ),
];
const searchDescription =
  "Without q, category, sort or from: every live contact in change order, paged by cursor. With any of them: a " +
  "search, sorted by file-as (else display name) or by company, paged by a cursor that stays put as the book " +
  "changes (default limit 50).";
const searchHits = z.object({
  contacts: z.array(
    z.object({ book: z.string(), uid: z.string(), etag: z.string(), contact: s.storedContactSchema.shape.contact }),
  ),
});
const searchPaths = {
  "/api/search": {
    get: op("searchContacts", "Search every book you can read", {
      parameters: [searchParams[0], searchParams[1], limit],
      description:
        "As a book search, over every book GET /api/books lists for you: the first `limit` hits across books, sorted by file-as.",
      responses: {
        "200": answer("Matching contacts, each with its book", {
          "application/json": { schema: jsonSchema(searchHits) },
        }),
        ...errors,
      },
    }),
  },
};

// Import and export (routes/imports.ts, routes/export.ts): kept in one block so other edits merge around it.
const importId = pathParam("id", "The import's id, from its upload");
const mappingName = pathParam("name", "The mapping's name");
const jsonOf = (schema: z.ZodType) => ({ "application/json": { schema: jsonSchema(schema) } });
const importBody = (schema: z.ZodType) => ({ required: true, content: jsonOf(schema) });
const importErrors = { ...errors, "409": problem("The import is not in a state that allows this") };
const fileTypes = [
  "text/csv",
  "text/vcard",
  "text/x-vcard",
  "text/directory",
  "text/plain",
  "application/octet-stream",
];
const exportParams = [
  queryParam("format", "The export format (default vcard4)", {
    type: "string",
    enum: ["outlook-csv", "google-csv", "csv", "vcard3", "vcard4"],
  }),
  queryParam("charset", "The charset (default utf-8)", { type: "string", enum: ["utf-8", "windows-1252"] }),
];
const exported = answer("The file, streamed", {
  "text/csv": { schema: { type: "string" } },
  "text/vcard": { schema: { type: "string" } },
});
const importPaths = {
  "/api/books/{book}/imports": {
    post: op("uploadImport", "Upload a file to import into a book you may write, and preview it", {
      parameters: [
        book,
        queryParam("format", "Skip format detection", { type: "string" }),
        queryParam("charset", "Skip charset detection", { type: "string" }),
        queryParam("delimiter", "Skip delimiter detection (`,`, `;` or `tab`)", { type: "string" }),
        queryParam("mapping", "Start from this named mapping", { type: "string" }),
      ],
      description:
        "The body is the file: Outlook, Outlook Express, Google or Thunderbird CSV, generic CSV, Thunderbird LDIF, " +
        "or vCard 2.1/3.0/4.0, in UTF-8 (with or without BOM), UTF-16 with BOM or windows-1252, or a form " +
        "(multipart/form-data) posting it. Kept for a day; what undo needs, for TOMBSTONE_RETENTION_DAYS.",
      requestBody: {
        required: true,
        content: {
          ...Object.fromEntries(fileTypes.map((t) => [t, { schema: { type: "string", format: "binary" } }])),
          // A browser form: one file part; its other fields stand for the query's.
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["file"],
              properties: {
                file: { type: "string", format: "binary" },
                format: { type: "string" },
                charset: { type: "string" },
                delimiter: { type: "string" },
                mapping: { type: "string" },
              },
            },
          },
        },
      },
      responses: {
        "201": answer(
          "Detected format, charset, delimiter, columns, mapping and the first 20 records",
          jsonOf(imp.importPreviewSchema),
        ),
        "413": problem("Larger than IMPORT_MAX_BYTES, or more records than IMPORT_MAX_ROWS"),
        "415": problem("Not a file type an import takes"),
        ...errors,
      },
    }),
  },
  "/api/imports/{id}": {
    get: op("getImport", "An import's state and progress", {
      parameters: [importId],
      responses: { "200": answer("State, counts and row errors", jsonOf(imp.importStatusSchema)), ...errors },
    }),
    put: op("configureImport", "Change an import's format, charset, delimiter or column mapping", {
      parameters: [importId],
      requestBody: importBody(imp.importSettingsSchema),
      responses: { "200": answer("The new preview", jsonOf(imp.importPreviewSchema)), ...importErrors },
    }),
  },
  "/api/imports/{id}/preview": {
    get: op("previewImport", "An import's preview under its current settings", {
      parameters: [importId],
      responses: { "200": answer("The preview", jsonOf(imp.importPreviewSchema)), ...errors },
    }),
  },
  "/api/imports/{id}/dry-run": {
    post: op("dryRunImport", "What an import would do, writing nothing", {
      parameters: [importId],
      requestBody: importBody(imp.duplicatesSchema),
      responses: { "200": answer("Counts and row errors", jsonOf(imp.dryRunSchema)), ...errors },
    }),
  },
  "/api/imports/{id}/commit": {
    post: op("commitImport", "Start the import job", {
      parameters: [importId],
      requestBody: importBody(imp.duplicatesSchema),
      responses: { "202": answer("Started", jsonOf(imp.importStatusSchema)), ...importErrors },
    }),
  },
  "/api/imports/{id}/cancel": {
    post: op("cancelImport", "Stop an import after the chunk under way; what it wrote stays (undo removes it)", {
      parameters: [importId],
      responses: { "200": answer("Cancelling or cancelled", jsonOf(imp.importStatusSchema)), ...importErrors },
    }),
  },
  "/api/imports/{id}/undo": {
    post: op("undoImport", "Remove what an import created and put back what it overwrote", {
      parameters: [importId],
      responses: {
        "202": answer("Undoing: GET the import for its end", jsonOf(imp.importStatusSchema)),
        ...importErrors,
      },
    }),
  },
  "/api/import-mappings": {
    get: op("listImportMappings", "Your named column mappings and the shared ones", {
      responses: {
        "200": answer("The mappings", jsonOf(z.object({ mappings: z.array(imp.importMappingSchema) }))),
        ...errors,
      },
    }),
  },
  "/api/import-mappings/{name}": {
    get: op("getImportMapping", "A named column mapping: your own, else the shared one", {
      parameters: [mappingName],
      responses: { "200": answer("The mapping", jsonOf(imp.importMappingSchema)), ...errors },
    }),
    put: op("putImportMapping", "Save a named column mapping (`shared`: for everyone, admins only)", {
      parameters: [mappingName],
      requestBody: importBody(imp.mappingBodySchema),
      responses: { "200": answer("Saved", jsonOf(imp.importMappingSchema)), ...errors },
    }),
    delete: op("deleteImportMapping", "Remove your named mapping (`?shared=true`: the shared one, admins only)", {
      parameters: [mappingName, queryParam("shared", "The shared mapping", { type: "string", enum: ["true"] })],
      responses: { "204": answer("Removed"), ...errors },
    }),
  },
  "/api/books/{book}/export": {
    get: op("exportBook", "Export a whole book you may read", {
      parameters: [book, ...exportParams],
      responses: { "200": exported, ...errors },
    }),
    post: op("exportSelection", "Export the contacts with these uids", {
      parameters: [book, ...exportParams],
      requestBody: importBody(imp.exportSelectionSchema),
      responses: { "200": exported, ...errors },
    }),
  },
};

// Device sessions (routes/auth.ts, routes/sessions.ts): kept in one block so other edits merge around it.
const sessionId = pathParam("id", "The session's id, as GET /api/sessions lists it");
const jobRun = {
  type: "object",
  properties: {
    job: { type: "string" },
    startedAt: { type: "string", format: "date-time" },
    finishedAt: { type: "string", format: "date-time" },
    result: { type: "string", enum: ["ok", "failed", "never"] },
    message: { type: "string" },
  },
};
const adminActivityPaths = {
  "/api/sync-reports": {
    post: op("reportSync", "Report how one sync of a pair ended on this device", {
      description:
        "Kept as the newest report of the caller's device and pair (an earlier finishedAt than the kept one is " +
        "ignored). Administrators list them at /api/admin/sync-activity.",
      requestBody: { required: true, content: jsonOf(s.syncReportSchema) },
      responses: {
        "204": answer("Kept"),
        "413": problem("quota-exceeded: reports of too many devices and pairs"),
        ...errors,
      },
    }),
  },
  "/api/admin/sync-activity": {
    get: op("listSyncActivity", "Each device's newest sync per pair, newest first (admins)", {
      parameters: [queryParam("user", "Only this user's devices", { type: "string" })],
      responses: {
        "200": answer("The reports, each with its user and the last sync that did not fail", {
          "application/json": {
            schema: {
              type: "object",
              properties: {
                reports: {
                  type: "array",
                  items: {
                    allOf: [
                      jsonSchema(s.syncReportSchema),
                      {
                        type: "object",
                        properties: {
                          user: { type: "string" },
                          lastSyncedAt: { type: ["string", "null"], format: "date-time" },
                        },
                      },
                    ],
                  },
                },
                devices: {
                  type: "array",
                  description:
                    "Each user's signed-in devices (session) with the reports sent through that session, then " +
                    "devices whose session ended (session null, named by the add-in's device id)",
                  items: {
                    type: "object",
                    properties: {
                      user: { type: "string" },
                      device: { type: "string" },
                      session: { type: ["object", "null"] },
                      syncs: { type: "array", items: { type: "object" } },
                    },
                  },
                },
              },
            },
          },
        }),
        ...errors,
      },
    }),
  },
  "/api/admin/status": {
    get: op("serverStatus", "Version, database, uptime, book sizes and maintenance runs (admins)", {
      responses: {
        "200": answer("The server's status", {
          "application/json": {
            schema: {
              type: "object",
              properties: {
                version: { type: "string" },
                database: { type: "string", enum: ["embedded", "mongodb"] },
                startedAt: { type: "string", format: "date-time" },
                uptimeSeconds: { type: "integer" },
                books: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      id: { type: "string" },
                      kind: { type: "string", enum: ["gab", "directory", "pab"] },
                      name: { type: "string" },
                      owner: { type: ["string", "null"] },
                      contacts: { type: "integer" },
                      tombstones: { type: "integer" },
                    },
                  },
                },
                jobs: { type: "array", items: jobRun },
                maintenance: {
                  type: "object",
                  description: "This instance's maintenance timer: its interval and next pass",
                  properties: {
                    intervalHours: { type: "number" },
                    nextRunAt: { type: "string", format: "date-time" },
                  },
                },
              },
            },
          },
        }),
        ...errors,
      },
    }),
  },
};

const sessionPaths = {
  "/api/auth/refresh": {
    post: op("refreshSession", "Trade a refresh token for a new access token and the next refresh token", {
      security: [],
      description:
        "Each refresh token is good once. Sending one that was already used ends its session (someone holds a copy).",
      requestBody: body("Refresh"),
      responses: {
        "200": answer("The next access token and refresh token", json("RefreshResult")),
        "400": errors["400"],
        "401": problem("The session ended, expired or was revoked; sign in again"),
      },
    }),
  },
  "/api/auth/logout": {
    post: op("logout", "End the session this access token belongs to", {
      responses: { "204": answer("This device's session ended"), "401": errors["401"] },
    }),
  },
  "/api/sessions": {
    get: op("listSessions", "The devices you are signed in on", {
      responses: { "200": answer("Your signed-in devices", json("SessionList")), "401": errors["401"] },
    }),
  },
  "/api/sessions/{id}": {
    delete: op("endSession", "Sign one of your devices out", {
      parameters: [sessionId],
      responses: { "204": answer("Signed out"), ...errors },
    }),
  },
  "/api/admin/users/{username}/sessions": {
    get: op("listUserSessions", "The devices a user is signed in on (admins)", {
      parameters: [username],
      responses: { "200": answer("The user's signed-in devices", json("SessionList")), ...errors },
    }),
  },
  "/api/admin/users/{username}/sessions/{id}": {
    delete: op("endUserSession", "Sign one of a user's devices out (admins)", {
      parameters: [username, sessionId],
      responses: { "204": answer("Signed out"), ...errors },
    }),
  },
};

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Concord API",
      version: "1",
      description: "Contact sync between Outlook and address books: GAB, PABs and the Local Directory.",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: "/", description: "This server (its address is ADDIN_BASE_URL when set)" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        basic: { type: "http", scheme: "basic" },
      },
      schemas: Object.fromEntries(Object.entries(shared).map(([name, schema]) => [name, jsonSchema(schema)])),
    },
    security: [{ bearer: [] }, { basic: [] }],
    paths: {
      "/healthz": {
        get: op("health", "Whether the server and its database answer", {
          security: [],
          responses: {
            "200": answer("Up", json("Health")),
            "405": problem("Not GET"),
            "500": problem("The database does not answer"),
          },
        }),
      },
      "/manifest.xml": {
        get: op(
          "manifest",
          "The Outlook add-in manifest, its URLs under ADDIN_BASE_URL (or the request's host, if the server answers to it)",
          {
            security: [],
            responses: {
              "200": answer("The manifest", { "application/xml": { schema: { type: "string" } } }),
              "400": problem("ADDIN_BASE_URL is unset and the Host is not one of this server's names"),
            },
          },
        ),
      },
      "/api/client-config": {
        get: op("clientConfig", "Settings the task pane reads before sign-in (the Graph client id)", {
          security: [],
          responses: { "200": answer("The settings", json("ClientConfig")), "405": problem("Not GET") },
        }),
      },
      "/api/auth/login": {
        post: op(
          "login",
          "Sign in (user name or e-mail address): an access token and a device session's refresh token",
          {
            security: [],
            requestBody: body("Login"),
            responses: {
              "200": answer("Signed in", json("LoginResult")),
              "400": errors["400"],
              "401": errors["401"],
              "429": problem("Too many failed attempts"),
            },
          },
        ),
      },
      "/api/me": {
        get: op("me", "Who is signed in", {
          responses: { "200": answer("The signed-in user", json("Me")), "401": errors["401"] },
        }),
      },
      "/api/admin/users": {
        get: op("listUsers", "List users (admins)", {
          responses: { "200": answer("All users", json("UserList")), ...errors },
        }),
        post: op("createUser", "Create a user with a primary address book (admins)", {
          requestBody: body("NewUser"),
          responses: { "201": answer("Created", json("User")), "409": problem("Exists"), ...errors },
        }),
      },
      "/api/admin/users/{username}": {
        patch: op(
          "updateUser",
          "Change a user: name, e-mail, password, admin, disabled, Directory visibility (admins)",
          {
            parameters: [username],
            requestBody: body("UserPatch"),
            responses: { "200": answer("Updated", json("User")), ...errors },
          },
        ),
        delete: op(
          "deleteUser",
          "Delete a user; their address books are kept (named in the answer) unless books=delete (admins)",
          {
            parameters: [
              username,
              queryParam(
                "books",
                "`delete`: delete the user's address books too; `keep` (default): keep them for reassignment",
                { type: "string", enum: ["keep", "delete"] },
              ),
            ],
            responses: { "200": answer("Deleted", json("DeletedUser")), ...errors },
          },
        ),
      },
      "/api/admin/lists": {
        get: op("listMailingLists", "List mailing lists (admins)", {
          responses: {
            "200": answer("All mailing lists", {
              "application/json": {
                schema: { type: "object", properties: { lists: { type: "array", items: ref("MailingList") } } },
              },
            }),
            ...errors,
          },
        }),
        post: op("createMailingList", "Create a mailing list (admins)", {
          requestBody: body("NewMailingList"),
          responses: { "201": answer("Created", json("MailingList")), "409": problem("Exists"), ...errors },
        }),
      },
      "/api/admin/lists/{address}": {
        patch: op("updateMailingList", "Change a mailing list (admins)", {
          parameters: [pathParam("address", "The list's address")],
          requestBody: body("MailingListPatch"),
          responses: { "200": answer("Updated", json("MailingList")), ...errors },
        }),
        delete: op("deleteMailingList", "Delete a mailing list (admins)", {
          parameters: [pathParam("address", "The list's address")],
          responses: { "204": answer("Deleted"), ...errors },
        }),
      },
      "/api/books": {
        get: op("listBooks", "List the address books you work with", {
          parameters: [queryParam("scope", "`all` (admins only): every book", { type: "string", enum: ["all"] })],
          description:
            "Your own PABs, PABs shared with you, the GAB and the Local Directory, each with `count`, its live contacts; " +
            "`scope=all` (admins only) lists every book, without counts.",
          responses: { "200": answer("Books you can see", json("BookList")), ...errors },
        }),
        post: op("createBook", "Create a PAB (for another user: admins)", {
          requestBody: body("NewBook"),
          responses: {
            "201": answer("Created", json("Book")),
            "409": problem("The owner already has a book of that name"),
            ...errors,
          },
        }),
      },
      "/api/books/{book}": {
        patch: op("updateBook", "Rename a PAB (owner or admin), or give it to another user (admins)", {
          parameters: [book],
          requestBody: body("BookPatch"),
          responses: {
            "200": answer("Updated", json("Book")),
            "409": problem("The owner already has a book of that name"),
            ...errors,
          },
        }),
        delete: op(
          "deleteBook",
          "Delete a PAB with its contacts (owner or admin; a primary book goes only with its user)",
          {
            parameters: [book],
            responses: { "204": answer("Deleted"), "409": problem("A user's primary book"), ...errors },
          },
        ),
      },
      "/api/books/{book}/shares": {
        get: op("listShares", "Who a PAB is shared with (owner or admin)", {
          parameters: [book],
          responses: { "200": answer("Shares of a PAB", json("ShareList")), ...errors },
        }),
      },
      "/api/books/{book}/shares/{username}": {
        put: op("shareBook", "Share a PAB with a user, read-only or read-write (owner or admin)", {
          parameters: [book, username],
          requestBody: body("ShareRequest"),
          responses: { "200": answer("Shared", json("Share")), ...errors },
        }),
        delete: op("unshareBook", "Stop sharing a PAB with a user (owner or admin)", {
          parameters: [book, username],
          responses: { "204": answer("Unshared"), ...errors },
        }),
      },
      "/api/books/{book}/contacts": {
        get: op("listContacts", "A page of a book's live contacts", {
          parameters: [
            book,
            queryParam("cursor", "Where the previous page ended (400 for one this listing never handed out)", {
              type: "string",
            }),
            limit,
            ...searchParams,
          ],
          description: searchDescription,
          responses: { "200": answer("A page of contacts", json("ContactPage")), ...errors },
        }),
      },
      "/api/books/{book}/contacts/{uid}": {
        get: op("getContact", "One contact, as JSON or vCard", {
          parameters: [book, uid, header("If-None-Match", "A known ETag: 304 if it is still current")],
          description:
            "JSON, or vCard 3.0 with Accept: text/vcard (4.0 with text/vcard;version=4.0). The answer varies with " +
            "Accept (`Vary: Accept`), and each representation has its own ETag (a vCard's is the contact's etag " +
            "with `.vcf3` or `.vcf4` appended; If-Match takes either).",
          responses: {
            "200": answer(
              "The contact",
              { ...json("StoredContact"), "text/vcard": { schema: vcard } },
              { ...etagHeader, ...varyHeader },
            ),
            "304": answer("Not modified", undefined, { ...etagHeader, ...varyHeader }),
            ...errors,
          },
        }),
        put: op("putContact", "Create or replace a contact", {
          parameters: [book, uid, ifMatch, ifNoneMatch],
          description:
            "JSON, or vCard 2.1/3.0/4.0 as text/vcard or text/x-vcard. Honours If-Match and If-None-Match: *.",
          requestBody: {
            required: true,
            content: { ...json("ContactBody"), "text/vcard": { schema: vcard }, "text/x-vcard": { schema: vcard } },
          },
          responses: {
            "200": answer("Updated or unchanged", undefined, etagHeader),
            "201": answer("Created", undefined, etagHeader),
            "412": problem("Precondition failed"),
            "413": problem("Too large, or quota-exceeded: past the book owner's contact or photo quota"),
            ...errors,
          },
        }),
        delete: op("deleteContact", "Delete a contact (a tombstone stays for the change feed)", {
          parameters: [book, uid, ifMatch],
          responses: { "204": answer("Deleted"), "412": problem("Precondition failed"), ...errors },
        }),
      },
      "/api/books/{book}/changes": {
        get: op("listChanges", "The change feed: every change since a token, tombstones included", {
          parameters: [
            book,
            queryParam("since", "The token of the previous page or sync; none: everything", { type: "string" }),
            limit,
          ],
          responses: {
            "200": answer("Changes in order, with tombstones", json("ChangePage")),
            "410": problem("sync-token-expired: sync again from the start"),
            ...errors,
          },
        }),
      },
      "/api/books/{book}/lookup": {
        post: op("lookupContacts", "The stored versions of some uids, live or tombstone", {
          parameters: [book],
          description: "Any reader of the book. One result per uid the book knows, live or tombstone.",
          requestBody: body("Lookup"),
          responses: { "200": answer("The stored versions", json("LookupResult")), ...errors },
        }),
      },
      "/api/books/{book}/deleted": {
        get: op("listDeletedContacts", "Recently deleted contacts of a book (writers of the book)", {
          parameters: [
            book,
            queryParam("limit", "At most this many (1-1000, default 100)", { type: "integer" }),
            queryParam("cursor", "From the previous page", { type: "string" }),
          ],
          description: "Newest deletion first, while the tombstone retention keeps them. Readers of the book get 403.",
          responses: {
            "200": answer("A page of deleted contacts", {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    deleted: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          uid: { type: "string" },
                          displayName: { type: "string" },
                          deletedAt: { type: "string", format: "date-time" },
                          deletedBy: { type: ["string", "null"] },
                        },
                      },
                    },
                    cursor: { type: ["string", "null"] },
                  },
                },
              },
            }),
            ...errors,
          },
        }),
      },
      "/api/books/{book}/deleted/{uid}/restore": {
        post: op("restoreContact", "Bring a deleted contact back, as a new change", {
          parameters: [book, pathParam("uid", "The contact's uid")],
          description: "Writers of the book. 409 when the uid was created again since.",
          responses: {
            "201": answer("Restored", json("StoredContact"), etagHeader),
            "409": problem("Created again since"),
            ...errors,
          },
        }),
      },
      "/api/admin/audit": {
        get: op("listAuditLog", "Audited contact writes, newest first (admins)", {
          parameters: [
            queryParam("book", "Only this book", { type: "string" }),
            queryParam("user", "Only this user's writes", { type: "string" }),
            queryParam("surface", "Only writes through this surface", {
              type: "string",
              enum: ["rest", "outlook-addin", "web", "import", "ldap-import", "carddav", "syncml", "admin-cli"],
            }),
            queryParam("since", "From this time (ISO 8601)", { type: "string", format: "date-time" }),
            queryParam("until", "Before this time (ISO 8601)", { type: "string", format: "date-time" }),
            queryParam("limit", "At most this many (1-1000, default 100)", { type: "integer" }),
            queryParam("cursor", "From the previous page", { type: "string" }),
          ],
          responses: {
            "200": answer("A page of the audit log", {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    entries: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          at: { type: "string", format: "date-time" },
                          user: { type: "string" },
                          surface: { type: "string" },
                          book: { type: "string" },
                          uid: { type: "string" },
                          op: { type: "string", enum: ["create", "update", "delete", "restore"] },
                          fields: { type: "array", items: { type: "string" } },
                        },
                      },
                    },
                    cursor: { type: ["string", "null"] },
                  },
                },
              },
            }),
            ...errors,
          },
        }),
      },
      "/api/books/{book}/batch": {
        post: op("batchWrite", "Up to 1000 puts and deletes, each applied on its own", {
          parameters: [book],
          requestBody: body("Batch"),
          responses: { "200": answer("One result per op", json("BatchResult")), ...errors },
        }),
      },
      "/api/sync-state/{device}/{pair}": {
        get: op("getSyncState", "The sync state stored for a device and pair", {
          parameters: [device, pair],
          responses: {
            "200": answer("The stored JSON", { "application/json": { schema: {} } }, etagHeader),
            ...errors,
          },
        }),
        put: op("putSyncState", "Store a sync state", {
          parameters: [device, pair, ifMatch, ifNoneMatch],
          description: "Any JSON. Honours If-Match and If-None-Match: *.",
          requestBody: { required: true, content: { "application/json": { schema: {} } } },
          responses: {
            "200": answer("Stored", json("SyncStateWritten"), etagHeader),
            "412": problem("Precondition failed"),
            "413": problem("Too large, or quota-exceeded: past your device or sync-state byte quota"),
            ...errors,
          },
        }),
        delete: op("deleteSyncState", "Forget a device's sync state", {
          parameters: [device, pair, ifMatch],
          description:
            "Forgets the state (a device no longer used), freeing its place in your device and byte quotas. " +
            "Honours If-Match; a state stored later starts afresh.",
          responses: {
            "204": answer("Forgotten"),
            "412": problem("Precondition failed"),
            ...errors,
          },
        }),
      },
      "/api/sync-state/{device}/{pair}/claim": {
        post: op("claimPair", "Claim a pair for a while; the same holder renews", {
          parameters: [device, pair],
          description: "Claims the pair for `seconds`; the same holder renews.",
          requestBody: body("PairClaim"),
          responses: {
            "200": answer("Claimed", json("PairClaimResult")),
            "409": problem("pair-busy: another holder's claim is live"),
            ...errors,
          },
        }),
        delete: op("releasePair", "Release a claim", {
          parameters: [
            device,
            pair,
            { name: "holder", in: "query", required: true, description: "Who claimed it", schema: { type: "string" } },
          ],
          description: "Releases the claim if `holder` holds it; otherwise does nothing.",
          responses: { "204": answer("Released, or not held by this holder"), ...errors },
        }),
      },
      "/api/books/{book}/contacts/{uid}/photo": {
        get: op("getPhoto", "A contact's photo, to readers of its book, with that contact's media type", {
          parameters: [book, pathParam("uid", "The contact's uid")],
          responses: {
            "200": answer("The photo bytes", {
              "image/*": { schema: { type: "string", contentMediaType: "image/*" } },
            }),
            ...errors,
          },
        }),
      },
      ...searchPaths,
      ...importPaths,
      ...sessionPaths,
      ...adminActivityPaths,
    },
  };
}
