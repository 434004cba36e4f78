// The Outlook side over Microsoft Graph (Microsoft 365 / Exchange Online).
// Office.js has no contacts API, so the pane reaches the mailbox's contacts through Graph:
//   contact delta        https://learn.microsoft.com/graph/api/contact-delta
//   delta query          https://learn.microsoft.com/graph/delta-query-overview
//   contactFolder        https://learn.microsoft.com/graph/api/resources/contactfolder
//   extended properties  https://learn.microsoft.com/graph/api/resources/singlevaluelegacyextendedproperty
//   immutable ids        https://learn.microsoft.com/graph/outlook-immutable-id
import {
  concordUidExpand,
  concordUidOf,
  concordUidPropertyId,
  withConcordUid,
  type GraphContact,
  type GraphContactBody,
} from "../../core/formats/outlook/graph-contact";
import type { ContactFolder, FolderRead, OutlookContactStore, OutlookItem } from "./outlook-store";
import { httpRetryDelay, retrying, type Sleep } from "./retry";
import { createWriteLog } from "./written-since";

/** A Graph contact as JSON, read or written. */
export type GraphContactJson = GraphContactBody;

export type GraphStoreOptions = {
  getToken: () => Promise<string>;
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  sleep?: Sleep;
  /** Tries per request when throttled (429/503). */
  attempts?: number;
  /** Prefer: odata.maxpagesize for delta pages (contact-delta, "Request headers"). */
  pageSize?: number;
};

/** A Graph error answer: https://learn.microsoft.com/graph/errors ({ error: { code, message } }). */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`Graph ${status} ${code}: ${message}`);
    this.name = "GraphError";
  }
}

// The delta token has expired or the server dropped it: start over with a full read
// (delta-query-overview, "Synchronization reset"; Outlook answers 410 with these codes).
const resyncCodes = new Set(["syncStateNotFound", "syncStateInvalid", "resyncRequired"]);
export const needsResync = (error: unknown) =>
  error instanceof GraphError && (error.status === 410 || resyncCodes.has(error.code));

// Known Graph fault: delta with $expand of extended properties answers 500 "Value cannot be null"
// (microsoftgraph/microsoft-graph-docs#2270, msgraph-sdk-dotnet#2678). Then the uids are read
// with a plain folder listing, which does support $expand.
const expandRefused = (error: unknown) => error instanceof GraphError && [400, 500, 501].includes(error.status);

/** What readFolder hands back as `state`: the deltaLink, and whether it carries the uid $expand. */
type DeltaState = { deltaLink: string; expandInDelta: boolean };

type BatchAnswer = { responses: { id: string; status: number; body?: GraphContactJson }[] };

const immutableIds = `IdType="ImmutableId"`;
/** json-batching: at most 20 requests per batch. */
const batchLimit = 20;

