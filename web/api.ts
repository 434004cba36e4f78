// The web app's calls to the Concord server. Sign-in and the book list come from the add-in's
// client (addin/server-api.ts); the calls it lacks (search, single contacts with If-Match,
// photos, recently deleted, book administration, shares) are here, on top of fetch, failing with
// the same ServerApiError and the same wording. Every request names the surface `web` for the
// server's audit log (X-Concord-Client, server/http/write-context.ts).
import { z } from "zod";
import { quoteEtag, unquoteEtag } from "../core/api/etag";
import { bookSchema, storedContactSchema, userSchema } from "../core/api/schemas";
import type { Contact } from "../core/contact/contact";
import {
  createServerApi,
  errorOfResponse,
  ServerApiError,
  type Book,
  type ServerApiOptions,
} from "../addin/server-api";

export const WEB_CLIENT = "web/1.0";

export type StoredContact = z.infer<typeof storedContactSchema>;
export type Share = { username: string; access: "read" | "write" };
export type DeletedItem = { uid: string; displayName: string; deletedAt: string; deletedBy?: string | null };
export type ContactSort = "name" | "company";
/** `from`: the A–Z jump, the list from the first contact whose sort key is at or past it. */
export type ContactQuery = {
  q?: string;
  category?: string;
  sort?: ContactSort;
  from?: string;
  cursor?: string;
  limit?: number;
};
export type { Book };
export type User = z.infer<typeof userSchema>;
export type NewUser = { username: string; password: string; displayName?: string; email?: string; admin?: boolean };
export type UserPatch = Partial<Pick<User, "displayName" | "admin" | "disabled" | "visibleInDirectory">> & {
  password?: string;
};
export type AuditQuery = { user?: string; book?: string; surface?: string; since?: string; until?: string };
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const pageSchema = z.object({ contacts: z.array(storedContactSchema), cursor: z.string().nullable() });
const deletedSchema = z.object({
  deleted: z.array(
    z.object({
      uid: z.string(),
      displayName: z.string().default(""),
      deletedAt: z.string(),
      deletedBy: z.string().nullable().optional(),
    }),
  ),
  cursor: z.string().nullable(),
});
const sharesSchema = z.object({
  shares: z.array(z.object({ username: z.string(), access: z.enum(["read", "write"]) })),
});

const auditEntrySchema = z.object({
  at: z.string(),
  user: z.string(),
  surface: z.string(),
  book: z.string(),
  uid: z.string(),
  op: z.string(),
  fields: z.array(z.string()).default([]),
});
const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), cursor: z.string().nullable() });
const userPath = (username: string) => `/api/admin/users/${encodeURIComponent(username)}`;

const bookPath = (book: string) => `/api/books/${encodeURIComponent(book)}`;
const contactPath = (book: string, uid: string) => `${bookPath(book)}/contacts/${encodeURIComponent(uid)}`;

/** Where the signed-in session's tokens are kept (web/session.tsx), read on every call. */
export type WebTokens = Pick<ServerApiOptions, "getToken" | "getRefreshToken" | "onRefreshed">;

