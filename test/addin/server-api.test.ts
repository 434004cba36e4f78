// The add-in's server client against the real server app over real HTTP.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createServerApi,
  maxBatchOps,
  maxLookupUids,
  ServerApiError,
  sessionEndedMessage,
  type Change,
  type ServerApi,
} from "../../addin/server-api";
import type { ServerOp } from "../../core/sync/sync-types";
import { testApp, type TestApp } from "../support/app";

describe("server API client against the real server", function () {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;

  before(async () => {
    t = await testApp();
    server = await new Promise<Server>((resolve) => {
      const listening = t.app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  async function signedIn(
    username: string,
    opts: { admin?: boolean } = {},
  ): Promise<{ api: ServerApi; primaryBook: string }> {
    const user = await t.user(username, opts);
    let token: string | undefined;
    const api = createServerApi({ baseUrl, getToken: () => token, fetch: globalThis.fetch });
    token = (await api.login(user.username, user.password)).token;
    return { api, primaryBook: user.primaryBook };
  }

  const put = (uid: string, displayName: string): ServerOp => ({
    op: "put",
    uid,
    contact: { uid, displayName, emails: [], phones: [], addresses: [], urls: [], im: [], categories: [], extra: [] },
  });

  it("logs in and reports when the token expires", async () => {
    const user = await t.user("ann");
    const api = createServerApi({ baseUrl });
    const result = await api.login("ann", user.password);
    assert.ok(result.token.length > 20);
    assert.ok(Date.parse(result.expiresAt) > Date.now());
    assert.equal(result.user.username, "ann");
  });

  it("says the password is wrong in plain words", async () => {
    await t.user("bob");
    const api = createServerApi({ baseUrl });
    await assert.rejects(
      api.login("bob", "not-the-password"),
      (e: unknown) =>
        e instanceof ServerApiError && e.kind === "invalid-credentials" && e.message === "Wrong username or password",
    );
  });

  it("lists the GAB, the Local Directory and the user's own book with their access", async () => {
    const { api, primaryBook } = await signedIn("carol");
    const books = await api.listBooks();
    const access = Object.fromEntries(books.map((b) => [b.id, `${b.kind}:${b.access}`]));
    assert.equal(access.gab, "gab:read");
    assert.equal(access.directory, "directory:read");
    assert.equal(access[primaryBook], "pab:write");
  });

  it("tells an unsigned or expired session to sign in again", async () => {
    const api = createServerApi({ baseUrl, getToken: () => "not-a-token" });
    await assert.rejects(
      api.listBooks(),
      (e: unknown) =>
        e instanceof ServerApiError &&
        e.kind === "session-expired" &&
        e.message === "Your session expired; sign in again",
    );
  });

  describe("device sessions", () => {
    /** A client that keeps its pair as the pane does, counting refreshes. */
    async function device(username: string) {
      const user = await t.user(username);
      const kept: { token?: string; refreshToken?: string; refreshes: number } = { refreshes: 0 };
      const api = createServerApi({
        baseUrl,
        getToken: () => kept.token,
        getRefreshToken: () => kept.refreshToken,
        onRefreshed: (next) => {
          Object.assign(kept, { token: next.token, refreshToken: next.refreshToken });
          kept.refreshes++;
        },
      });
      const result = await api.login(username, user.password, "test laptop");
      Object.assign(kept, { token: result.token, refreshToken: result.refreshToken });
      return { api, kept, user };
    }
    const accessLifetime = () => t.deps.config.tokenTtlSeconds * 1000 + 60_000;

    it("refreshes an expired access token once, sends the call again and keeps the new pair", async () => {
      const { api, kept } = await device("rita");
      const first = kept.refreshToken;
      t.advance(accessLifetime());
      assert.ok((await api.listBooks()).length > 0);
      assert.equal(kept.refreshes, 1);
      assert.notEqual(kept.refreshToken, first);
      assert.ok((await api.listBooks()).length > 0);
      assert.equal(kept.refreshes, 1, "the refreshed token is used from then on");
    });

    it("refreshes once for calls that find the token expired at the same time, so the session survives", async () => {
      const { api, kept } = await device("sam");
      t.advance(accessLifetime());
      await Promise.all([api.listBooks(), api.listBooks(), api.listBooks()]);
      assert.equal(kept.refreshes, 1);
      t.advance(accessLifetime());
      assert.ok((await api.listBooks()).length > 0, "the session was not ended as a reused refresh token");
    });

    it("lets a second client holding a spent refresh token carry on with its successor", async () => {
      const { api, kept } = await device("tess");
      const stale = createServerApi({ baseUrl, getToken: () => "expired", getRefreshToken: () => kept.refreshToken });
      const spent = kept.refreshToken;
      t.advance(accessLifetime());
      await api.listBooks();
      const stuck = createServerApi({ baseUrl, getToken: () => "expired", getRefreshToken: () => spent });
      assert.ok((await stuck.listBooks()).length > 0);
      assert.ok((await stale.listBooks()).length > 0);
      assert.ok((await api.listBooks()).length > 0);
    });

    it("asks to sign in again when the session was ended by a password change", async () => {
      const { api, user } = await device("uma");
      await t.deps.accounts.updateUser(user.username, { password: "a-brand-new-password" });
      await assert.rejects(
        api.listBooks(),
        (e: unknown) =>
          e instanceof ServerApiError &&
          e.kind === "session-expired" &&
          e.message === sessionEndedMessage &&
          /password changed/.test(e.message),
      );
    });

    it("signs the device out on the server", async () => {
      const { api, kept } = await device("vic");
      await api.logout();
      await assert.rejects(
        api.listBooks(),
        (e: unknown) => e instanceof ServerApiError && e.kind === "session-expired",
      );
      const res = await fetch(`${baseUrl}/api/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refreshToken: kept.refreshToken }),
      });
      assert.equal(res.status, 401);
    });
  });

  it("names the server it cannot reach", async () => {
    const api = createServerApi({ baseUrl: "http://127.0.0.1:1" });
    await assert.rejects(
      api.listBooks(),
      (e: unknown) =>
        e instanceof ServerApiError &&
        e.kind === "unreachable" &&
        e.message === "Cannot reach the Concord server at http://127.0.0.1:1",
    );
  });

  it("reports a write to a read-only book as read-only, with the server's reason", async () => {
    const { api } = await signedIn("dave");
    await assert.rejects(
      api.applyBatch("gab", [put("x1", "X")]),
      (e: unknown) =>
        e instanceof ServerApiError && e.kind === "read-only" && /Global Address Book is read-only/.test(e.message),
    );
  });

  it("splits a batch above the server's limit and returns one result per op, in order", async () => {
    const { api, primaryBook } = await signedIn("erin");
    const ops = Array.from({ length: maxBatchOps + 5 }, (_, i) => put(`c${i}`, `Contact ${i}`));
    const results = await api.applyBatch(primaryBook, ops);
    assert.equal(results.length, ops.length);
    assert.deepEqual(
      results.map((r) => r.uid),
      ops.map((o) => o.uid),
    );
    assert.ok(results.every((r) => r.status === "created" && r.etag));
  });

  it("follows `more` through the change feed and continues from the returned token", async () => {
    const { api, primaryBook } = await signedIn("fay");
    await api.applyBatch(
      primaryBook,
      Array.from({ length: 1500 }, (_, i) => put(`p${i}`, `P ${i}`)),
    );
    const first = await api.readAllChanges(primaryBook);
    assert.equal(first.full, true);
    assert.equal(new Set(first.changes.map((c) => c.uid)).size, 1500);
    assert.equal(first.changes[0].contact?.displayName, "P 0");

    await api.applyBatch(primaryBook, [{ op: "delete", uid: "p3" }, put("p4", "P four")]);
    const next = await api.readAllChanges(primaryBook, first.token);
    assert.equal(next.full, false);
    assert.deepEqual(next.changes.map((c) => [c.uid, c.deleted]).sort(), [
      ["p3", true],
      ["p4", false],
    ]);
  });

  it("reads the whole book again when the server no longer knows the token", async () => {
    const { api, primaryBook } = await signedIn("gus");
    await api.applyBatch(primaryBook, [put("g1", "G1")]);
    const feed = await api.readAllChanges(primaryBook, "a-token-the-server-never-issued");
    assert.equal(feed.full, true);
    assert.deepEqual(
      feed.changes.map((c) => c.uid),
      ["g1"],
    );
  });

  it("saves sync state with If-None-Match first, then If-Match, and refuses a stale etag", async () => {
    const { api } = await signedIn("hal");
    assert.equal(await api.getSyncState("dev1", "pair1"), undefined);
    const etag1 = await api.putSyncState("dev1", "pair1", JSON.stringify({ n: 1 }));
    await assert.rejects(
      api.putSyncState("dev1", "pair1", JSON.stringify({ n: 9 })),
      (e: unknown) => e instanceof ServerApiError && e.kind === "conflict",
    );
    const etag2 = await api.putSyncState("dev1", "pair1", JSON.stringify({ n: 2 }), etag1);
    assert.notEqual(etag2, etag1);
    await assert.rejects(
      api.putSyncState("dev1", "pair1", JSON.stringify({ n: 3 }), etag1),
      (e: unknown) => e instanceof ServerApiError && e.kind === "conflict",
    );
    assert.deepEqual(await api.getSyncState("dev1", "pair1"), { json: { n: 2 }, etag: etag2 });
  });
});

// The contract's new endpoints (CONTRACTS.md) and page edge cases, against a scripted fetch.
describe("server API client: lookup, pair claims, the last change per uid", () => {
  type Call = { method: string; url: string; body?: unknown };
  const scripted = (answer: (call: Call) => Response) => {
    const calls: Call[] = [];
    const fetch: typeof globalThis.fetch = async (input, init = {}) => {
      const call = {
        method: init.method ?? "GET",
        url: String(input),
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      };
      calls.push(call);
      return answer(call);
    };
    return { calls, api: createServerApi({ baseUrl: "http://concord.test", getToken: () => "jwt", fetch }) };
  };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const live = (uid: string, name: string): Change => ({
    uid,
    etag: `e-${name}`,
    deleted: false,
    contact: {
      uid,
      displayName: name,
      emails: [],
      phones: [],
      addresses: [],
      urls: [],
      im: [],
      categories: [],
      extra: [],
    },
  });
  const tombstone = (uid: string): Change => ({ uid, etag: `e-dead-${uid}`, deleted: true });

  it("keeps the last change of a uid across pages: a later tombstone replaces a live copy, a later live copy a tombstone", async () => {
    const pages = [
      { changes: [live("a", "A one"), tombstone("b"), live("c", "C")], token: "t1", more: true },
      { changes: [tombstone("a"), live("b", "B again")], token: "t2", more: false },
    ];
    const { api } = scripted(() => json(200, pages.shift()));
    const feed = await api.readAllChanges("book");
    const byUid = Object.fromEntries(feed.changes.map((c) => [c.uid, c.deleted ? "deleted" : c.contact!.displayName]));
    assert.deepEqual(byUid, { a: "deleted", b: "B again", c: "C" });
    assert.equal(feed.changes.length, 3);
    assert.equal(feed.token, "t2");
  });

  it("looks uids up in batches the server accepts and returns live contacts and tombstones", async () => {
    const { api, calls } = scripted((call) =>
      json(200, {
        results: (call.body as { uids: string[] }).uids
          .filter((u) => u !== "unknown")
          .map((u) => (u === "dead" ? tombstone(u) : live(u, u))),
      }),
    );
    const uids = [...Array.from({ length: maxLookupUids + 1 }, (_, i) => `u${i}`), "dead", "unknown"];
    const results = await api.lookup("pab 1", uids);
    assert.deepEqual(
      calls.map((c) => [c.method, c.url, (c.body as { uids: string[] }).uids.length]),
      [
        ["POST", "http://concord.test/api/books/pab%201/lookup", maxLookupUids],
        ["POST", "http://concord.test/api/books/pab%201/lookup", 3],
      ],
    );
    assert.equal(results.length, maxLookupUids + 2);
    assert.equal(results.find((r) => r.uid === "dead")?.deleted, true);
  });

  it("claims and releases a pair, and reports another holder's claim as pair-busy in plain words", async () => {
    const { api, calls } = scripted((call) =>
      call.method === "DELETE"
        ? new Response(null, { status: 204 })
        : (call.body as { holder: string }).holder === "me"
          ? json(200, { holder: "me", until: "2030-01-01T00:00:00.000Z" })
          : json(409, { error: { code: "pair-busy", message: "held" } }),
    );
    assert.deepEqual(await api.claimPair("dev", "pair.1", "me", 120), {
      holder: "me",
      until: "2030-01-01T00:00:00.000Z",
    });
    await assert.rejects(
      api.claimPair("dev", "pair.1", "other", 120),
      (e: unknown) =>
        e instanceof ServerApiError &&
        e.kind === "pair-busy" &&
        /^Another Outlook is syncing this address book right now/.test(e.message),
    );
    await api.releasePair("dev", "pair.1", "me");
    assert.deepEqual(
      calls.map((c) => [c.method, c.url, c.body]),
      [
        ["POST", "http://concord.test/api/sync-state/dev/pair.1/claim", { holder: "me", seconds: 120 }],
        ["POST", "http://concord.test/api/sync-state/dev/pair.1/claim", { holder: "other", seconds: 120 }],
        ["DELETE", "http://concord.test/api/sync-state/dev/pair.1/claim?holder=me", undefined],
      ],
    );
  });
});
