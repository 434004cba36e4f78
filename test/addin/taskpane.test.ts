// The task pane's logic and rendering: plain-words errors, the Outlook API choice, remembered
// settings, server-rendered components, and "Sync now" over several books against the real server.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { createOfficeHost, type OfficeHost } from "../../addin/office-host";
import { EwsTransportError } from "../../addin/outlook/ews-transport";
import { createGraphStore, GraphError } from "../../addin/outlook/graph-store";
import { createServerApi, ServerApiError, type Book } from "../../addin/server-api";
import { graphCodec } from "../../addin/sync/outlook-codec";
import { App } from "../../addin/taskpane/app";
import { BookList } from "../../addin/taskpane/book-list";
import { ConfirmDeletesBody, confirmedFrom } from "../../addin/taskpane/confirm-deletes";
import { defaultFolderNames } from "../../addin/taskpane/folder-pairs";
import { chooseOutlookApi, connectOutlook } from "../../addin/taskpane/outlook-connection";
import {
  loadSession,
  loadSettings,
  paneSettingsSchema,
  saveSession,
  saveSettings,
  type PaneSettings,
} from "../../addin/taskpane/pane-settings";
import { describeRefusal, plainError } from "../../addin/taskpane/plain-words";
import { syncBooks } from "../../addin/taskpane/sync-books";
import { SyncResults } from "../../addin/taskpane/sync-results";
import type { SyncOutcome } from "../../addin/sync/sync-session";
import { createFakeGraph } from "../fakes/fake-graph";
import { testApp, type TestApp } from "../support/app";
import { withContractEndpoints } from "../support/contract-endpoints";
import { memoryOutlookStore } from "../support/memory-outlook-store";

const memoryHost = (caps: { naa?: boolean; ews?: boolean } = {}): OfficeHost => ({
  ...createOfficeHost(undefined, undefined),
  nestedAppAuthSupported: () => caps.naa ?? false,
  ewsAvailable: () => caps.ews ?? false,
});

const render = (node: React.ReactElement) =>
  renderToString(createElement(FluentProvider, { theme: webLightTheme }, node))
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, "")
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

/** Settings with each book switched on in the setup step. */
const allOn = (books: Book[]): PaneSettings => ({
  ...paneSettingsSchema.parse({}),
  pairs: Object.fromEntries(books.map((b) => [b.id, { policy: "server-wins" as const, enabled: true }])),
});

const book = (
  id: string,
  kind: Book["kind"],
  access: Book["access"],
  name = id,
  owner: string | null = null,
  ownerName?: string,
): Book => ({ id, kind, access, name, owner, ...(ownerName ? { ownerName } : {}) }) as Book;