export function createWebApi(baseUrl: string, tokens: WebTokens) {
  // The add-in's client with the web app's surface name in place of the add-in's. Every call goes
  // through its `request`, so an access token past its 15 minutes is refreshed once and the call sent
  // again, with the add-in's own rotation logic (a refresh token is spent once, shared by all calls).
  const namedFetch: typeof fetch = (input, init) =>
    fetch(input, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), "x-concord-client": WEB_CLIENT },
    });
  const shared = createServerApi({ baseUrl, ...tokens, fetch: namedFetch });

  async function send(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const response = await shared.request(method, path, { body, headers: init.headers });
    if (!response.ok && response.status !== 304) throw await errorOf(response);
    return response;
  }

  async function json<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new ServerApiError(
        "server",
        `The Concord server at ${baseUrl} sent an answer this app does not understand`,
        response.status,
      );
    return parsed.data;
  }

  return {
    login: shared.login,
    /** Ends this session on the server; one already over (refresh refused) is fine. */
    async logout(): Promise<void> {
      await send("POST", "/api/auth/logout").catch((error) => {
        if (!isExpired(error)) throw error;
      });
    },
    listBooks: shared.listBooks,
    /** Puts and deletes, each atomic, one result per op (the add-in's batch call, named `web`). */
    applyBatch: shared.applyBatch,

    /** One page of a book's contacts, searched and sorted (by name unless told) on the server. */
    async searchContacts(book: string, query: ContactQuery) {
      const params = new URLSearchParams({ sort: query.sort ?? "name", limit: String(query.limit ?? 200) });
      if (query.from) params.set("from", query.from);
      if (query.q) params.set("q", query.q);
      if (query.category) params.set("category", query.category);
      if (query.cursor) params.set("cursor", query.cursor);
      return json(await send("GET", `${bookPath(book)}/contacts?${params}`), pageSchema);
    },

    async getContact(book: string, uid: string): Promise<StoredContact> {
      return json(await send("GET", contactPath(book, uid)), storedContactSchema);
    },

    /** Saves with If-Match (an edit) or If-None-Match: * (a new contact); 412 is a "conflict". */
    async saveContact(book: string, contact: Contact, etag: string | undefined): Promise<string> {
      const condition: Record<string, string> = etag ? { "if-match": quoteEtag(etag) } : { "if-none-match": "*" };
      const response = await send("PUT", contactPath(book, contact.uid), { body: contact, headers: condition });
      return unquoteEtag(response.headers.get("etag") ?? "");
    },

    async deleteContact(book: string, uid: string, etag?: string): Promise<void> {
      await send("DELETE", contactPath(book, uid), { headers: etag ? { "if-match": quoteEtag(etag) } : {} });
    },

    /** The contact as a vCard 3.0 file, as the server writes it. The server sends `Vary: Accept` and the vCard
     *  its own ETag, so the browser's cache never hands back the JSON of the same URL. */
    async vcard(book: string, uid: string): Promise<Blob> {
      return (await send("GET", contactPath(book, uid), { headers: { accept: "text/vcard" } })).blob();
    },

    async photo(book: string, uid: string): Promise<Blob> {
      return (await send("GET", `${contactPath(book, uid)}/photo`, { headers: { accept: "image/*" } })).blob();
    },

    async deleted(book: string, cursor?: string) {
      const params = new URLSearchParams({ limit: "200", ...(cursor ? { cursor } : {}) });
      return json(await send("GET", `${bookPath(book)}/deleted?${params}`), deletedSchema);
    },

    async restore(book: string, uid: string): Promise<void> {
      await send("POST", `${bookPath(book)}/deleted/${encodeURIComponent(uid)}/restore`);
    },

    async createBook(name: string): Promise<Book> {
      return json(await send("POST", "/api/books", { body: { name } }), bookSchema);
    },

    async renameBook(book: string, name: string): Promise<void> {
      await send("PATCH", bookPath(book), { body: { name } });
    },

    async deleteBook(book: string): Promise<void> {
      await send("DELETE", bookPath(book));
    },

    async shares(book: string): Promise<Share[]> {
      return (await json(await send("GET", `${bookPath(book)}/shares`), sharesSchema)).shares;
    },

    async share(book: string, username: string, access: Share["access"]): Promise<void> {
      await send("PUT", `${bookPath(book)}/shares/${encodeURIComponent(username)}`, { body: { access } });
    },

    async unshare(book: string, username: string): Promise<void> {
      await send("DELETE", `${bookPath(book)}/shares/${encodeURIComponent(username)}`);
    },

    async users(): Promise<User[]> {
      return (await json(await send("GET", "/api/admin/users"), z.object({ users: z.array(userSchema) }))).users;
    },

    async createUser(user: NewUser): Promise<void> {
      await send("POST", "/api/admin/users", { body: user });
    },

    async updateUser(username: string, patch: UserPatch): Promise<void> {
      await send("PATCH", userPath(username), { body: patch });
    },

    /** `books`: "keep" leaves the user's address books to an administrator, "delete" removes them too. */
    async deleteUser(username: string, books: "keep" | "delete"): Promise<void> {
      await send("DELETE", `${userPath(username)}?books=${books}`);
    },

    async audit(query: AuditQuery, cursor?: string) {
      const params = new URLSearchParams({ limit: "200" });
      for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
      if (cursor) params.set("cursor", cursor);
      return json(await send("GET", `/api/admin/audit?${params}`), auditPageSchema);
    },
  };
}

export type WebApi = ReturnType<typeof createWebApi>;

// 412 on a single contact means someone else saved it first, which the contacts page answers with the merge view.
const errorOf = (response: Response) =>
  errorOfResponse(response, "Someone else changed this contact since you opened it");

/** What to show for a failed call: the server's own sentence, written for people. */
export function messageOf(error: unknown): string {
  if (error instanceof ServerApiError || error instanceof Error) return error.message.split("\n")[0]!;
  return "Something went wrong. Try again.";
}

export const isExpired = (error: unknown) => error instanceof ServerApiError && error.kind === "session-expired";
export const isConflict = (error: unknown) => error instanceof ServerApiError && error.kind === "conflict";
