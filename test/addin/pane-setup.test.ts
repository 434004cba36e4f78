// The setup step before any sync, Cancel, reverted read-only edits and sign-in errors in words.
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { generate } from "selfsigned";
import { createOfficeHost, isDarkColor } from "../../addin/office-host";
import { createServerApi, type Book } from "../../addin/server-api";
import { defaultServerUrl } from "../../addin/taskpane/app";
import { folderText, lastSyncText } from "../../addin/taskpane/book-list";
import { effectiveClientId, outlookAccessProblem } from "../../addin/taskpane/outlook-connection";
import { paneSettingsSchema, type PaneSettings } from "../../addin/taskpane/pane-settings";
import { contactText, fieldLabel, previewLines } from "../../addin/taskpane/plain-words";
import {
  describeBook,
  folderOptions,
  foldersForSetup,
  initialSetup,
  pairsFromSetup,
  setupProblem,
  undecidedBooks,
} from "../../addin/taskpane/setup";
import { checkServerUrl, normalUsername, signInError } from "../../addin/taskpane/sign-in-errors";
import { syncBooks } from "../../addin/taskpane/sync-books";
import { SyncResults } from "../../addin/taskpane/sync-results";
import { testApp, type TestApp } from "../support/app";
import { withContractEndpoints } from "../support/contract-endpoints";
import { memoryOutlookStore } from "../support/memory-outlook-store";

const book = (
  id: string,
  kind: Book["kind"],
  access: Book["access"],
  name = id,
  owner: string | null = null,
  ownerName?: string,
): Book => ({ id, kind, access, name, owner, ...(ownerName ? { ownerName } : {}) }) as Book;

