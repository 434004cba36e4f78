// A small typed client for the Concord server's REST API (server/routes/*.ts), shared by the task
// pane and the sync session. Every failure becomes a ServerApiError whose message a user can read:
// the pane shows `message` as it is, never a stack trace.
import { z } from "zod";
import {
  bookSchema,
  changePageSchema,
  type changeSchema,
  errorSchema as errorBodySchema,
  loginResultSchema,
  lookupResultSchema,
  pairClaimResultSchema,
  refreshResultSchema,
  type SyncReportBody,
  type userSchema,
  MAX_BATCH_OPS,
  MAX_LOOKUP,
  MAX_PAGE,
} from "../core/api/schemas";
import { quoteEtag, unquoteEtag } from "../core/api/etag";
import { serverBatchResponseSchema, type ServerOp, type ServerOpResult } from "../core/sync/sync-types";

/** What the add-in calls itself in `X-Concord-Client` (the server records the surface with every write). */
export const CLIENT = "outlook-addin/1.0";

export const maxBatchOps = MAX_BATCH_OPS;
export const maxChangesPage = MAX_PAGE;

export type ServerUser = z.infer<typeof userSchema>;
export type LoginResult = z.infer<typeof loginResultSchema>;
/** A refreshed device session: the next access token and the next refresh token. */
export type RefreshResult = z.infer<typeof refreshResultSchema>;
export type Book = z.infer<typeof bookSchema>;
export type Change = z.infer<typeof changeSchema>;
/** `full`: the feed was read from the start (no token, or the token was too old), so it lists every live contact. */
export type ChangeFeed = { changes: Change[]; token: string; full: boolean };
export type SavedSyncState = { json: unknown; etag: string };

export type ServerApiErrorKind =
  | "session-expired"
  | "read-only"
  | "sync-token-expired"
  | "unreachable"
  | "conflict"
  | "invalid-credentials"
  | "pair-busy"
  | "server"
  | "too-many-attempts";

/** Uids per lookup request (the server takes 1..1000). */
export const maxLookupUids = MAX_LOOKUP;

export class ServerApiError extends Error {
  constructor(
    readonly kind: ServerApiErrorKind,
    message: string,
    readonly status?: number,
    /** `cause`: the network error behind "unreachable"; `retryAfterSeconds`: from a 429's Retry-After. */
    readonly more: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "ServerApiError";
  }
}

export type ServerApiOptions = {
  baseUrl: string;
  /** The JWT from login; read on every call so a new sign-in takes effect at once. */
  getToken?: () => string | undefined;
  /** The device session's refresh token from login, where the token is kept. With one, a call
   *  answered 401 refreshes the session once and is sent again. */
  getRefreshToken?: () => string | undefined;
  /** Called with every refreshed pair: keep it where the token and refresh token are kept. */
  onRefreshed?: (next: RefreshResult) => void | Promise<void>;
  fetch?: typeof globalThis.fetch;
};

export const sessionEndedMessage = "Your session ended (password changed or signed out elsewhere); sign in again";

// Refreshes by the refresh token they spend, shared by every client in this page: a refresh token
// is good for one use, and the server ends the session when one comes back (a stolen copy looks
// just like that), so two clients must never spend the same one. The newest few are kept, so a
// client that still holds a spent token gets its successor instead of ending the session.
const rotations = new Map<string, Promise<RefreshResult>>();
const KEEP_ROTATIONS = 8;

export type ServerApi = ReturnType<typeof createServerApi>;

