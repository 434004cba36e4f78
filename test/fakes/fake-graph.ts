// A local Microsoft Graph for contacts, following the documented behaviour closely enough that the
// Graph adapter can be tested over real HTTP. Each behaviour cites the page it follows.
import express, { type NextFunction, type Request, type Response } from "express";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type FakeContact = {
  /** Immutable id (outlook-immutable-id): never changes while the item stays in the mailbox. */
  id: string;
  /** The "regular" id Graph returns without Prefer: IdType="ImmutableId"; changes on a move. */
  regularId: string;
  folderId: string;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  /** Contact properties as Graph JSON (https://learn.microsoft.com/graph/api/resources/contact). */
  properties: JsonObject;
  /** singleValueLegacyExtendedProperty values by id. */
  extended: Map<string, string>;
  /** Change sequence number of the last write, for delta. */
  seq: number;
  /** Change number at which the contact entered its folder (created there or moved in). */
  inFolderSince: number;
};

export type FakeFolder = { id: string; displayName: string };

export type RequestRecord = { method: string; path: string; prefer: string; authorization: string };

export type FakeGraphOptions = {
  /** The bearer token every request must carry. */
  token?: string;
  /** Page size when the client sends no Prefer: odata.maxpagesize. */
  defaultPageSize?: number;
  /** Re-send the last item of the previous page at the top of each following page (delta replays). */
  replay?: boolean;
  /** Answer delta requests that $expand extended properties with 500, as Graph has been seen to. */
  deltaRejectsExpand?: boolean;
  /** The mailbox's clock for lastModifiedDateTime; by default a synthetic one that ticks a second per change. */
  clock?: () => Date;
};

type Tombstone = { id: string; regularId: string; folderId: string; seq: number; inFolderSince: number };
type DeltaToken = { folderId: string; sinceSeq: number; expand?: string };
/** A round in progress: what it will send, frozen when it began (the changes up to `endSeq`). */
type DeltaSession = {
  folderId: string;
  entries: JsonObject[];
  endSeq: number;
  expand?: string;
  immutable: boolean;
  offset: number;
  lastSentId?: string;
};

const maxEmailAddresses = 3;
/** json-batching: "up to 20 individual requests" per batch. */
const maxBatchRequests = 20;

let mailboxes = 0;