describe("task pane", () => {
  describe("messages in plain words", () => {
    it("turns Graph, EWS and unexpected errors into one readable line, never a stack trace", () => {
      assert.match(
        plainError(new GraphError(403, "ErrorAccessDenied", "Access is denied")),
        /^Outlook did not let Concord open your contacts/,
      );
      assert.equal(
        plainError(new GraphError(500, "InternalServerError", "boom")),
        "Outlook could not finish the request (Microsoft Graph: InternalServerError).",
      );
      assert.match(
        plainError(new EwsTransportError("9020", "makeEwsRequestAsync failed: too large")),
        /^Exchange could not finish the request: makeEwsRequestAsync failed: too large$/,
      );
      const crash = new TypeError("Cannot read properties of undefined (reading 'id')\n    at foo (file.ts:1:1)");
      assert.equal(plainError(crash), "Cannot read properties of undefined (reading 'id')");
      assert.equal(plainError({ weird: true }), "Something went wrong. Try again.");
      assert.equal(
        plainError(new ServerApiError("session-expired", "Your session expired; sign in again", 401)),
        "Your session expired; sign in again",
      );
    });

    it("words a mass-delete refusal with its numbers and side", () => {
      assert.equal(
        describeRefusal({ kind: "mass-delete", side: "server", deletes: 6, total: 8, threshold: 4 }),
        "This sync would delete 6 of 8 contacts on the server.",
      );
      assert.match(describeRefusal({ kind: "side-emptied", side: "outlook" }), /Outlook folder is empty/);
    });
  });

  describe("choosing how to reach Outlook", () => {
    it("uses Graph where Nested App Authentication works, EWS elsewhere, unless the setting says otherwise", () => {
      assert.equal(chooseOutlookApi("auto", memoryHost({ naa: true })), "graph");
      assert.equal(chooseOutlookApi("auto", memoryHost({ naa: false })), "ews");
      assert.equal(chooseOutlookApi("ews", memoryHost({ naa: true })), "ews");
      assert.equal(chooseOutlookApi("graph", memoryHost({ naa: false })), "graph");
    });

    it("asks for the Graph client id, or for Graph when EWS is unavailable", () => {
      const settings = paneSettingsSchema.parse({});
      assert.throws(() => connectOutlook("graph", settings, memoryHost()), /set GRAPH_CLIENT_ID on the Concord server/);
      assert.throws(
        () => connectOutlook("ews", settings, memoryHost({ ews: false })),
        /cannot reach Exchange Web Services/,
      );
      assert.equal(connectOutlook("graph", { ...settings, graphClientId: "app-id" }, memoryHost()).store.kind, "graph");
    });
  });

  describe("remembered settings and session", () => {
    it("keeps the settings and forgets a session once it expired", async () => {
      const host = memoryHost();
      const settings = { ...paneSettingsSchema.parse({}), serverUrl: "https://c.example", intervalMinutes: 5 };
      await saveSettings(host, settings);
      assert.deepEqual(loadSettings(host), settings);
      await saveSession(host, { token: "jwt", expiresAt: "2030-01-01T10:00:00Z", username: "ann", admin: false });
      assert.equal(loadSession(host, new Date("2030-01-01T09:59:00Z"))?.token, "jwt");
      assert.equal(loadSession(host, new Date("2030-01-01T10:00:01Z")), undefined);
    });

    it("keeps a session with a refresh token past its access token's expiry, until the session itself lapses", async () => {
      const host = memoryHost();
      const session = {
        token: "jwt",
        expiresAt: "2030-01-01T10:00:00Z",
        refreshToken: "r",
        sessionExpiresAt: "2030-03-01T10:00:00Z",
        username: "ann",
        admin: false,
      };
      await saveSession(host, session);
      assert.equal(loadSession(host, new Date("2030-02-01T00:00:00Z"))?.refreshToken, "r");
      assert.equal(loadSession(host, new Date("2030-03-01T10:00:01Z")), undefined);
    });

    it("starts from defaults when the stored settings are unreadable", async () => {
      const host = memoryHost();
      await host.roaming.set("settings", "{not json");
      assert.equal(loadSettings(host).intervalMinutes, 15);
    });
  });

  describe("rendering", () => {
    it("shows the sign-in form when no session is remembered", () => {
      const text = render(createElement(App, { host: memoryHost() }));
      assert.match(text, /Concord server/);
      assert.match(text, /Password/);
      assert.doesNotMatch(text, /Sync now/);
    });

    it("badges each book by access and offers the conflict policy only for two-way books", () => {
      const books = [
        book("gab", "gab", "read", "Global Address Book"),
        book("directory", "directory", "read", "Local Directory"),
        book("ann", "pab", "write", "Ann's book"),
      ];
      const text = render(
        createElement(BookList, {
          books,
          admin: false,
          username: "ann",
          settings: allOn(books),
          onPairChange: () => {},
        }),
      );
      assert.equal(text.match(/Read-only(?!:)/g)?.length, 2);
      assert.equal(text.match(/Read &amp; write/g)?.length, 1);
      assert.equal(text.match(/When both sides changed a field/g)?.length, 1);
      assert.doesNotMatch(text, /Replace the GAB/);
    });

    it("syncs an admin's GAB both ways and offers replacing it with the folder only as an explicit action", () => {
      const gab = book("gab", "gab", "write", "Global Address Book");
      const asAdmin = render(
        createElement(BookList, {
          books: [gab],
          admin: true,
          username: "root",
          settings: allOn([gab]),
          onPairChange: () => {},
          onReplace: () => {},
        }),
      );
      assert.match(asAdmin, /Two-way/);
      assert.doesNotMatch(asAdmin, /Publish/);
      assert.match(asAdmin, /Replace the GAB with this folder/);
    });

    it("shows a paired book's folder by the name it was paired under and offers another folder", () => {
      const settings = {
        ...paneSettingsSchema.parse({}),
        pairs: { ann: { folderId: "AAMk=", folderName: "Old name", policy: "server-wins" as const } },
      };
      const text = render(
        createElement(BookList, {
          books: [book("ann", "pab", "write", "Contacts", "ann")],
          admin: false,
          username: "ann",
          settings,
          onPairChange: () => {},
          onChangeFolder: () => {},
        }),
      );
      assert.match(text, /Folder: “Old name”/);
      assert.match(text, /Change folder/);
    });

    it("names what a sync would delete, the first 50 per side and then how many more, with delete not the primary button", () => {
      const deletions = {
        outlook: [{ uid: "o1", name: "Olga Outlook" }],
        server: Array.from({ length: 53 }, (_, i) => ({ uid: `s${i}`, name: `Server Person ${i}` })),
      };
      const counts = {
        outlook: { created: 0, updated: 0, deleted: 1 },
        server: { created: 0, updated: 0, deleted: 53 },
        conflicts: 0,
        unchanged: 0,
        deferred: 0,
      };
      const html = renderToString(
        createElement(
          FluentProvider,
          { theme: webLightTheme },
          createElement(ConfirmDeletesBody, {
            bookName: "Ann's book",
            purpose: "deletes",
            plan: { deletions, counts },
            refusals: [],
            onConfirm: () => {},
            onCancel: () => {},
          }),
        ),
      );
      const text = html
        .replace(/<style[^>]*>[\s\S]*?<\/style>/g, "")
        .replace(/<!-- -->/g, "")
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ");
      assert.match(text, /Deleted in Outlook \(1\): Olga Outlook/);
      assert.match(text, /Deleted on the server \(53\): Server Person 0 .* Server Person 49 and 3 more/);
      assert.doesNotMatch(text, /Server Person 50/);
      const confirmButton = /<button[^>]*data-confirm="delete"[^>]*>/.exec(html)?.[0] ?? "";
      assert.ok(confirmButton && !/primary/.test(confirmButton), confirmButton);
      assert.deepEqual(confirmedFrom({ deletions }), { outlook: ["o1"], server: deletions.server.map((d) => d.uid) });
    });

    it("names the Outlook contacts kept in place that were never on the server", () => {
      const outcome = {
        kind: "synced",
        mode: "pull",
        refusals: [],
        errors: [],
        conflicts: [],
        counts: { outlook: { created: 0, updated: 0, deleted: 0 }, server: { created: 0, updated: 0, deleted: 0 } },
        plan: {
          unsynced: [
            { outlookId: "x1", name: "Mia Local" },
            { outlookId: "x2", name: "Ned Local" },
          ],
        },
      } as unknown as SyncOutcome;
      const text = render(
        createElement(SyncResults, {
          results: [{ bookId: "gab", outcome, at: "" }],
          books: [book("gab", "gab", "read", "Global Address Book")],
        }),
      );
      assert.match(text, /Kept in Outlook, never on the server: Mia Local, Ned Local/);
    });

    it("lists counts per side and each conflict with what won", () => {
      const outcome = {
        kind: "synced",
        mode: "two-way",
        refusals: [],
        errors: [],
        counts: { outlook: { created: 1, updated: 2, deleted: 0 }, server: { created: 0, updated: 1, deleted: 3 } },
        conflicts: [
          { uid: "u1", name: "Alice Smith", field: "jobTitle", outlook: "Lead", server: "CTO", winner: "server" },
        ],
      } as unknown as SyncOutcome;
      const text = render(
        createElement(SyncResults, {
          results: [{ bookId: "ann", outcome, at: "" }],
          books: [book("ann", "pab", "write", "Ann's book")],
        }),
      );
      assert.match(text, /Outlook: 1 added, 2 updated, 0 deleted/);
      assert.match(text, /Server: 0 added, 1 updated, 3 deleted/);
      assert.match(
        text,
        /Conflict in Alice Smith, Job title: Outlook had “Lead”, the server had “CTO”; the server won/,
      );
    });
  });

  describe("folders for books", () => {
    it("gives each book a distinct default folder that says whose book it is", () => {
      const names = defaultFolderNames(
        [
          book("mine", "pab", "write", "Contacts", "kim"),
          book("bobs", "pab", "read", "Contacts", "bob", "Bob Berg"),
          book("eves", "pab", "write", "Contacts", "eve"),
          book("gab", "gab", "read", "Global Address Book"),
          book("dir", "directory", "read", "Local Directory"),
          book("f1", "pab", "write", "Friends", "kim"),
          book("f2", "pab", "write", "Friends", "kim"),
        ],
        "kim",
      );
      assert.deepEqual(Object.fromEntries(names), {
        mine: "Contacts",
        bobs: "Contacts (Bob Berg)",
        eves: "Contacts (eve)",
        gab: "Global Address Book",
        dir: "Local Directory",
        f1: "Friends",
        f2: "Friends (2)",
      });
    });
  });

  describe("Sync now over every book", function () {
    let t: TestApp;
    const servers: Server[] = [];
    const listen = async (app: { listen: TestApp["app"]["listen"] }) => {
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    before(async () => (t = await testApp()));
    after(async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await t.close();
    });

    it("syncs each book into a folder named after it and reports a failing book without stopping the others", async () => {
      const user = await t.user("kim");
      const api = createServerApi({
        baseUrl: await listen(t.app),
        getToken: () => user.token,
        fetch: withContractEndpoints().fetch,
      });
      const graph = createFakeGraph();
      const store = createGraphStore({
        getToken: async () => graph.token,
        baseUrl: `${await listen(graph.app)}/v1.0`,
        sleep: async () => {},
      });
      const books = [book("missing-book", "pab", "write", "Gone"), ...(await api.listBooks())];

      const run = await syncBooks({
        api,
        outlook: { store, codec: graphCodec },
        deviceId: "dev-kim",
        admin: false,
        username: "kim",
        books,
        settings: allOn(books),
      });

      assert.equal(run.sessionExpired, false);
      assert.equal(run.results[0].error, "No such address book");
      assert.ok(
        run.results.slice(1).every((r) => r.outcome?.kind === "synced"),
        JSON.stringify(run.results),
      );
      assert.deepEqual([...graph.mailbox.folders.values()].map((f) => f.displayName).sort(), [
        "Contacts",
        "Global Address Book",
        "Gone",
        "Local Directory",
      ]);
    });

    it("pairs each book with its folder by id, and keeps syncing a folder the user renamed", async () => {
      const user = await t.user("lou");
      const api = createServerApi({
        baseUrl: await listen(t.app),
        getToken: () => user.token,
        fetch: withContractEndpoints().fetch,
      });
      const outlook = memoryOutlookStore();
      const books = (await api.listBooks()).filter((b) => b.id === user.primaryBook);
      let settings = allOn(books);
      const paired: string[] = [];

      const first = await syncBooks({
        api,
        outlook: outlook.connection,
        deviceId: "dev-lou",
        admin: false,
        username: "lou",
        books,
        settings,
        onPaired: (id) => void paired.push(id),
      });
      assert.deepEqual(paired, [user.primaryBook]);
      const pair = first.pairs[user.primaryBook]!;
      assert.deepEqual(
        { folderId: pair.folderId, folderName: pair.folderName },
        { folderId: "folder-1", folderName: "Contacts" },
      );
      settings = { ...settings, pairs: first.pairs };

      outlook.renameFolder("folder-1", "Work people");
      outlook.userCreate("folder-1", { displayName: "Pia Renamed" });
      const second = await syncBooks({
        api,
        outlook: outlook.connection,
        deviceId: "dev-lou",
        admin: false,
        username: "lou",
        books,
        settings,
      });

      assert.equal(second.results[0]!.outcome?.counts.server.created, 1, JSON.stringify(second.results));
      assert.deepEqual(second.pairs, {});
      assert.equal(outlook.folders.size, 1, "no folder was made under the old name");
    });

    it("refuses to sync a second book into a folder already paired with another book, and says so on that book", async () => {
      const user = await t.user("max");
      const api = createServerApi({
        baseUrl: await listen(t.app),
        getToken: () => user.token,
        fetch: withContractEndpoints().fetch,
      });
      const outlook = memoryOutlookStore();
      const folder = await outlook.store.ensureFolder("Contacts");
      outlook.userCreate(folder.id, { displayName: "Max Own" });
      const gab = (await api.listBooks()).find((b) => b.kind === "gab")!;
      const settings = {
        ...paneSettingsSchema.parse({}),
        pairs: {
          [user.primaryBook]: { folderId: folder.id, folderName: "Contacts", policy: "server-wins" as const },
          gab: { folderName: "Contacts", policy: "server-wins" as const, enabled: true },
        },
      };
      const books = (await api.listBooks()).filter((b) => b.id === user.primaryBook);

      const run = await syncBooks({
        api,
        outlook: outlook.connection,
        deviceId: "dev-max",
        admin: false,
        username: "max",
        books: [gab],
        allBooks: [...books, gab],
        settings,
      });

      assert.match(
        run.results[0]!.error ?? "",
        /The Outlook folder “Contacts” already syncs with Contacts; two address books cannot share one folder/,
      );
      assert.deepEqual(run.pairs, {});
      assert.deepEqual(outlook.namesIn(folder.id), ["Max Own"]);
    });

    it("stops at a session ended by a password change, and says so", async () => {
      const user = await t.user("ned");
      const signedIn = await createServerApi({ baseUrl: await listen(t.app) }).login("ned", user.password, "ned's pc");
      const api = createServerApi({
        baseUrl: await listen(t.app),
        getToken: () => signedIn.token,
        getRefreshToken: () => signedIn.refreshToken,
        fetch: withContractEndpoints().fetch,
      });
      const books = (await api.listBooks()).filter((b) => b.id === user.primaryBook);
      await t.deps.accounts.updateUser("ned", { password: "changed-elsewhere-1" });
      const run = await syncBooks({
        api,
        outlook: memoryOutlookStore().connection,
        deviceId: "d",
        admin: false,
        username: "ned",
        books,
        settings: allOn(books),
      });
      assert.equal(run.sessionExpired, true);
      assert.deepEqual(
        run.results.map((r) => r.error),
        ["Your session ended (password changed or signed out elsewhere); sign in again"],
      );
    });

    it("stops at an expired session", async () => {
      const api = createServerApi({
        baseUrl: await listen(t.app),
        getToken: () => "expired",
        fetch: withContractEndpoints().fetch,
      });
      const graph = createFakeGraph();
      const store = createGraphStore({
        getToken: async () => graph.token,
        baseUrl: `${await listen(graph.app)}/v1.0`,
        sleep: async () => {},
      });
      const run = await syncBooks({
        api,
        outlook: { store, codec: graphCodec },
        deviceId: "d",
        admin: false,
        username: "x",
        books: [book("a", "pab", "write"), book("b", "pab", "write")],
        settings: allOn([book("a", "pab", "write"), book("b", "pab", "write")]),
      });
      assert.equal(run.sessionExpired, true);
      assert.deepEqual(
        run.results.map((r) => r.error),
        ["Your session expired; sign in again"],
      );
    });
  });
});