export function createServerApi(options: ServerApiOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  /** The refresh token and the newest access token this client knows of. A refresh this client made
   *  counts until the caller's own token moves on (they saved the refreshed pair, or signed in anew). */
  let refreshedFrom: { refreshToken: string; next: RefreshResult } | undefined;
  const refreshTokenNow = () => {
    const kept = options.getRefreshToken?.();
    return kept && refreshedFrom?.refreshToken === kept ? refreshedFrom.next.refreshToken : kept;
  };
  const tokenNow = () => {
    const kept = options.getRefreshToken?.();
    return kept && refreshedFrom?.refreshToken === kept ? refreshedFrom.next.token : options.getToken?.();
  };

  /** Trades the refresh token for the next pair; a refused one is a session that ended. */
  async function refreshSession(refreshToken: string): Promise<RefreshResult> {
    let running = rotations.get(refreshToken);
    if (!running) {
      running = (async () => {
        const response = await sendWith(undefined, "POST", "/api/auth/refresh", {
          body: JSON.stringify({ refreshToken }),
        });
        if (response.status === 401 || response.status === 400)
          throw new ServerApiError("session-expired", sessionEndedMessage, response.status);
        return json(response, refreshResultSchema);
      })();
      rotations.set(refreshToken, running);
      running.catch(() => rotations.delete(refreshToken));
      while (rotations.size > KEEP_ROTATIONS) rotations.delete(rotations.keys().next().value!);
    }
    const next = await running;
    const kept = options.getRefreshToken?.();
    if (kept === next.refreshToken) return next; // another call of this client saved it already
    if (kept) refreshedFrom = { refreshToken: kept, next };
    await options.onRefreshed?.(next);
    return next;
  }

  /** Sends with the current token; on 401, refreshes the session once (when there is one) and sends again. */
  async function send(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const response = await sendWith(tokenNow(), method, path, init);
    const refreshToken = refreshTokenNow();
    if (response.status !== 401 || !refreshToken) return response;
    const next = await refreshSession(refreshToken);
    return sendWith(next.token, method, path, init);
  }

  async function sendWith(
    token: string | undefined,
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    // Names the surface for the server's audit log.
    const headers: Record<string, string> = { accept: "application/json", "x-concord-client": CLIENT, ...init.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    try {
      return await fetch(`${baseUrl}${path}`, { method, headers, body: init.body });
    } catch (cause) {
      // fetch rejects only when no answer came: DNS, refused connection, TLS, CORS. The cause says
      // which where the runtime tells (Node); a browser tells nothing.
      throw new ServerApiError("unreachable", `Cannot reach the Concord server at ${baseUrl}`, undefined, { cause });
    }
  }

  async function json<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    if (!response.ok) throw await errorOf(response);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new ServerApiError(
        "server",
        `The Concord server at ${baseUrl} sent an answer this add-in does not understand`,
        response.status,
      );
    return parsed.data;
  }

  /** `device`: a name for this device in the user's list of signed-in devices. */
  async function login(username: string, password: string, device?: string): Promise<LoginResult> {
    const body = JSON.stringify({ username, password, ...(device ? { device } : {}) });
    const response = await sendWith(undefined, "POST", "/api/auth/login", { body });
    // On login a 401 means wrong credentials, not an expired session.
    if (response.status === 401)
      throw new ServerApiError("invalid-credentials", await serverMessage(response, "Wrong username or password"), 401);
    if (response.status === 429) {
      const retryAfterSeconds = Number(response.headers.get("retry-after")) || undefined;
      throw new ServerApiError("too-many-attempts", await serverMessage(response, "Too many failed sign-ins"), 429, {
        retryAfterSeconds,
      });
    }
    return json(response, loginResultSchema);
  }

  async function listBooks(): Promise<Book[]> {
    return (await json(await send("GET", "/api/books"), z.object({ books: z.array(bookSchema) }))).books;
  }

  /** Every change since `since`, following `more`; a token the server no longer knows (410) restarts from the beginning. */
  async function readAllChanges(
    book: string,
    since?: string,
    onProgress?: (read: number) => void,
  ): Promise<ChangeFeed> {
    try {
      return await readFeed(book, since, onProgress);
    } catch (error) {
      if (since === undefined || !(error instanceof ServerApiError && error.kind === "sync-token-expired")) throw error;
      return readFeed(book, undefined, onProgress);
    }
  }

  // A uid can come twice: changed again (or deleted) while the pages were read. Its last change is
  // the current one, so a later tombstone replaces an earlier live copy and the other way round.
  async function readFeed(
    book: string,
    since: string | undefined,
    onProgress?: (read: number) => void,
  ): Promise<ChangeFeed> {
    const byUid = new Map<string, Change>();
    let read = 0;
    let token = since;
    for (;;) {
      const query = new URLSearchParams({
        limit: String(maxChangesPage),
        ...(token === undefined ? {} : { since: token }),
      });
      const page = await json(await send("GET", `${bookPath(book)}/changes?${query}`), changePageSchema);
      for (const change of page.changes) {
        byUid.delete(change.uid);
        byUid.set(change.uid, change);
      }
      read += page.changes.length;
      onProgress?.(read);
      token = page.token;
      if (!page.more) return { changes: [...byUid.values()], token, full: since === undefined };
    }
  }

  /** The book's current version of each uid it knows, live or tombstone; unknown uids are absent. */
  async function lookup(book: string, uids: string[]): Promise<Change[]> {
    const results: Change[] = [];
    for (let start = 0; start < uids.length; start += maxLookupUids) {
      const body = JSON.stringify({ uids: uids.slice(start, start + maxLookupUids) });
      results.push(
        ...(await json(await send("POST", `${bookPath(book)}/lookup`, { body }), lookupResultSchema)).results,
      );
    }
    return results;
  }

  /** Sends the ops in batches the server accepts; one result per op, in order. */
  async function applyBatch(book: string, ops: ServerOp[]): Promise<ServerOpResult[]> {
    const results: ServerOpResult[] = [];
    for (let start = 0; start < ops.length; start += maxBatchOps) {
      const body = JSON.stringify({ ops: ops.slice(start, start + maxBatchOps) });
      const response = await send("POST", `${bookPath(book)}/batch`, { body });
      results.push(...(await json(response, serverBatchResponseSchema)).results);
    }
    return results;
  }

  const statePath = (device: string, pair: string) =>
    `/api/sync-state/${encodeURIComponent(device)}/${encodeURIComponent(pair)}`;

  /** The saved state of one pair on one device, or undefined before its first sync. */
  async function getSyncState(device: string, pair: string): Promise<SavedSyncState | undefined> {
    const response = await send("GET", statePath(device, pair));
    if (response.status === 404) return undefined;
    const body = await json(response, z.unknown());
    return { json: body, etag: unquoteEtag(response.headers.get("etag") ?? "") };
  }

  /**
   * Saves the state; `etag` is what the last get or put returned (If-Match), none for a first save
   * (If-None-Match: *), so two syncs of one pair cannot overwrite each other's state unnoticed.
   */
  async function putSyncState(device: string, pair: string, jsonText: string, etag?: string): Promise<string> {
    const headers: Record<string, string> = etag ? { "if-match": quoteEtag(etag) } : { "if-none-match": "*" };
    const response = await send("PUT", statePath(device, pair), { body: jsonText, headers });
    return (await json(response, z.object({ etag: z.string() }))).etag;
  }

  /**
   * Claims the pair for `seconds` (or renews the holder's claim), so a second Outlook of the same
   * mailbox (desktop and web share the roaming device id) cannot sync the pair at the same time.
   */
  async function claimPair(
    device: string,
    pair: string,
    holder: string,
    seconds: number,
  ): Promise<{ holder: string; until: string }> {
    const response = await send("POST", `${statePath(device, pair)}/claim`, {
      body: JSON.stringify({ holder, seconds }),
    });
    if (response.status === 409) throw new ServerApiError("pair-busy", pairBusyMessage, 409);
    return json(response, pairClaimResultSchema);
  }

  /** Tells the server how one sync of a pair ended, for the administrators' sync activity page. */
  async function reportSync(report: SyncReportBody): Promise<void> {
    const response = await send("POST", "/api/sync-reports", { body: JSON.stringify(report) });
    if (!response.ok) throw await errorOf(response);
  }

  /** Gives the claim back; a claim the holder no longer has is left alone. */
  async function releasePair(device: string, pair: string, holder: string): Promise<void> {
    const response = await send("DELETE", `${statePath(device, pair)}/claim?${new URLSearchParams({ holder })}`);
    if (!response.ok) throw await errorOf(response);
  }

  const errorOf = (response: Response) =>
    errorOfResponse(response, "Another sync of this address book saved its progress at the same time; sync again");

  /** Signs this device out on the server (its session ends); a session already over is fine. */
  async function logout(): Promise<void> {
    const response = await sendWith(tokenNow(), "POST", "/api/auth/logout");
    if (!response.ok && response.status !== 401) throw await errorOf(response);
  }

  /** The Graph (NAA) client id the server's administrator configured; null when none. Unauthenticated. */
  async function clientConfig(): Promise<ClientConfig> {
    return json(await send("GET", "/api/client-config"), clientConfigSchema);
  }

  return {
    baseUrl,
    /** Any call not above, refreshed once on 401 like them; the raw answer (its errors are the caller's). */
    request: send,
    login,
    logout,
    clientConfig,
    listBooks,
    readAllChanges,
    lookup,
    applyBatch,
    getSyncState,
    putSyncState,
    claimPair,
    releasePair,
    reportSync,
  };
}