export function createFakeGraph(options: FakeGraphOptions = {}) {
  const token = options.token ?? "fake-graph-token";
  let seq = 0;
  let counter = 0;
  // Graph ids embed the mailbox, so two mailboxes never hand out one id (and uids derived from ids differ).
  const mailboxTag = (++mailboxes).toString(36);
  const nextId = (kind: string) => `${kind}-${mailboxTag}-${(++counter).toString(36).padStart(6, "0")}`;
  const now = () => (options.clock ? options.clock() : new Date(Date.UTC(2025, 0, 1) + seq * 1000)).toISOString();

  // `folders`: the subfolders of the default Contacts folder, which is `root` (not among them, as
  // GET /me/contactFolders lists only the folders in it: user-list-contactfolders).
  const folders = new Map<string, FakeFolder>();
  const root: FakeFolder = { id: `folder-${mailboxTag}-contacts`, displayName: "Contacts" };
  const rootParentId = `folder-${mailboxTag}-msgfolderroot`;
  const hasFolder = (id: string) => id === root.id || folders.has(id);
  const contacts = new Map<string, FakeContact>();
  const tombstones: Tombstone[] = [];
  const deltaTokens = new Map<string, DeltaToken>();
  const sessions = new Map<string, DeltaSession>();
  const requests: RequestRecord[] = [];
  const throttles: { status: number; retryAfterSeconds?: number }[] = [];
  let expireCode: string | undefined;

  // ---- what a user "does in Outlook" ----

  function addFolder(displayName: string): FakeFolder {
    const folder = { id: nextId("folder"), displayName };
    folders.set(folder.id, folder);
    return folder;
  }

  function addContact(folderId: string, properties: JsonObject, extended: Record<string, string> = {}): FakeContact {
    if (!hasFolder(folderId)) throw new Error(`no folder ${folderId}`);
    seq++;
    const id = nextId("AAMkImm");
    const contact: FakeContact = {
      id,
      regularId: `${id}-in-${folderId}`,
      folderId,
      changeKey: `ck-${seq}`,
      createdDateTime: now(),
      lastModifiedDateTime: now(),
      properties: { ...properties },
      extended: new Map(Object.entries(extended).map(([key, value]) => [normaliseExtendedId(key), value])),
      seq,
      inFolderSince: seq,
    };
    contacts.set(id, contact);
    return contact;
  }

  /** PATCH semantics: listed properties replace, null removes, the rest stay. The changeKey changes. */
  function editContact(id: string, patch: JsonObject, extended: Record<string, string> = {}): FakeContact {
    const contact = contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    seq++;
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete contact.properties[key];
      else contact.properties[key] = value;
    }
    for (const [key, value] of Object.entries(extended)) contact.extended.set(normaliseExtendedId(key), value);
    contact.changeKey = `ck-${seq}`;
    contact.lastModifiedDateTime = now();
    contact.seq = seq;
    return contact;
  }

  function deleteContact(id: string): void {
    const contact = contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    seq++;
    contacts.delete(id);
    const { regularId, inFolderSince } = contact;
    tombstones.push({ id, regularId, folderId: contact.folderId, seq, inFolderSince });
  }

  /** Moves within the mailbox keep the immutable id but change the regular one (outlook-immutable-id). */
  function moveContact(id: string, folderId: string): FakeContact {
    const contact = contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    seq++;
    const { regularId, inFolderSince } = contact;
    tombstones.push({ id, regularId, folderId: contact.folderId, seq, inFolderSince });
    contact.folderId = folderId;
    contact.regularId = `${id}-in-${folderId}`;
    contact.seq = seq;
    contact.inFolderSince = seq;
    return contact;
  }

  /** Every delta token stops working, as when Exchange drops them from its cache (delta-query-overview). */
  function expireDeltaTokens(code: "syncStateNotFound" | "resyncRequired" = "syncStateNotFound"): void {
    expireCode = code;
    deltaTokens.clear();
    sessions.clear();
  }

  /** The next `count` requests are throttled. */
  function throttle(count: number, retryAfterSeconds?: number, status = 429): void {
    for (let i = 0; i < count; i++) throttles.push({ status, retryAfterSeconds });
  }

  const mailbox = {
    folders,
    /** The default Contacts folder's id: addContact(mainFolderId, …) puts a contact in it. */
    mainFolderId: root.id,
    contacts,
    requests,
    contactsIn: (folderId: string) => [...contacts.values()].filter((c) => c.folderId === folderId),
    get pendingThrottles() {
      return throttles.length;
    },
  };

  // ---- HTTP ----

  const app = express();
  app.use(express.json({ limit: "5mb" }));

  app.use((req, _res, next) => {
    requests.push({
      method: req.method,
      path: req.originalUrl,
      prefer: req.get("prefer") ?? "",
      authorization: req.get("authorization") ?? "",
    });
    next();
  });

  // https://learn.microsoft.com/graph/throttling: 429 Too Many Requests with a Retry-After (seconds).
  app.use((_req, res, next) => {
    const throttled = throttles.shift();
    if (!throttled) return next();
    if (throttled.retryAfterSeconds !== undefined) res.set("Retry-After", String(throttled.retryAfterSeconds));
    graphError(
      res,
      throttled.status,
      throttled.status === 429 ? "TooManyRequests" : "ServiceUnavailable",
      "The request has been throttled",
    );
  });

  // https://learn.microsoft.com/graph/auth/auth-concepts: a bearer access token on every call.
  app.use((req, res, next) => {
    if (req.get("authorization") === `Bearer ${token}`) return next();
    graphError(res, 401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
  });

  const router = express.Router();
  app.use("/v1.0", router);

  // https://learn.microsoft.com/graph/api/user-list-contactfolders ($filter on displayName).
  router.get("/me/contactFolders", (req, res) => {
    const filter = stringParam(req.query.$filter);
    const wanted = filter ? /^displayName eq '((?:[^']|'')*)'$/.exec(filter)?.[1]?.replace(/''/g, "'") : undefined;
    if (filter && wanted === undefined)
      return graphError(res, 400, "ErrorInvalidUrlQueryFilter", `unsupported filter ${filter}`);
    const value = [...folders.values()].filter((f) => wanted === undefined || f.displayName === wanted);
    res.json({ value: value.map((f) => ({ id: f.id, displayName: f.displayName, parentFolderId: root.id })) });
  });

  // https://learn.microsoft.com/graph/api/contactfolder-get: a folder by id, the default one included.
  router.get("/me/contactFolders/:folderId", (req, res) => {
    const folder = req.params.folderId === root.id ? root : folders.get(req.params.folderId);
    if (!folder) return graphError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    const parentFolderId = folder === root ? rootParentId : root.id;
    res.json({ id: folder.id, displayName: folder.displayName, parentFolderId });
  });

  // https://learn.microsoft.com/graph/api/user-list-contacts: GET /me/contacts lists the contacts
  // of the default Contacts folder only ($top; the fake returns one page).
  router.get("/me/contacts", (req, res) => {
    const top = Number(stringParam(req.query.$top) ?? 10);
    const inRoot = [...contacts.values()].filter((c) => c.folderId === root.id).slice(0, top);
    res.json({ value: inRoot.map((c) => representation(c, wantsImmutableIds(req))) });
  });

  // https://learn.microsoft.com/graph/api/user-post-contactfolders: 201 with the new folder.
  router.post("/me/contactFolders", (req, res) => {
    const displayName = req.body?.displayName;
    if (typeof displayName !== "string" || !displayName)
      return graphError(res, 400, "ErrorInvalidRequest", "displayName is required");
    if ([...folders.values()].some((f) => f.displayName === displayName)) {
      return graphError(res, 409, "ErrorFolderExists", "A folder with the specified name already exists.");
    }
    const folder = addFolder(displayName);
    res.status(201).json({ id: folder.id, displayName: folder.displayName, parentFolderId: root.id });
  });

  // https://learn.microsoft.com/graph/api/contact-delta and https://learn.microsoft.com/graph/delta-query-overview
  router.get("/me/contactFolders/:folderId/contacts/delta", (req, res) => {
    const immutable = wantsImmutableIds(req);
    const pageSize = maxPageSize(req) ?? options.defaultPageSize ?? 10;
    const skipToken = stringParam(req.query.$skiptoken);
    const deltaToken = stringParam(req.query.$deltatoken);
    const folderId = req.params.folderId;

    let session: DeltaSession | undefined;
    if (skipToken) {
      session = sessions.get(skipToken);
      sessions.delete(skipToken);
    } else if (deltaToken) {
      const known = deltaTokens.get(deltaToken);
      if (known && known.folderId === folderId) session = beginRound(folderId, known.sinceSeq, known.expand, immutable);
    } else {
      if (!hasFolder(folderId))
        return graphError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
      const expand = stringParam(req.query.$expand);
      // Seen on Graph: delta with an extended-property $expand fails (microsoft-graph-docs#2270).
      if (expand && options.deltaRejectsExpand)
        return graphError(res, 500, "InternalServerError", "Value cannot be null.\r\nParameter name: type");
      session = beginRound(folderId, undefined, expand, immutable);
    }
    // delta-query-overview, "Synchronization reset": an unknown or expired state token is 410 Gone.
    if (!session)
      return graphError(res, 410, expireCode ?? "syncStateNotFound", "The sync state is not found or has expired.");

    const page = session.entries.slice(session.offset, session.offset + pageSize);
    // delta-query-overview: "the same resource may be returned more than once"; a replay carries the
    // item as it is now, which may be newer than the copy sent before.
    const again = options.replay && session.lastSentId ? findContact(session.lastSentId) : undefined;
    const replayed = again ? [representation(again, session.immutable, session.expand)] : [];
    session.offset += page.length;
    session.lastSentId = page.length > 0 ? String(page.at(-1)?.id) : session.lastSentId;
    const base = `${origin(req)}/v1.0/me/contactFolders/${encodeURIComponent(folderId)}/contacts/delta`;
    const body: JsonObject = {
      "@odata.context": `${origin(req)}/v1.0/$metadata#Collection(contact)`,
      value: [...replayed, ...page],
    };
    if (session.offset < session.entries.length) {
      const next = nextId("skip");
      sessions.set(next, session);
      body["@odata.nextLink"] = `${base}?$skiptoken=${next}`;
    } else {
      const next = nextId("delta");
      deltaTokens.set(next, { folderId, sinceSeq: session.endSeq, expand: session.expand });
      body["@odata.deltaLink"] = `${base}?$deltatoken=${next}`;
    }
    res.set("Preference-Applied", preferenceApplied(req));
    res.json(body);
  });

  function beginRound(
    folderId: string,
    sinceSeq: number | undefined,
    expand: string | undefined,
    immutable: boolean,
  ): DeltaSession {
    const changed = [...contacts.values()]
      .filter((c) => c.folderId === folderId && (sinceSeq === undefined || c.seq > sinceSeq))
      .sort((a, b) => a.seq - b.seq)
      .map((c) => representation(c, immutable, expand));
    // The first round reports what exists now; deletions before it are not returned (delta-query-overview).
    // A tracked round reports the deletion of items the state had: delta-query-overview does not say
    // whether an item created (or moved in) after the deltaLink and deleted before the next round is
    // reported; Exchange's change tracking reports deletions against the ids the client's state holds
    // (ICS, MS-OXCFXICS 3.2.5.3 "Determining What Differences To Download", MetaTagIdsetGiven), so the
    // fake takes that reading, the harder one for a client: such an item is not mentioned at all.
    const removed =
      sinceSeq === undefined
        ? []
        : tombstones
            .filter((t) => t.folderId === folderId && t.seq > sinceSeq && t.inFolderSince <= sinceSeq)
            .filter((t) => !(contacts.get(t.id)?.folderId === folderId))
            .map((t): JsonObject => ({ id: immutable ? t.id : t.regularId, "@removed": { reason: "deleted" } }));
    return { folderId, entries: [...changed, ...removed], endSeq: seq, expand, immutable, offset: 0 };
  }

  // https://learn.microsoft.com/graph/api/contactfolder-list-contacts ($top, $expand, nextLink paging).
  router.get("/me/contactFolders/:folderId/contacts", (req, res) => {
    const folderId = req.params.folderId;
    if (!hasFolder(folderId))
      return graphError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    const top = Number(stringParam(req.query.$top) ?? 10);
    const skip = Number(stringParam(req.query.$skip) ?? 0);
    const filter = stringParam(req.query.$filter);
    const matches = filter ? extendedPropertyFilter(filter) : () => true;
    if (!matches) return graphError(res, 400, "ErrorInvalidUrlQueryFilter", `unsupported filter ${filter}`);
    // One pass without copying the mailbox: every Outlook create searches by uid first, so with 40,000
    // contacts this runs 40,000 times.
    const all: FakeContact[] = [];
    for (const c of contacts.values()) if (c.folderId === folderId && matches(c)) all.push(c);
    all.sort((a, b) => a.id.localeCompare(b.id));
    const expand = stringParam(req.query.$expand);
    const select = stringParam(req.query.$select);
    const value = all
      .slice(skip, skip + top)
      .map((c) => selectProperties(representation(c, wantsImmutableIds(req), expand), select));
    const body: JsonObject = { value };
    if (skip + top < all.length) {
      const url = new URL(`${origin(req)}${req.originalUrl}`);
      url.searchParams.set("$skip", String(skip + top));
      body["@odata.nextLink"] = url.toString();
    }
    res.json(body);
  });

  // https://learn.microsoft.com/graph/api/user-post-contacts: 201 with the created contact.
  router.post("/me/contactFolders/:folderId/contacts", (req, res) => {
    const folderId = req.params.folderId;
    if (!hasFolder(folderId))
      return graphError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    const { properties, extended, invalid } = splitBody(req.body);
    if (invalid) return graphError(res, 400, invalid.code, invalid.message);
    const contact = addContact(folderId, properties, extended);
    res.status(201).json(representation(contact, wantsImmutableIds(req)));
  });

  // https://learn.microsoft.com/graph/api/contact-get: the contact, or 404 ErrorItemNotFound once it is deleted.
  type Answer = { status: number; body: JsonObject };
  function getContact(id: string, immutable: boolean, expand?: string, select?: string): Answer {
    const contact = findContact(id);
    if (!contact) {
      return { status: 404, body: errorBody("ErrorItemNotFound", "The specified object was not found in the store.") };
    }
    return { status: 200, body: selectProperties(representation(contact, immutable, expand), select) };
  }

  router.get("/me/contacts/:id", (req, res) => {
    const { $expand, $select } = req.query;
    const answer = getContact(req.params.id, wantsImmutableIds(req), stringParam($expand), stringParam($select));
    res.status(answer.status).json(answer.body);
  });

  // JSON batching (https://learn.microsoft.com/graph/json-batching): POST /$batch with up to 20
  // requests { id, method, url relative to the version, headers }; the answer holds one response
  // { id, status, headers, body } per request, each with its own status (a 404 in one does not fail
  // the others). The fake runs GETs of single contacts only; headers apply per request.
  router.post(/^\/\$batch$/, (req, res) => {
    const requests: unknown = req.body?.requests;
    if (!Array.isArray(requests) || requests.length === 0 || requests.length > maxBatchRequests) {
      return graphError(res, 400, "BadRequest", `A batch holds 1 to ${maxBatchRequests} requests.`);
    }
    type BatchRequest = { id?: string; method?: string; url?: string; headers?: Record<string, string> };
    const responses = requests.map((request: BatchRequest) => {
      const url = new URL(String(request.url ?? ""), "http://batch.invalid");
      const match = /^\/me\/contacts\/([^/]+)$/.exec(url.pathname);
      if (request.method !== "GET" || !match) {
        const body = errorBody("BadRequest", "The fake batches single-contact GETs only.");
        return { id: request.id, status: 400, headers: {}, body };
      }
      const prefer = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === "prefer")?.[1] ?? "";
      const immutable = /IdType\s*=\s*"ImmutableId"/i.test(prefer);
      const param = (name: string) => url.searchParams.get(name) ?? undefined;
      const answer = getContact(decodeURIComponent(match[1]!), immutable, param("$expand"), param("$select"));
      const headers = { "content-type": "application/json" };
      return { id: request.id, status: answer.status, headers, body: answer.body };
    });
    res.json({ responses });
  });

  // https://learn.microsoft.com/graph/api/contact-update: PATCH, 200 with the updated contact.
  // An If-Match etag that no longer matches is 412 (https://learn.microsoft.com/graph/errors).
  router.patch("/me/contacts/:id", (req, res) => {
    const contact = findContact(req.params.id);
    if (!contact) return graphError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    const ifMatch = req.get("if-match");
    if (ifMatch && ifMatch !== `W/"${contact.changeKey}"`) {
      return graphError(
        res,
        412,
        "ErrorIrresolvableConflict",
        "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
      );
    }
    const { properties, extended, invalid } = splitBody(req.body, contact.properties);
    if (invalid) return graphError(res, 400, invalid.code, invalid.message);
    editContact(contact.id, properties, extended);
    res.json(representation(contact, wantsImmutableIds(req)));
  });

  // https://learn.microsoft.com/graph/api/contact-delete: 204 No Content.
  router.delete("/me/contacts/:id", (req, res) => {
    const contact = findContact(req.params.id);
    if (!contact) return graphError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    deleteContact(contact.id);
    res.status(204).end();
  });

  app.use((req: Request, res: Response) =>
    graphError(res, 400, "BadRequest", `Resource not found for the segment '${req.path}'.`),
  );
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) =>
    graphError(res, 500, "InternalServerError", error.message),
  );

  function findContact(id: string): FakeContact | undefined {
    return contacts.get(id) ?? [...contacts.values()].find((c) => c.regularId === id);
  }

  /** Graph's JSON for a contact, with the extended properties named in $expand when asked. */
  function representation(contact: FakeContact, immutable: boolean, expand?: string): JsonObject {
    const body: JsonObject = {
      "@odata.etag": `W/"${contact.changeKey}"`,
      id: immutable ? contact.id : contact.regularId,
      createdDateTime: contact.createdDateTime,
      lastModifiedDateTime: contact.lastModifiedDateTime,
      changeKey: contact.changeKey,
      parentFolderId: contact.folderId,
      ...contact.properties,
    };
    const wanted = expand ? expandedPropertyIds(expand) : [];
    // singlevaluelegacyextendedproperty-get: only the properties the $filter names come back, and the
    // relationship is left out when the item has none of them.
    const found = wanted.flatMap((id) => {
      const value = contact.extended.get(normaliseExtendedId(id));
      return value === undefined ? [] : [{ id, value }];
    });
    if (found.length > 0) body.singleValueExtendedProperties = found;
    return body;
  }

  return {
    app,
    mailbox,
    token,
    addFolder,
    addContact,
    editContact,
    deleteContact,
    moveContact,
    expireDeltaTokens,
    throttle,
  };
}