const render = (node: React.ReactElement) =>
  renderToString(createElement(FluentProvider, { theme: webLightTheme }, node))
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, "")
    .replace(/<!-- -->/g, "")
    .replace(/&#x27;/g, "'")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  servers.push(server);
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}
after(async () => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

describe("task pane setup, cancel and sign-in", () => {
  const kim = book("mine", "pab", "write", "Contacts", "kim");
  const bobs = book("bobs", "pab", "read", "Contacts", "bob", "Bob Berg");
  const gab = book("gab", "gab", "read", "Global Address Book");

  describe("the setup step", () => {
    it("says whose each book is and what the user may do with it", () => {
      assert.equal(describeBook(bobs, "kim"), "Contacts — Bob Berg, shared with you, read-only");
      assert.equal(describeBook(kim, "kim"), "Contacts — yours, read & write");
      assert.match(describeBook(gab, "kim"), /^Global Address Book — everyone's.*read-only$/);
    });

    it("asks only about books nobody decided on, and keeps a pair made before the setup step existed", () => {
      const settings: PaneSettings = {
        ...paneSettingsSchema.parse({}),
        pairs: {
          mine: { policy: "server-wins", folderId: "f1", folderName: "Contacts" },
          gab: { policy: "server-wins", enabled: false },
        },
      };
      assert.deepEqual(
        undecidedBooks([kim, bobs, gab], settings).map((b) => b.id),
        ["bobs"],
      );
    });

    it("suggests for each book a new folder whose name no existing folder has", () => {
      const folders = [
        { id: "f1", name: "Contacts" },
        { id: "f2", name: "Contacts (Bob Berg)" },
      ];
      const rows = initialSetup([kim, bobs, gab], [kim, bobs, gab], folders, "kim");
      assert.deepEqual(
        rows.map((r) => [r.bookId, r.enabled, r.folder]),
        [
          ["mine", true, { kind: "new", name: "Contacts (2)" }],
          ["bobs", true, { kind: "new", name: "Contacts (Bob Berg) (2)" }],
          ["gab", true, { kind: "new", name: "Global Address Book" }],
        ],
      );
    });

    it("offers in the folder picker the folders no other book uses, and saves picks by folder id", () => {
      const folders = [
        { id: "f1", name: "Contacts" },
        { id: "f2", name: "Clients" },
        { id: "f3", name: "Old GAB" },
      ];
      const settings: PaneSettings = {
        ...paneSettingsSchema.parse({}),
        pairs: { other: { policy: "server-wins", folderId: "f3", enabled: true } },
      };
      const rows = initialSetup([kim, bobs], [kim, bobs], folders, "kim");
      rows[0] = { ...rows[0]!, folder: { kind: "existing", folderId: "f2", name: "Clients" } };
      const offered = folderOptions(rows[1]!, rows, folders, settings).map((o) => o.label);
      assert.deepEqual(offered, ["New folder “Contacts (Bob Berg)”", "Contacts"]);
      rows[1] = { ...rows[1]!, enabled: false };
      assert.deepEqual(pairsFromSetup(rows, settings), {
        mine: { policy: "server-wins", enabled: true, folderId: "f2", folderName: "Clients" },
        bobs: { policy: "server-wins", enabled: false },
      });
    });

    it("offers the main Outlook Contacts folder first, named as such, and saves a pick of it by id", async () => {
      const outlook = memoryOutlookStore();
      const clients = await outlook.store.ensureFolder("Clients");
      const folders = await foldersForSetup(outlook.store);
      assert.deepEqual(folders, [
        { id: outlook.mainFolderId, name: "Contacts", main: true },
        { id: clients.id, name: "Clients" },
      ]);
      const settings = paneSettingsSchema.parse({});
      const rows = initialSetup([kim, bobs], [kim, bobs], folders, "kim");
      assert.deepEqual(
        folderOptions(rows[0]!, rows, folders, settings).map((o) => o.label),
        ["New folder “Contacts (2)”", "Contacts (your main Outlook contacts)", "Clients"],
      );
      rows[0] = { ...rows[0]!, folder: folderOptions(rows[0]!, rows, folders, settings)[1]!.pick };
      assert.deepEqual(
        folderOptions(rows[1]!, rows, folders, settings).map((o) => o.label),
        ["New folder “Contacts (Bob Berg)”", "Clients"],
        "a folder another book syncs with is not offered",
      );
      assert.deepEqual(pairsFromSetup(rows, settings).mine, {
        policy: "server-wins",
        enabled: true,
        folderId: outlook.mainFolderId,
        folderName: "Contacts",
      });
    });

    it("offers the subfolders alone when the Outlook store cannot name the main folder", async () => {
      const outlook = memoryOutlookStore();
      const clients = await outlook.store.ensureFolder("Clients");
      const store = { listFolders: outlook.store.listFolders, mainFolder: async () => undefined };
      assert.deepEqual(await foldersForSetup(store), [{ id: clients.id, name: "Clients" }]);
    });

    it("refuses to start with two books in one folder", () => {
      const rows = initialSetup([kim, bobs], [kim, bobs], [], "kim").map((r) => ({
        ...r,
        folder: { kind: "existing" as const, folderId: "f1", name: "Clients" },
      }));
      assert.match(setupProblem(rows, [kim, bobs]) ?? "", /cannot share the folder “Clients”/);
      assert.equal(setupProblem([rows[0]!, { ...rows[1]!, enabled: false }], [kim, bobs]), undefined);
    });
  });

  describe("the pane around the books", () => {
    it("starts the sign-in form at the origin the pane was served from, unless an address was saved", () => {
      assert.equal(defaultServerUrl("", "https://concord.example.com"), "https://concord.example.com");
      assert.equal(
        defaultServerUrl("https://saved.example.com", "https://concord.example.com"),
        "https://saved.example.com",
      );
      assert.equal(defaultServerUrl("", "null"), "");
    });

    it("follows Office's theme: a dark background gives the dark theme", () => {
      assert.equal(isDarkColor("#1f1f1f"), true);
      assert.equal(isDarkColor("#ffffff"), false);
      assert.equal(isDarkColor("#FFF"), false);
      assert.equal(isDarkColor(undefined), false);
      const office = { context: { officeTheme: { bodyBackgroundColor: "#262626" } } };
      assert.equal(isDarkColor(createOfficeHost(office, undefined).officeTheme()?.bodyBackgroundColor), true);
    });

    it("takes the Graph client id from the server unless the user overrides it, and says what IT must do without one", () => {
      const settings = paneSettingsSchema.parse({});
      assert.equal(effectiveClientId(settings, "server-app"), "server-app");
      assert.equal(effectiveClientId({ ...settings, graphClientId: " mine " }, "server-app"), "mine");
      const m365 = {
        ...createOfficeHost(undefined, undefined),
        nestedAppAuthSupported: () => true,
        ewsAvailable: () => false,
      };
      assert.match(
        outlookAccessProblem(settings, m365, "") ?? "",
        /IT must register Concord in Microsoft Entra ID .* set GRAPH_CLIENT_ID/,
      );
      assert.equal(outlookAccessProblem(settings, m365, "server-app"), undefined);
      const neither = { ...m365, nestedAppAuthSupported: () => false };
      assert.match(
        outlookAccessProblem(settings, neither, "server-app") ?? "",
        /neither Nested App Authentication .* nor Exchange Web Services/,
      );
    });

    it("shows on each card its folder and how its last sync ended", () => {
      assert.equal(folderText(false, { policy: "server-wins" }), "Not synced");
      assert.equal(
        folderText(true, { policy: "server-wins", folderName: "Clients", folderId: "f1" }),
        "Folder: “Clients”",
      );
      assert.equal(
        folderText(true, { policy: "server-wins", folderName: "Contacts (2)" }),
        "Folder: “Contacts (2)” (new, made on the first sync)",
      );
      assert.match(
        lastSyncText({ bookId: "b", at: "2026-01-01T10:00:00Z", error: "No such address book" }),
        /^Last sync .*: failed — No such address book$/,
      );
    });
  });

  describe("contacts and fields in words", () => {
    it("names contact fields the way Outlook's form does", () => {
      assert.equal(fieldLabel("jobTitle"), "Job title");
      assert.equal(fieldLabel("name.given"), "First name");
      assert.equal(fieldLabel("someNewField"), "Some new field");
    });

    it("shows a conflict's field in words, not its code name", () => {
      const text = render(
        createElement(SyncResults, {
          books: [kim],
          results: [
            {
              bookId: "mine",
              at: "2026-01-01T10:00:00Z",
              outcome: {
                kind: "synced",
                mode: "two-way",
                refusals: [],
                errors: [],
                reverted: [],
                matched: 0,
                counts: {
                  outlook: { created: 0, updated: 1, deleted: 0 },
                  server: { created: 0, updated: 0, deleted: 0 },
                },
                conflicts: [
                  {
                    uid: "a",
                    name: "Alice Smith",
                    field: "jobTitle",
                    outlook: "Lead",
                    server: "CTO",
                    winner: "server",
                  },
                ],
                plan: { unsynced: [] } as never,
              },
            },
          ],
        }),
      );
      assert.match(text, /Conflict in Alice Smith, Job title: Outlook had “Lead”/);
    });

    it("names in a preview who would be added, updated and deleted per side, the first 50 and then how many more", () => {
      const contact = (uid: string) => ({
        uid,
        displayName: `Person ${uid}`,
        emails: [],
        phones: [],
        addresses: [],
        urls: [],
        im: [],
        categories: [],
        extra: [],
      });
      const plan = {
        actions: [
          ...Array.from({ length: 52 }, (_, i) => ({
            uid: `n${i}`,
            row: "server-new" as const,
            outlook: "create" as const,
            contact: contact(`n${i}`),
          })),
          { uid: "e", row: "outlook-changed" as const, server: "put" as const, contact: contact("e") },
          { uid: "d", row: "outlook-deleted" as const, server: "delete" as const },
        ],
        deletions: { outlook: [], server: [{ uid: "d", name: "Dora Gone" }] },
      };
      const lines = previewLines(plan).map((l) => l.text);
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /^Outlook, added: Person n0, Person n1, .*Person n49 and 2 more$/);
      assert.deepEqual(lines.slice(1), ["Server, updated: Person e", "Server, deleted: Dora Gone"]);
    });

    it("writes a contact out as one line per filled field", () => {
      assert.equal(
        contactText({
          uid: "x",
          displayName: "Ivan Roe",
          name: { given: "Ivan", family: "Roe" },
          jobTitle: "Edited",
          emails: [{ type: "work", address: "i@x.org" }],
          phones: [],
        }),
        "Display name: Ivan Roe\nFirst name: Ivan\nLast name: Roe\nJob title: Edited\nE-mail: work, i@x.org",
      );
    });
  });

  describe("syncing against the real server", function () {
    let t: TestApp;
    before(async () => (t = await testApp()));
    after(async () => t.close());
    const apiFor = async (token: string) => {
      const http = createHttpServer(t.app);
      return createServerApi({
        baseUrl: `http://${await listen(http)}`,
        getToken: () => token,
        fetch: withContractEndpoints().fetch,
      });
    };
    const person = (uid: string, displayName: string, more: object = {}) => ({
      op: "put" as const,
      uid,
      contact: {
        uid,
        displayName,
        emails: [],
        phones: [],
        addresses: [],
        urls: [],
        im: [],
        categories: [],
        extra: [],
        ...more,
      },
    });

    it("writes nothing to Outlook for books the user has not switched on in the setup step", async () => {
      const user = await t.user("nia");
      const api = await apiFor(user.token);
      const outlook = memoryOutlookStore();
      const books = await api.listBooks();
      const run = await syncBooks({
        api,
        outlook: outlook.connection,
        deviceId: "dev-nia",
        admin: false,
        username: "nia",
        books,
        settings: paneSettingsSchema.parse({}),
      });
      assert.deepEqual(run.results, []);
      assert.equal(outlook.folders.size, 0, "no folder was made");
    });

    it("stops after the current chunk on Cancel, starts no further book, and finishes on the next sync", async () => {
      const user = await t.user("ola");
      const api = await apiFor(user.token);
      await api.applyBatch(
        user.primaryBook,
        Array.from({ length: 250 }, (_, i) => person(`c${i}`, `Person ${i}`)),
      );
      const listed = await api.listBooks();
      const books = [listed.find((b) => b.id === user.primaryBook)!, listed.find((b) => b.kind === "gab")!];
      const settings = {
        ...paneSettingsSchema.parse({}),
        pairs: Object.fromEntries(books.map((b) => [b.id, { policy: "server-wins" as const, enabled: true }])),
      };
      const outlook = memoryOutlookStore();
      let cancelled = false;
      const overall: string[] = [];
      const request = {
        api,
        outlook: outlook.connection,
        deviceId: "dev-ola",
        admin: false,
        username: "ola",
        books,
        settings,
      };
      const run = await syncBooks({
        ...request,
        shouldStop: () => cancelled,
        onProgress: (_id, progress, { index, count }) => {
          overall.push(`${index}/${count}`);
          if (progress.phase === "writing") cancelled = true;
        },
      });
      assert.equal(run.stopped, true);
      assert.deepEqual(
        run.results.map((r) => r.outcome?.kind),
        ["stopped"],
      );
      assert.equal(run.results[0]!.outcome!.counts.outlook.created, 200, "one whole chunk");
      assert.deepEqual([...new Set(overall)], ["1/2"]);
      const folderId = run.pairs[user.primaryBook]!.folderId!;
      assert.equal(outlook.namesIn(folderId).length, 200);

      const next = await syncBooks({
        ...request,
        settings: { ...settings, pairs: { ...settings.pairs, ...run.pairs } },
      });
      assert.equal(next.stopped, false);
      assert.equal(next.results[0]!.outcome?.counts.outlook.created, 50);
      assert.equal(outlook.namesIn(folderId).length, 250, "no duplicates");
    });

    it("matches the contacts a folder already holds on the first sync into it, and says how many", async () => {
      const user = await t.user("ria");
      const api = await apiFor(user.token);
      await api.applyBatch(user.primaryBook, [
        person("r-1", "Rui Same", { emails: [{ type: "work", address: "rui@example.com" }] }),
      ]);
      const outlook = memoryOutlookStore();
      const folder = await outlook.store.ensureFolder("Existing");
      outlook.userCreate(folder.id, {
        displayName: "Rui Same",
        emails: [{ type: "work", address: "rui@example.com" }],
      });
      outlook.userCreate(folder.id, { displayName: "Only Outlook" });
      const books = (await api.listBooks()).filter((b) => b.id === user.primaryBook);
      const settings = {
        ...paneSettingsSchema.parse({}),
        pairs: {
          [user.primaryBook]: {
            policy: "server-wins" as const,
            enabled: true,
            folderId: folder.id,
            folderName: "Existing",
          },
        },
      };
      const run = await syncBooks({
        api,
        outlook: outlook.connection,
        deviceId: "dev-ria",
        admin: false,
        username: "ria",
        books,
        settings,
      });
      assert.equal(run.results[0]!.outcome?.matched, 1, JSON.stringify(run.results[0]));
      assert.deepEqual(outlook.namesIn(folder.id), ["Only Outlook", "Rui Same"]);
      assert.match(
        render(createElement(SyncResults, { results: run.results, books })),
        /1 contact already in the folder matched the address book's and was not duplicated/,
      );
    });

    it("syncs a book into the main Outlook Contacts folder, matching the contacts it holds on the first sync", async () => {
      const user = await t.user("rob");
      const api = await apiFor(user.token);
      await api.applyBatch(user.primaryBook, [
        person("m-1", "Mia Main", { emails: [{ type: "work", address: "mia@example.com" }] }),
        person("m-2", "Max Main", { emails: [{ type: "work", address: "max@example.com" }] }),
      ]);
      const outlook = memoryOutlookStore();
      const main = outlook.mainFolderId;
      outlook.userCreate(main, { displayName: "Mia Main", emails: [{ type: "work", address: "mia@example.com" }] });
      outlook.userCreate(main, { displayName: "Max Main", emails: [{ type: "work", address: "max@example.com" }] });
      outlook.userCreate(main, { displayName: "Mum" });
      const books = (await api.listBooks()).filter((b) => b.id === user.primaryBook);
      const folders = await foldersForSetup(outlook.store);
      const rows = initialSetup(books, books, folders, "rob");
      rows[0] = { ...rows[0]!, folder: { kind: "existing", folderId: main, name: "Contacts" } };
      const settings = { ...paneSettingsSchema.parse({}), pairs: pairsFromSetup(rows, paneSettingsSchema.parse({})) };
      const run = await syncBooks({
        api,
        outlook: outlook.connection,
        deviceId: "dev-rob",
        admin: false,
        username: "rob",
        books,
        settings,
      });
      assert.equal(run.results[0]!.outcome?.matched, 2, JSON.stringify(run.results[0]));
      assert.deepEqual(outlook.namesIn(main), ["Max Main", "Mia Main", "Mum"], "no duplicates");
      assert.equal(outlook.folders.size, 0, "no new folder was made");
      const onServer = await api.readAllChanges(user.primaryBook);
      assert.deepEqual(
        onServer.changes
          .filter((c) => !c.deleted)
          .map((c) => c.contact?.displayName)
          .sort(),
        ["Max Main", "Mia Main", "Mum"],
      );
      assert.match(
        render(createElement(SyncResults, { results: run.results, books })),
        /2 contacts already in the folder matched the address book's and were not duplicated/,
      );
    });

    it("reports the Outlook edits a read-only book put back, with the user's text", async () => {
      const admin = await t.user("pam", { admin: true });
      const user = await t.user("quin");
      await (await apiFor(admin.token)).applyBatch("gab", [person("g-ivan", "Ivan Roe", { jobTitle: "CFO" })]);
      const api = await apiFor(user.token);
      const books = (await api.listBooks()).filter((b) => b.kind === "gab");
      const settings = {
        ...paneSettingsSchema.parse({}),
        pairs: { gab: { policy: "server-wins" as const, enabled: true } },
      };
      const outlook = memoryOutlookStore();
      const request = {
        api,
        outlook: outlook.connection,
        deviceId: "dev-quin",
        admin: false,
        username: "quin",
        books,
        settings,
      };
      const first = await syncBooks(request);
      const folderId = first.pairs.gab!.folderId!;
      const [item] = outlook.contactsIn(folderId);
      outlook.userEdit(item!.id, { jobTitle: "My own note" });

      const second = await syncBooks({ ...request, settings: { ...settings, pairs: first.pairs } });
      const reverted = second.results[0]!.outcome!.reverted;
      assert.deepEqual(
        reverted.map((r) => r.name),
        ["Ivan Roe"],
      );
      assert.equal(reverted[0]!.contact.jobTitle, "My own note");
      assert.equal(outlook.contactsIn(folderId)[0]!.wire.jobTitle, "CFO");
      const text = render(createElement(SyncResults, { results: second.results, books }));
      assert.match(
        text,
        /1 contact was changed in Outlook, but this address book is read-only, so the server's version was put back: Ivan Roe/,
      );
      assert.match(text, /Job title: My own note/);
    });
  });

  describe("sign-in errors", () => {
    const login = (url: string) =>
      createServerApi({ baseUrl: url })
        .login("kim", "pw")
        .then(
          () => assert.fail("signed in"),
          (e) => signInError(e, url),
        );

    it("asks for https:// when the address has no scheme, or plain http to a remote server", () => {
      assert.deepEqual(checkServerUrl("concord.example.com"), {
        problem: "Start the server address with https:// (for example https://concord.example.com).",
      });
      assert.match((checkServerUrl("http://concord.example.com") as { problem: string }).problem, /Use https:\/\//);
      assert.deepEqual(checkServerUrl(" https://concord.example.com/ "), { url: "https://concord.example.com" });
      assert.deepEqual(checkServerUrl("http://127.0.0.1:3000"), { url: "http://127.0.0.1:3000" });
    });

    it("says the connection was refused when nothing listens on the port", async () => {
      const probe = createHttpServer();
      const host = await listen(probe);
      await new Promise((resolve) => probe.close(resolve));
      assert.equal(
        await login(`http://${host}`),
        `${host} refused the connection. Check the port in the address and that the Concord server is running.`,
      );
    });

    it("says the name was not found when DNS does not know the host", async () => {
      assert.match(
        await login("https://concord.invalid"),
        /^The name concord.invalid was not found \(DNS\)|^Cannot reach concord.invalid/,
      );
    });

    it("says the certificate is not trusted for a self-signed server", async () => {
      const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], { keySize: 2048 });
      const host = await listen(
        createHttpsServer({ cert: pems.cert, key: pems.private }, (_req, res) => res.end("{}")) as unknown as Server,
      );
      assert.match(
        await login(`https://${host}`),
        /^This computer does not trust the certificate of 127\.0\.0\.1:\d+\. Ask IT/,
      );
    });

    it("tells a server error and a lockout apart, and says how long to wait", async () => {
      const host = await listen(
        createHttpServer((req, res) => {
          const locked = req.headers["x-case"] === "locked";
          res.writeHead(locked ? 429 : 500, {
            "content-type": "application/json",
            ...(locked ? { "retry-after": "120" } : {}),
          });
          res.end(JSON.stringify({ error: { code: locked ? "too-many-attempts" : "internal", message: "x" } }));
        }),
      );
      assert.match(
        await login(`http://${host}`),
        /^The Concord server at 127\.0\.0\.1:\d+ had an error \(500\)\. Try again later/,
      );
      const locked = (input: RequestInfo | URL, init?: RequestInit) =>
        fetch(input, { ...init, headers: { ...init?.headers, "x-case": "locked" } });
      const message = await createServerApi({ baseUrl: `http://${host}`, fetch: locked })
        .login("kim", "pw")
        .catch((e) => signInError(e, `http://${host}`));
      assert.equal(message, "Too many failed sign-ins. Wait 2 minutes, then try again.");
    });

    it("accepts a user name in any case", () => {
      assert.equal(normalUsername("  Kim "), "kim");
    });
  });
});
