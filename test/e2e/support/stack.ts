// The whole stack the add-in talks to, over real HTTP: the real server app on the embedded database,
// and fake Microsoft Graph mailboxes (one per Outlook user). Shared by the browser and scenario tests.
import assert from "node:assert/strict";
import type { Contact } from "../../../core/contact/contact";
import { createGraphStore } from "../../../addin/outlook/graph-store";
import { createServerApi, type Book, type ServerApi } from "../../../addin/server-api";
import { graphCodec } from "../../../addin/sync/outlook-codec";
import { syncPair, type OutlookConnection, type SyncRequest } from "../../../addin/sync/sync-session";
import { createApp } from "../../../server/app";
import { concordUidOf, type GraphContact } from "../../../core/formats/outlook/graph-contact";
import { createFakeGraph, type FakeContact, type FakeGraph, type FakeGraphOptions } from "../../fakes/fake-graph";
import { testApp, type TestApp } from "../../support/app";
import { listeners, withCors } from "./listen";

export type Mailbox = { graph: FakeGraph; graphUrl: string; outlook: OutlookConnection };
export type Account = Awaited<ReturnType<typeof openAccount>>;
export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startStack(options: { addinDir?: string } = {}) {
  const t = await testApp();
  const net = listeners();
  const serverUrl = await net.listen(createApp({ ...t.deps, addinDir: options.addinDir }));

  const account = (username: string, admin = false) => openAccount(t, serverUrl, username, admin);

  /** A mailbox behind its own fake Graph; `fetch` wraps the adapter's calls (to cut the line, say). */
  async function mailbox(graphOptions: FakeGraphOptions = {}, fetch?: typeof globalThis.fetch): Promise<Mailbox> {
    const graph = createFakeGraph(graphOptions);
    const graphUrl = `${await net.listen(withCors(graph.app))}/v1.0`;
    const store = createGraphStore({
      getToken: async () => graph.token,
      baseUrl: graphUrl,
      sleep: async () => {},
      fetch,
    });
    return { graph, graphUrl, outlook: { store, codec: graphCodec } };
  }

  const sync = (who: Account, box: Mailbox, book: Book, folderId: string, more: Partial<SyncRequest> = {}) =>
    syncPair({ api: who.api, outlook: box.outlook, deviceId: who.deviceId, book, admin: who.admin, folderId, ...more });

  /** A writer that is not an Outlook: the contacts REST API, one contact per call, If-Match on edits. */
  function rest(who: { token: string }) {
    const url = (book: string, uid: string) => `${serverUrl}/api/books/${book}/contacts/${encodeURIComponent(uid)}`;
    const headers = { authorization: `Bearer ${who.token}`, accept: "application/json" };
    async function current(book: string, uid: string) {
      const response = await fetch(url(book, uid), { headers });
      assert.equal(response.status, 200, `GET ${uid}: ${response.status}`);
      return (await response.json()) as { etag: string; contact: Contact };
    }
    return {
      async create(book: string, created: Contact) {
        const response = await fetch(url(book, created.uid), {
          method: "PUT",
          headers: { ...headers, "content-type": "application/json", "if-none-match": "*" },
          body: JSON.stringify(created),
        });
        assert.equal(response.status, 201, await response.text());
      },
      async edit(book: string, uid: string, change: Partial<Contact>) {
        const { etag, contact } = await current(book, uid);
        const response = await fetch(url(book, uid), {
          method: "PUT",
          headers: { ...headers, "content-type": "application/json", "if-match": `"${etag}"` },
          body: JSON.stringify({ ...contact, ...change }),
        });
        assert.equal(response.status, 200, await response.text());
      },
      async remove(book: string, uid: string) {
        const { etag } = await current(book, uid);
        const ifMatch = { ...headers, "if-match": `"${etag}"` };
        const response = await fetch(url(book, uid), { method: "DELETE", headers: ifMatch });
        assert.equal(response.status, 204, await response.text());
      },
    };
  }

  async function call(who: { token: string }, method: string, path: string, body: unknown, expected: number) {
    const response = await fetch(`${serverUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    assert.equal(response.status, expected, `${method} ${path}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** The owner (or an admin) shares a PAB with another user. */
  const share = (owner: { token: string }, book: string, username: string, access: "read" | "write") =>
    call(owner, "PUT", `/api/books/${book}/shares/${username}`, { access }, 200);

  /** A further PAB of the caller's (or, for an admin, of `owner`). */
  const createBook = async (who: { token: string }, name: string, owner?: string): Promise<Book> =>
    call(who, "POST", "/api/books", { name, owner }, 201);

  async function close() {
    await net.closeAll();
    await t.close();
  }

  return { t, serverUrl, account, mailbox, sync, rest, share, createBook, close };
}

/** A user of the server, signed in through the add-in's API client. */
async function openAccount(t: TestApp, serverUrl: string, username: string, admin: boolean) {
  const user = await t.user(username, { admin });
  const api = createServerApi({ baseUrl: serverUrl, getToken: () => user.token });
  const books = await api.listBooks();
  const book = (id: string): Book => {
    const found = books.find((b) => b.id === id);
    assert.ok(found, `${username} sees no book ${id}`);
    return found;
  };
  return { ...user, api, admin, books, book, primary: book(user.primaryBook), deviceId: `device-${username}` };
}

/** The live contacts of a book, read from its change feed; fails on a uid listed twice. */
export async function serverContacts(api: ServerApi, book: string): Promise<Contact[]> {
  const feed = await api.readAllChanges(book);
  const live = feed.changes.filter((c) => !c.deleted).map((c) => c.contact!);
  assertUnique(
    live.map((c) => c.uid),
    `uids in ${book}`,
  );
  return live;
}

export const byName = <T extends { displayName: string }>(contacts: T[]) =>
  new Map(contacts.map((c) => [c.displayName, c]));

/** The items of an Outlook folder; fails on two items carrying one Concord uid, or an item carrying none. */
export function outlookContacts(
  graph: FakeGraph,
  folderId: string,
): (FakeContact & { uid: string; displayName: string })[] {
  const items = graph.mailbox.contactsIn(folderId).map((c) => {
    const uid = concordUidOf({
      singleValueExtendedProperties: [...c.extended].map(([id, value]) => ({ id, value })),
    } as GraphContact);
    assert.ok(uid, `Outlook item ${c.id} (${String(c.properties.displayName)}) carries no Concord uid`);
    return { ...c, uid, displayName: String(c.properties.displayName ?? "") };
  });
  assertUnique(
    items.map((c) => c.uid),
    `Concord uids in Outlook folder ${folderId}`,
  );
  return items;
}

/** Requests that change the mailbox: a JSON $batch POST only reads (the store batches GETs of items by id). */
export const outlookWrites = (graph: FakeGraph): number =>
  graph.mailbox.requests.filter((r) => r.method !== "GET" && !r.path.includes("/$batch")).length;

export function assertUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  const twice = values.filter((v) => {
    if (seen.has(v)) return true;
    seen.add(v);
    return false;
  });
  assert.deepEqual(twice.slice(0, 5), [], `${what} listed more than once`);
}

/** A Graph contact body as a person would type it in Outlook. */
export const person = (given: string, family: string, extra: Record<string, unknown> = {}) => ({
  displayName: `${given} ${family}`,
  givenName: given,
  surname: family,
  emailAddresses: [
    { address: `${given.toLowerCase()}.${family.toLowerCase()}@example.com`, name: `${given} ${family}` },
  ],
  ...extra,
});

export const contact = (uid: string, displayName: string, fields: Partial<Contact> = {}): Contact => ({
  uid,
  displayName,
  emails: [],
  phones: [],
  addresses: [],
  urls: [],
  im: [],
  categories: [],
  extra: [],
  ...fields,
});