export type FakeGraph = ReturnType<typeof createFakeGraph>;

/** https://learn.microsoft.com/graph/errors: { error: { code, message, innerError } }. */
function errorBody(code: string, message: string): JsonObject {
  const innerError = { date: "2025-01-01T00:00:00", "request-id": "fake", "client-request-id": "fake" };
  return { error: { code, message, innerError } };
}

function graphError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json(errorBody(code, message));
}

function splitBody(body: unknown, current: JsonObject = {}) {
  const { singleValueExtendedProperties, ...rest } = (body ?? {}) as JsonObject;
  const properties = Object.fromEntries(
    Object.entries(rest).filter(
      ([key]) =>
        !["id", "changeKey", "createdDateTime", "lastModifiedDateTime", "parentFolderId"].includes(key) &&
        !key.startsWith("@"),
    ),
  );
  const extended: Record<string, string> = {};
  for (const property of Array.isArray(singleValueExtendedProperties) ? singleValueExtendedProperties : []) {
    const { id, value } = property as { id?: unknown; value?: unknown };
    if (typeof id !== "string" || !/^\w+ (\{[0-9a-f-]{36}\} (Name|Id) .+|0x[0-9a-f]{4})$/i.test(id)) {
      return {
        properties,
        extended,
        invalid: {
          code: "ErrorInvalidProperty",
          message:
            "PropertyId values may only be in one of the following formats: 'MapiPropertyType namespaceGuid Name propertyName', 'MapiPropertyType namespaceGuid Id propertyId' or 'MapiPropertyType propertyTag'.",
        },
      };
    }
    extended[id] = String(value);
  }
  // Outlook holds three e-mail addresses; Graph refuses a fourth (microsoft-graph-docs#15276).
  const emails = "emailAddresses" in properties ? properties.emailAddresses : current.emailAddresses;
  if (Array.isArray(emails) && emails.length > maxEmailAddresses) {
    return {
      properties,
      extended,
      invalid: {
        code: "ErrorInvalidArgument",
        message: `The multi value property EmailAddresses has ${emails.length} entries, that exceeds the max allowed value of ${maxEmailAddresses}.`,
      },
    };
  }
  return { properties, extended, invalid: undefined };
}

