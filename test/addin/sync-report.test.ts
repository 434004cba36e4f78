// After each book it syncs, the pane tells the server how the sync ended (result and counts), so
// administrators see sync activity per user and device; a report that cannot be sent fails nothing.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServerApi } from "../../addin/server-api";
import { contactSchema } from "../../core/contact/contact";
import { paneSettingsSchema } from "../../addin/taskpane/pane-settings";
import { syncBooks } from "../../addin/taskpane/sync-books";
import { testApp, type TestApp } from "../support/app";
import { withContractEndpoints } from "../support/contract-endpoints";
import { memoryOutlookStore } from "../support/memory-outlook-store";

describe("sync reports from the task pane", () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  before(async () => {
    t = await testApp();
    server = createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  async function setUp(username: string) {
    const user = await t.user(username);
    const api = createServerApi({ baseUrl, getToken: () => user.token, fetch: withContractEndpoints().fetch });
    const people = ["Ann", "Ben", "Cy"].map((name) =>
      contactSchema.parse({ uid: `${username}-${name}`, displayName: name }),
    );
    await api.applyBatch(
      user.primaryBook,
      people.map((contact) => ({ op: "put" as const, uid: contact.uid, contact })),
    );
    const book = (await api.listBooks()).find((b) => b.id === user.primaryBook)!;
    const settings = {
      ...paneSettingsSchema.parse({}),
      pairs: { [book.id]: { policy: "server-wins" as const, enabled: true } },
    };
    const outlook = memoryOutlookStore();
    const request = { api, outlook: outlook.connection, deviceId: `dev-${username}`, admin: false, username, settings };
    return { user, api, book, outlook, request };
  }
  const activityOf = async (username: string) => t.deps.activity.syncActivity(username);

  it("reports a finished sync with its counts, under the device and the book's pair", async () => {
    const { book, request } = await setUp("rhea");
    const run = await syncBooks({ ...request, books: [book] });
    assert.equal(run.results[0]!.outcome?.kind, "synced");
    const [report, ...more] = await activityOf("rhea");
    assert.equal(more.length, 0);
    assert.deepEqual(
      [report!.device, report!.book, report!.result, report!.counts.outlook.created, report!.counts.errors],
      ["dev-rhea", book.id, "synced", 3, 0],
    );
    assert.match(report!.pair, new RegExp(`^${book.id}\\.`));
  });

  it("reports a failed sync with the reason, keeping the last good sync's time", async () => {
    const { book, request, outlook } = await setUp("sol");
    const first = await syncBooks({ ...request, books: [book] });
    const settings = { ...request.settings, pairs: { ...request.settings.pairs, ...first.pairs } };
    const store = {
      ...outlook.connection.store,
      readFolder: () => Promise.reject(new Error("Outlook is not answering")),
    };
    const run = await syncBooks({
      ...request,
      settings,
      outlook: { ...outlook.connection, store },
      books: [book],
    });
    assert.ok(run.results[0]!.error);
    const [report] = await activityOf("sol");
    assert.equal(report!.result, "failed");
    assert.match(report!.message ?? "", /Outlook is not answering/);
    assert.ok(report!.lastSyncedAt && report!.lastSyncedAt < report!.finishedAt);
  });

  it("sends no report for a dry run, and syncs on when the report cannot be sent", async () => {
    const { book, request, api } = await setUp("tam");
    await syncBooks({ ...request, books: [book], dryRun: true });
    assert.deepEqual(await activityOf("tam"), []);
    const refusing = { ...api, reportSync: () => Promise.reject(new Error("404")) };
    const run = await syncBooks({ ...request, api: refusing, books: [book] });
    assert.equal(run.results[0]!.outcome?.kind, "synced");
  });
});
