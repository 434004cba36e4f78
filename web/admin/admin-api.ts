// The administration console's calls beyond the web app's client (web/api.ts): mailing lists, every
// user's books, device sessions, sync activity and server status. Same token, same surface name, and
// the same ServerApiError wording, so a 401 opens the sign-in dialog like any other call.
import { z } from "zod";
import { bookSchema, errorSchema, syncReportSchema } from "../../core/api/schemas";
import { ServerApiError } from "../../addin/server-api";
import { WEB_CLIENT } from "../api";

export type MailingList = z.infer<typeof listSchema>;
export type AdminBook = z.infer<typeof bookSchema>;
export type DeviceSession = z.infer<typeof sessionSchema>;
export type SyncActivity = z.infer<typeof activitySchema>;
export type DeviceActivity = z.infer<typeof deviceSchema>;
export type ServerStatus = z.infer<typeof statusSchema>;

const listSchema = z.object({
  address: z.string(),
  name: z.string(),
  members: z.array(z.string()),
  visibleInDirectory: z.boolean(),
});
const sessionSchema = z.object({
  id: z.string(),
  device: z.string(),
  client: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean(),
});
const activitySchema = syncReportSchema.extend({
  user: z.string(),
  lastSyncedAt: z.string().nullable(),
  /** The device session the report came through. */
  session: z.string().optional(),
});
/** A user's device: its session while signed in (null once signed out), with the syncs reported through it. */
const deviceSchema = z.object({
  user: z.string(),
  device: z.string(),
  session: sessionSchema.nullable(),
  syncs: z.array(activitySchema),
});
const syncActivitySchema = z.object({ reports: z.array(activitySchema), devices: z.array(deviceSchema) });
const jobSchema = z.object({
  job: z.string(),
  result: z.enum(["ok", "failed", "never"]),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  message: z.string().optional(),
});
const statusSchema = z.object({
  version: z.string(),
  database: z.enum(["embedded", "mongodb"]),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  books: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      name: z.string(),
      owner: z.string().nullable(),
      contacts: z.number(),
      tombstones: z.number(),
    }),
  ),
  jobs: z.array(jobSchema),
  /** This instance's maintenance timer: how often, and its next pass. */
  maintenance: z.object({ intervalHours: z.number(), nextRunAt: z.string() }),
});

const enc = encodeURIComponent;

export function createAdminApi(baseUrl: string, getToken: () => string | undefined) {
  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", "x-concord-client": WEB_CLIENT };
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ServerApiError("unreachable", `Cannot reach the Concord server at ${baseUrl}`, undefined, { cause });
    }
    if (response.status === 401)
      throw new ServerApiError("session-expired", "Your session expired; sign in again", 401);
    if (!response.ok) {
      const parsed = errorSchema.safeParse(await response.json().catch(() => undefined));
      const message = parsed.success
        ? parsed.data.error.message
        : `The Concord server answered with error ${response.status}`;
      throw new ServerApiError(response.status === 403 ? "read-only" : "server", message, response.status);
    }
    return response;
  }
  async function json<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const parsed = schema.safeParse(await (await send(method, path, body)).json().catch(() => undefined));
    if (!parsed.success)
      throw new ServerApiError(
        "server",
        `The Concord server at ${baseUrl} sent an answer this app does not understand`,
      );
    return parsed.data;
  }

  return {
    lists: async () => (await json("GET", "/api/admin/lists", z.object({ lists: z.array(listSchema) }))).lists,
    createList: (list: MailingList) => json("POST", "/api/admin/lists", listSchema, list),
    updateList: (address: string, patch: Partial<Omit<MailingList, "address">>) =>
      json("PATCH", `/api/admin/lists/${enc(address)}`, listSchema, patch),
    deleteList: async (address: string) => void (await send("DELETE", `/api/admin/lists/${enc(address)}`)),

    /** Every book on the server (administrators only), each with its owner's name. */
    allBooks: async () => (await json("GET", "/api/books?scope=all", z.object({ books: z.array(bookSchema) }))).books,
    createBookFor: (owner: string, name: string) => json("POST", "/api/books", bookSchema, { name, owner }),
    giveBook: async (book: string, owner: string) => void (await send("PATCH", `/api/books/${enc(book)}`, { owner })),

    endSession: async (username: string, id: string) =>
      void (await send("DELETE", `/api/admin/users/${enc(username)}/sessions/${enc(id)}`)),

    syncActivity: () => json("GET", "/api/admin/sync-activity", syncActivitySchema),
    status: () => json("GET", "/api/admin/status", statusSchema),
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