// singlevaluelegacyextendedproperty-get, "GET resource instances with string-typed extended properties
// matching a filter": singleValueExtendedProperties/Any(ep: ep/id eq '{id}' and ep/value eq '{value}').
// "Filtering the string name (Name) in the id of an extended property is case-sensitive. Filtering the
// value property of an extended property is case-insensitive." The only $filter the fake knows on contacts.
function extendedPropertyFilter(filter: string): ((contact: FakeContact) => boolean) | undefined {
  const literal = `'((?:[^']|'')*)'`;
  const pattern = `^singleValueExtendedProperties/Any\\(ep: ep/id eq ${literal} and ep/value eq ${literal}\\)$`;
  const match = new RegExp(pattern).exec(filter);
  if (!match) return undefined;
  const id = normaliseExtendedId(match[1]!.replace(/''/g, "'"));
  const value = match[2]!.replace(/''/g, "'").toLowerCase();
  return (contact) => {
    const stored = contact.extended.get(id);
    return stored !== undefined && lowerCase(stored) === value;
  };
}

// Lower-cased values, remembered: a filter compares every contact's uid on every create.
const lowered = new Map<string, string>();
function lowerCase(text: string): string {
  let lower = lowered.get(text);
  if (lower === undefined) lowered.set(text, (lower = text.toLowerCase()));
  return lower;
}