export const clientConfigSchema = z.object({ graphClientId: z.string().nullable() });
export type ClientConfig = z.infer<typeof clientConfigSchema>;

const bookPath = (book: string) => `/api/books/${encodeURIComponent(book)}`;

export const pairBusyMessage =
  "Another Outlook is syncing this address book right now, so nothing was written. Sync again in a few minutes.";

/** The server's own message ({error: {message}}, server/http/error-handler.ts) is written for people. */
/** The error for a failed response, in the words both the pane and Concord Web use; `conflict` says
 *  what a 412 means to the caller (a sync's saved progress, or a contact someone else changed). */
export async function errorOfResponse(response: Response, conflict: string): Promise<ServerApiError> {
  const status = response.status;
  if (status === 401) return new ServerApiError("session-expired", "Your session expired; sign in again", status);
  if (status === 403)
    return new ServerApiError(
      "read-only",
      await serverMessage(response, "This address book is read-only for you"),
      status,
    );
  if (status === 410)
    return new ServerApiError(
      "sync-token-expired",
      "The server no longer has the changes since the last sync; reading everything again",
      status,
    );
  if (status === 412) return new ServerApiError("conflict", conflict, status);
  return new ServerApiError(
    "server",
    await serverMessage(response, `The Concord server answered with error ${status}`),
    status,
  );
}

async function serverMessage(response: Response, fallback: string): Promise<string> {
  const parsed = errorBodySchema.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? parsed.data.error.message : fallback;
}