type Page = { value?: GraphContactJson[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };

export function createGraphStore(options: GraphStoreOptions): OutlookContactStore<GraphContactJson> {
  const baseUrl = (options.baseUrl ?? "https://graph.microsoft.com/v1.0").replace(/\/+$/, "");
  const fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const pageSize = options.pageSize ?? 100;
  const writes = createWriteLog();

  async function call<T>(
    method: string,
    pathOrUrl: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${baseUrl}${pathOrUrl}`;
    const send = async () => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await options.getToken()}`,
        // Every request, because the header applies only to the request it is on (outlook-immutable-id).
        prefer: immutableIds,
        ...extraHeaders,
      };
      if (extraHeaders.prefer) headers.prefer = `IdType="ImmutableId", ${extraHeaders.prefer}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    };
    const response = await retrying(send, httpRetryDelay, { attempts: options.attempts, sleep: options.sleep });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok)
      throw new GraphError(response.status, json?.error?.code ?? "unknown", json?.error?.message ?? text);
    return json as T;
  }

  const folderPath = (folderId: string) => `/me/contactFolders/${encodeURIComponent(folderId)}`;
  const contactPath = (id: string) => `/me/contacts/${encodeURIComponent(id)}`;

  async function listFolders(): Promise<ContactFolder[]> {
    const folders: ContactFolder[] = [];
    for (let next: string | undefined = "/me/contactFolders?$select=id,displayName&$top=100"; next; ) {
      const page: { value: { id: string; displayName: string }[]; "@odata.nextLink"?: string } = await call(
        "GET",
        next,
      );
      folders.push(...page.value.map((f) => ({ id: f.id, name: f.displayName })));
      next = page["@odata.nextLink"];
    }
    return folders;
  }

  // Graph documents no name for the default Contacts folder, only that GET /me/contactFolders lists
  // the folders in it and GET /me/contacts its contacts (user-list-contactfolders, user-list-contacts):
  // the parentFolderId of either names it. A main folder with neither holds nothing to match, and is
  // not offered (a new folder serves as well).
  async function mainFolder(): Promise<ContactFolder | undefined> {
    type Page = { value: { parentFolderId?: string }[] };
    const sub: Page = await call("GET", "/me/contactFolders?$select=parentFolderId&$top=1");
    const inMain: Page = sub.value[0]?.parentFolderId
      ? sub
      : await call("GET", "/me/contacts?$select=parentFolderId&$top=1");
    const id = inMain.value[0]?.parentFolderId;
    if (!id) return undefined;
    // contactfolder-get: its display name, which Outlook localises ("Contacts", "Kontakte", …).
    const folder: { id: string; displayName: string } = await call("GET", `${folderPath(id)}?$select=displayName`);
    return { id: folder.id ?? id, name: folder.displayName };
  }

  async function ensureFolder(name: string): Promise<ContactFolder> {
    // OData string literal: a quote inside is doubled (OData ABNF, SQUOTE-in-string).
    const filter = encodeURIComponent(`displayName eq '${name.replace(/'/g, "''")}'`);
    const found: { value: { id: string; displayName: string }[] } = await call(
      "GET",
      `/me/contactFolders?$filter=${filter}`,
    );
    const existing = found.value[0];
    if (existing) return { id: existing.id, name: existing.displayName };
    const created: { id: string; displayName: string } = await call("POST", "/me/contactFolders", {
      displayName: name,
    });
    return { id: created.id, name: created.displayName };
  }

  /** One delta round: every page from `start` until the deltaLink; replays collapse to the last copy. */
  async function deltaRound(start: string, onProgress?: (read: number) => void) {
    const changed = new Map<string, GraphContactJson>();
    const removed = new Set<string>();
    for (let next = start; ; ) {
      const page: Page = await call("GET", next, undefined, { prefer: `odata.maxpagesize=${pageSize}` });
      for (const item of page.value ?? []) {
        const id = String(item.id);
        if (item["@removed"]) {
          changed.delete(id);
          removed.add(id);
        } else {
          removed.delete(id);
          changed.set(id, item);
        }
      }
      onProgress?.(changed.size + removed.size);
      if (page["@odata.deltaLink"]) return { changed, removed, deltaLink: page["@odata.deltaLink"] };
      if (!page["@odata.nextLink"])
        throw new GraphError(502, "noDeltaLink", "delta page had neither nextLink nor deltaLink");
      next = page["@odata.nextLink"];
    }
  }

  /** The uid of every item in the folder, for when delta would not expand it. */
  async function uidsInFolder(folderId: string): Promise<Map<string, string>> {
    const uids = new Map<string, string>();
    let next: string | undefined =
      `${folderPath(folderId)}/contacts?$select=id&$top=1000&$expand=${encodeURIComponent(concordUidExpand)}`;
    while (next) {
      const page: Page = await call("GET", next);
      for (const item of page.value ?? []) {
        const uid = concordUidOf(item as GraphContact);
        if (uid) uids.set(String(item.id), uid);
      }
      next = page["@odata.nextLink"];
    }
    return uids;
  }

  async function readRound(
    folderId: string,
    state: DeltaState | undefined,
    stateText: string | undefined,
    onProgress?: (read: number) => void,
  ): Promise<FolderRead<GraphContactJson>> {
    const deltaStart = (expand: boolean) =>
      `${folderPath(folderId)}/contacts/delta${expand ? `?$expand=${encodeURIComponent(concordUidExpand)}` : ""}`;
    let expandInDelta = state?.expandInDelta ?? true;
    let round: Awaited<ReturnType<typeof deltaRound>>;
    try {
      round = await deltaRound(state?.deltaLink ?? deltaStart(true), onProgress);
    } catch (error) {
      if (state || !expandRefused(error)) throw error;
      expandInDelta = false;
      round = await deltaRound(deltaStart(false), onProgress);
    }
    const uids = expandInDelta || round.changed.size === 0 ? undefined : await uidsInFolder(folderId);
    const items = [...round.changed.values()].map((wire) => toItem(wire, uids?.get(String(wire.id))));
    const removed = state ? [...round.removed] : [];
    // Items this store created after the state was handed out must each be in this round, as a
    // change or a removal; one in neither is read directly (written-since.ts).
    const unaccounted = writes
      .writtenSince(folderId, stateText)
      .filter((id) => !round.changed.has(id) && !round.removed.has(id));
    if (state && unaccounted.length > 0) {
      const direct = await getItems(folderId, unaccounted);
      items.push(...direct.items);
      removed.push(...direct.missing);
    }
    const nextState = JSON.stringify({ deltaLink: round.deltaLink, expandInDelta } satisfies DeltaState);
    writes.handedOut(folderId, nextState);
    return { items, removed, full: !state, state: nextState };
  }

  async function readFolder(folderId: string, state?: string, onProgress?: (read: number) => void) {
    const previous = parseState(state);
    if (!previous) return readRound(folderId, undefined, undefined, onProgress);
    try {
      return await readRound(folderId, previous, state, onProgress);
    } catch (error) {
      if (!needsResync(error)) throw error;
      return readRound(folderId, undefined, undefined, onProgress);
    }
  }

  const byIdPath = (id: string) => `${contactPath(id)}?$expand=${encodeURIComponent(concordUidExpand)}`;

  /** One contact by id, the way readFolder returns it; undefined once it is deleted (404). */
  async function getOne(id: string): Promise<GraphContactJson | undefined> {
    try {
      return await call<GraphContactJson>("GET", byIdPath(id));
    } catch (error) {
      if (error instanceof GraphError && error.status === 404) return undefined;
      throw error;
    }
  }

  // GET /me/contacts/{id} (contact-get) with the uid expanded, 20 per JSON batch
  // (https://learn.microsoft.com/graph/json-batching). A request that fails inside a batch for any
  // reason but 404 (a 429 there is per request) is sent again on its own, with the usual retries.
  async function getItems(folderId: string, ids: string[]) {
    const items: OutlookItem<GraphContactJson>[] = [];
    const missing: string[] = [];
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += batchLimit) {
      const chunk = unique.slice(start, start + batchLimit);
      const requests = chunk.map((id, i) => ({
        id: String(i),
        method: "GET",
        url: byIdPath(id),
        headers: { prefer: immutableIds },
      }));
      const answer: BatchAnswer = await call("POST", "/$batch", { requests });
      const byRequest = new Map(answer.responses.map((r) => [String(r.id), r]));
      for (const [i, id] of chunk.entries()) {
        const response = byRequest.get(String(i));
        const wire = response?.status === 200 ? response.body : response?.status === 404 ? undefined : await getOne(id);
        // Moved to another folder (or to Deleted Items): no longer this folder's item.
        if (!wire || wire.parentFolderId !== folderId) missing.push(id);
        else items.push(toItem(wire));
      }
    }
    return { items, missing };
  }

  // The folder's item carrying this Concord uid, found with the filter singlevaluelegacyextendedproperty-get
  // documents: singleValueExtendedProperties/Any(ep: ep/id eq '{id}' and ep/value eq '{value}').
  // Graph compares the value without regard to case, so the exact uid is checked here.
  async function findByUid(folderId: string, concordUid: string): Promise<GraphContactJson | undefined> {
    const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
    const filter =
      `singleValueExtendedProperties/Any(ep: ep/id eq ${quote(concordUidPropertyId)} ` +
      `and ep/value eq ${quote(concordUid)})`;
    const query = `$filter=${encodeURIComponent(filter)}&$expand=${encodeURIComponent(concordUidExpand)}&$top=10`;
    const page: Page = await call("GET", `${folderPath(folderId)}/contacts?${query}`);
    return (page.value ?? []).find((item) => concordUidOf(item as GraphContact) === concordUid);
  }

  // Idempotent per (folder, uid): a create retried after a lost answer, or the same contact
  // created by a second Outlook of this mailbox, updates the item already there (If-Match on it).
  async function create(
    folderId: string,
    wire: GraphContactJson,
    concordUid: string,
  ): Promise<OutlookItem<GraphContactJson>> {
    const existing = await findByUid(folderId, concordUid);
    if (existing) {
      writes.wrote(folderId, String(existing.id));
      return update(String(existing.id), wire, concordUid, String(existing.changeKey ?? ""));
    }
    const created: GraphContactJson = await call(
      "POST",
      `${folderPath(folderId)}/contacts`,
      withConcordUid(writable(wire), concordUid),
    );
    writes.wrote(folderId, String(created.id));
    return toItem(created, concordUid);
  }

  // Outlook items carry @odata.etag W/"<changeKey>"; If-Match with it makes the PATCH fail with
  // 412 when Outlook changed the item since we read it, instead of overwriting the user's edit.
  async function update(
    id: string,
    wire: GraphContactJson,
    concordUid: string,
    changeKey?: string,
  ): Promise<OutlookItem<GraphContactJson>> {
    const headers: Record<string, string> = changeKey ? { "if-match": `W/"${changeKey}"` } : {};
    const updated: GraphContactJson = await call(
      "PATCH",
      contactPath(id),
      withConcordUid(writable(wire), concordUid),
      headers,
    );
    return toItem(updated, concordUid);
  }

  async function remove(id: string): Promise<void> {
    try {
      await call("DELETE", contactPath(id));
    } catch (error) {
      // Already gone is what we wanted.
      if (!(error instanceof GraphError && error.status === 404)) throw error;
    }
  }

  return { kind: "graph", listFolders, mainFolder, ensureFolder, readFolder, getItems, create, update, remove };
}

function toItem(wire: GraphContactJson, knownUid?: string): OutlookItem<GraphContactJson> {
  const lastModified = typeof wire.lastModifiedDateTime === "string" ? wire.lastModifiedDateTime : undefined;
  return {
    id: String(wire.id),
    changeKey: String(wire.changeKey ?? ""),
    lastModified,
    concordUid: concordUidOf(wire as GraphContact) ?? knownUid,
    wire,
  };
}

/** A body Graph accepts on POST/PATCH: without read-only identity and OData annotations. */
function writable(wire: GraphContactJson): GraphContactJson {
  const readOnly = new Set(["id", "changeKey", "createdDateTime", "lastModifiedDateTime", "parentFolderId"]);
  return Object.fromEntries(Object.entries(wire).filter(([key]) => !readOnly.has(key) && !key.startsWith("@")));
}

function parseState(state: string | undefined): DeltaState | undefined {
  if (!state) return undefined;
  try {
    const parsed = JSON.parse(state);
    if (typeof parsed?.deltaLink === "string")
      return { deltaLink: parsed.deltaLink, expandInDelta: parsed.expandInDelta !== false };
  } catch {
    // A state from an older build or another adapter: read the whole folder again.
  }
  return undefined;
}