/** Ids named in `singleValueExtendedProperties($filter=id eq '...' or id eq '...')`. */
function expandedPropertyIds(expand: string): string[] {
  const filter = /singleValueExtendedProperties\(\$filter=(.*)\)/i.exec(expand)?.[1] ?? "";
  return [...filter.matchAll(/id eq '((?:[^']|'')*)'/gi)].map((m) => m[1].replace(/''/g, "'"));
}

// extended-properties-overview: the namespace GUID is a GUID (case-insensitive); the Name is case-sensitive.
function normaliseExtendedId(id: string): string {
  return id.replace(/\{[0-9a-f-]+\}/i, (guid) => guid.toLowerCase()).replace(/^\w+/, (type) => type.toLowerCase());
}

function selectProperties(body: JsonObject, select: string | undefined): JsonObject {
  if (!select) return body;
  // contact-delta: "The id property is always returned."
  const keep = new Set([
    "id",
    "@odata.etag",
    "singleValueExtendedProperties",
    ...select.split(",").map((s) => s.trim()),
  ]);
  return Object.fromEntries(Object.entries(body).filter(([key]) => keep.has(key)));
}

/** https://learn.microsoft.com/graph/outlook-immutable-id: opt in per request with Prefer: IdType="ImmutableId". */
function wantsImmutableIds(req: Request): boolean {
  return /IdType\s*=\s*"ImmutableId"/i.test(req.get("prefer") ?? "");
}

/** contact-delta, request headers: Prefer: odata.maxpagesize={x}. */
function maxPageSize(req: Request): number | undefined {
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(req.get("prefer") ?? "");
  return match ? Math.max(1, Number(match[1])) : undefined;
}

function preferenceApplied(req: Request): string {
  return [
    wantsImmutableIds(req) ? `IdType="ImmutableId"` : "",
    maxPageSize(req) ? `odata.maxpagesize=${maxPageSize(req)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

function origin(req: Request): string {
  return `${req.protocol}://${req.get("host")}`;
}

function stringParam(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
