// The rest of the store's contract (books, the access policy over them, accounts, sync states,
// pair claims, photos), held alike by the database store and the memory store.
import assert from "node:assert/strict";
import { createAccessPolicy } from "../server/access/policy";
import { type ImportJob, MAX_SYNC_REPORTS, type Store } from "../server/store/contract";
import { StoreError, type StoreErrorKind } from "../server/store/errors";
import { DEFAULT_QUOTAS, type QuotaLimits } from "../server/store/quotas";
import { person } from "./store-contract";

/** The limits both fixtures build their store with: small enough for the quota cases to reach. */
export const SERVICES_QUOTAS: QuotaLimits = { ...DEFAULT_QUOTAS, contacts: 4, photoBytes: 100 };

export type ServicesFixture = { store: Store; advance(ms: number): void; close(): Promise<void> };

const kind = (k: StoreErrorKind) => (e: unknown) => e instanceof StoreError && e.kind === k;
let n = 0;
const fresh = (prefix: string) => `${prefix}${++n}x${Math.random().toString(36).slice(2, 6)}`;

export function storeServicesContract(name: string, makeFixture: () => Promise<ServicesFixture>) {
  describe(`store services contract: ${name}`, function () {
    let f: ServicesFixture;
    before(async () => {
      f = await makeFixture();
    });
    after(async () => f.close());
    const user = (username = fresh("u"), more: { admin?: boolean } = {}) =>
      f.store.accounts.createUser({ username, password: "password-123", displayName: username.toUpperCase(), ...more });

    describe("books and the access policy", () => {
      it("creates a user's first PAB, owned by them, with an empty change log", async () => {
        const u = await user();
        assert.deepEqual(await f.store.books.getBook(u.primaryBook), {
          id: u.primaryBook,
          kind: "pab",
          name: "Contacts",
          owner: u.username,
        });
        assert.deepEqual((await f.store.contacts.changesSince(u.primaryBook, undefined, 10)).changes, []);
        assert.deepEqual(
          (await f.store.books.pabs(u.username)).map((b) => b.id),
          [u.primaryBook],
        );
      });

      it("lists for a user their own books, books shared with them, the GAB and the Directory, each with owner names", async () => {
        const [alice, bob] = [await user(), await user()];
        await f.store.books.putShare({ book: alice.primaryBook, username: bob.username, access: "read" });
        const policy = createAccessPolicy(f.store.books, f.store.accounts);
        const rows = (await policy.listBooks({ _id: bob.username })).map((b) => [b.id, b.owner, b.ownerName, b.access]);
        assert.deepEqual(rows.slice(0, 2), [
          ["gab", null, null, "read"],
          ["directory", null, null, "read"],
        ]);
        const pabs = [
          [alice.primaryBook, alice.username, alice.displayName, "read"],
          [bob.primaryBook, bob.username, bob.displayName, "write"],
        ];
        const byId = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
        assert.deepEqual(rows.slice(2).sort(byId), pabs.sort(byId));
      });

      it("hides a book shared with no one from others, and answers a read share's writes read-only", async () => {
        const [alice, bob, carol] = [await user(), await user(), await user()];
        await f.store.books.putShare({ book: alice.primaryBook, username: bob.username, access: "read" });
        const policy = createAccessPolicy(f.store.books, f.store.accounts);
        await assert.rejects(policy.visibleBook({ _id: carol.username }, alice.primaryBook), kind("not-found"));
        assert.equal((await policy.visibleBook({ _id: bob.username }, alice.primaryBook)).access, "read");
        await assert.rejects(policy.writableBook({ _id: bob.username }, alice.primaryBook), kind("read-only"));
        await assert.rejects(policy.shareableBook({ _id: bob.username }, alice.primaryBook), kind("forbidden"));
        assert.equal(
          (await policy.writableBook({ _id: carol.username, admin: true }, alice.primaryBook)).access,
          "write",
        );
      });

      it("keeps shares per book and user, refuses one for an unknown user or the owner, and ends them", async () => {
        const [alice, bob] = [await user(), await user()];
        const share = { book: alice.primaryBook, username: bob.username, access: "write" as const };
        assert.deepEqual(await f.store.books.putShare(share), share);
        assert.deepEqual(await f.store.books.shareOf(alice.primaryBook, bob.username), share);
        assert.deepEqual(await f.store.books.sharesOfBook(alice.primaryBook), [share]);
        assert.deepEqual(await f.store.books.sharesForUser(bob.username), [share]);
        await assert.rejects(f.store.books.putShare({ ...share, username: fresh("nobody") }), kind("not-found"));
        await assert.rejects(f.store.books.putShare({ ...share, username: alice.username }), kind("forbidden"));
        await f.store.books.deleteShare(alice.primaryBook, bob.username);
        assert.equal(await f.store.books.shareOf(alice.primaryBook, bob.username), null);
      });
    });

    describe("accounts", () => {
      const directoryEntry = async (uid: string) =>
        (await f.store.contacts.getContact("directory", uid))?.contact.displayName;

      it("lists a new user in the Local Directory and takes them out when disabled", async () => {
        const u = await user();
        assert.equal(await directoryEntry(`user-${u.username}`), u.displayName);
        await f.store.accounts.updateUser(u.username, { disabled: true });
        assert.equal(await directoryEntry(`user-${u.username}`), undefined);
        assert.equal((await f.store.accounts.findUser(u.username)).disabled, true);
      });

      it("refuses a second user of the same name with conflict, and answers an unknown one not-found", async () => {
        const u = await user();
        await assert.rejects(user(u.username), kind("conflict"));
        await assert.rejects(f.store.accounts.findUser(fresh("nobody")), kind("not-found"));
      });

      it("gives sign-in the password hash, and never lists it", async () => {
        const u = await user();
        const session = await f.store.accounts.sessionUser(u.username);
        assert.ok(session?.passwordHash.startsWith("$2"));
        assert.ok(!("passwordHash" in (await f.store.accounts.findUser(u.username))));
        assert.equal(await f.store.accounts.sessionUser(fresh("nobody")), null);
      });

      it("finds the user a sign-in names by user name in any case, or by an e-mail address only they have", async () => {
        const name = fresh("signin");
        const u = await f.store.accounts.createUser({
          username: name,
          password: "password-123",
          email: `${name}@Example.com`,
        });
        const found = async (typed: string) => (await f.store.accounts.signInUser(typed))?.username ?? null;
        assert.equal(await found(name.toUpperCase()), u.username);
        assert.equal(await found(` ${name} `), u.username);
        assert.equal(await found(`${name.toUpperCase()}@EXAMPLE.COM`), u.username);
        assert.equal(await found(`${fresh("nobody")}@example.com`), null);
        assert.equal(await found(fresh("nobody")), null);
        assert.equal(await found("a.b*c@example.com"), null, "the address is matched as text, not a pattern");
      });

      it("finds no user by an e-mail address two users share, nor by one a user gave up", async () => {
        const shared = `${fresh("team")}@example.com`;
        const a = await f.store.accounts.createUser({ username: fresh("a"), password: "password-123", email: shared });
        assert.equal((await f.store.accounts.signInUser(shared))?.username, a.username);
        await f.store.accounts.createUser({
          username: fresh("b"),
          password: "password-123",
          email: shared.toUpperCase(),
        });
        assert.equal(await f.store.accounts.signInUser(shared), null);
        await f.store.accounts.updateUser(a.username, { email: "" });
        assert.notEqual((await f.store.accounts.signInUser(shared))?.username, a.username);
        assert.ok(await f.store.accounts.signInUser(shared), "the address now names the other user alone");
      });

      it("publishes a mailing list in the Directory, and takes it out when deleted", async () => {
        const address = `${fresh("list")}@example.com`;
        await f.store.accounts.createList({ address, name: "Team", members: [], visibleInDirectory: true });
        assert.equal(await directoryEntry(`list-${address}`), "Team");
        assert.equal((await f.store.accounts.updateList(address, { name: "Crew" })).name, "Crew");
        await f.store.accounts.deleteList(address);
        assert.equal(await directoryEntry(`list-${address}`), undefined);
        await assert.rejects(f.store.accounts.findList(address), kind("not-found"));
      });
    });

    describe("sync states and pair claims", () => {
      it("replaces a sync state only over the version read, and refuses a second first write", async () => {
        const who = fresh("u");
        const first = await f.store.syncStates.put(who, "dev", "pair", '{"n":1}', { ifNoneMatch: true });
        await assert.rejects(
          f.store.syncStates.put(who, "dev", "pair", '{"n":9}', { ifNoneMatch: true }),
          kind("precondition-failed"),
        );
        const second = await f.store.syncStates.put(who, "dev", "pair", '{"n":2}', { ifMatch: first.etag });
        await assert.rejects(
          f.store.syncStates.put(who, "dev", "pair", '{"n":3}', { ifMatch: first.etag }),
          kind("precondition-failed"),
        );
        assert.deepEqual(await f.store.syncStates.get(who, "dev", "pair"), { json: '{"n":2}', etag: second.etag });
        assert.equal(await f.store.syncStates.get(who, "dev", "other"), null);
      });

      it("lets one holder claim a pair, refuses others until it expires, and releases only for the holder", async () => {
        const who = fresh("u");
        await f.store.pairClaims.claim(who, "dev", "p", "h1", 60);
        await assert.rejects(
          f.store.pairClaims.claim(who, "dev", "p", "h2", 60),
          (e) => kind("conflict")(e) && (e as StoreError).details?.claim === "pair",
        );
        await f.store.pairClaims.release(who, "dev", "p", "h2");
        await assert.rejects(f.store.pairClaims.claim(who, "dev", "p", "h2", 60), kind("conflict"));
        f.advance(61_000);
        assert.equal((await f.store.pairClaims.claim(who, "dev", "p", "h2", 60)).holder, "h2");
        await f.store.pairClaims.release(who, "dev", "p", "h2");
        assert.equal((await f.store.pairClaims.claim(who, "dev", "p", "h3", 60)).holder, "h3");
      });
    });

    describe("activity for the admin console", () => {
      const counts = {
        outlook: { created: 1, updated: 0, deleted: 0 },
        server: { created: 0, updated: 2, deleted: 0 },
      };
      const report = (finishedAt: string, result: "synced" | "failed" = "synced", pair = "p1") => ({
        device: "dev-1",
        pair,
        book: "gab",
        finishedAt,
        result,
        counts: { ...counts, conflicts: 0, errors: result === "failed" ? 1 : 0 },
        ...(result === "failed" ? { message: "The server could not be reached" } : {}),
      });

      it("keeps each device and pair's newest sync report, with the last sync that did not fail", async () => {
        const who = fresh("u");
        await f.store.activity.reportSync(who, report("2026-01-02T10:00:00.000Z"));
        await f.store.activity.reportSync(who, report("2026-01-02T11:00:00.000Z", "failed"));
        await f.store.activity.reportSync(who, report("2026-01-02T09:00:00.000Z")); // a late retry: ignored
        await f.store.activity.reportSync(who, report("2026-01-02T08:00:00.000Z", "synced", "p2"));
        const mine = await f.store.activity.syncActivity(who);
        assert.deepEqual(
          mine.map((r) => [r.user, r.pair, r.result, r.finishedAt, r.lastSyncedAt, r.message]),
          [
            [
              who,
              "p1",
              "failed",
              "2026-01-02T11:00:00.000Z",
              "2026-01-02T10:00:00.000Z",
              "The server could not be reached",
            ],
            [who, "p2", "synced", "2026-01-02T08:00:00.000Z", "2026-01-02T08:00:00.000Z", undefined],
          ],
        );
        assert.deepEqual(mine[0]!.counts, { ...counts, conflicts: 0, errors: 1 });
        const everyone = await f.store.activity.syncActivity();
        assert.equal(everyone.filter((r) => r.user === who).length, 2);
        assert.deepEqual(await f.store.activity.syncActivity(fresh("nobody")), []);
      });

      it("refuses a sync report of a new device and pair past MAX_SYNC_REPORTS, and still takes known ones", async () => {
        const who = fresh("u");
        for (let i = 0; i < MAX_SYNC_REPORTS; i++)
          await f.store.activity.reportSync(who, report("2026-01-02T10:00:00.000Z", "synced", `p${i}`));
        await assert.rejects(
          f.store.activity.reportSync(who, report("2026-01-02T10:00:00.000Z", "synced", "one-more")),
          kind("quota-exceeded"),
        );
        await f.store.activity.reportSync(who, report("2026-01-02T12:00:00.000Z", "synced", "p0"));
      });

      it("forgets a deleted user's sync reports, so a new user of that name starts with none", async () => {
        const [gone, stays] = [await user(), await user()];
        await f.store.activity.reportSync(gone.username, report("2026-01-02T10:00:00.000Z"));
        await f.store.activity.reportSync(stays.username, report("2026-01-02T10:00:00.000Z"));
        await f.store.accounts.deleteUser(gone.username);
        assert.deepEqual(await f.store.activity.syncActivity(gone.username), []);
        assert.equal((await f.store.activity.syncActivity(stays.username)).length, 1);
        await user(gone.username);
        assert.deepEqual(await f.store.activity.syncActivity(gone.username), []);
      });

      it("keeps each maintenance job's last run", async () => {
        const job = fresh("job");
        const run = { job, startedAt: "2026-01-02T10:00:00.000Z", finishedAt: "2026-01-02T10:00:05.000Z" };
        await f.store.activity.recordJobRun({ ...run, result: "ok" });
        await f.store.activity.recordJobRun({ ...run, result: "failed", message: "disk full" });
        const mine = (await f.store.activity.jobRuns()).filter((r) => r.job === job);
        assert.deepEqual(mine, [{ ...run, result: "failed", message: "disk full" }]);
      });

      it("counts each book's live contacts and tombstones", async () => {
        const owner = await user();
        const put = (uid: string) => ({ op: "put" as const, uid, contact: person(uid, uid.toUpperCase()) });
        await f.store.contacts.applyWrites(owner.primaryBook, [put("a"), put("b"), put("c")]);
        await f.store.contacts.applyWrites(owner.primaryBook, [{ op: "delete", uid: "c" }]);
        const size = (await f.store.activity.bookSizes()).find((s) => s.book === owner.primaryBook);
        assert.deepEqual(size, { book: owner.primaryBook, contacts: 2, tombstones: 1 });
      });
    });

    describe("quotas on contacts, photo bytes and sync states", () => {
      const statuses = (rs: { status: string }[]) => rs.map((r) => r.status);
      const withPhoto = (uid: string, fill: string, bytes: number) =>
        f.store.photos.takeInline(
          person(uid, uid, { photo: { mediaType: "image/png", data: Buffer.alloc(bytes, fill).toString("base64") } }),
        );

      it("refuses each put past its PAB owner's contact limit with the numbers, and applies the other ops", async () => {
        const owner = await user();
        const { id } = await f.store.books.createPab(fresh("Second"), owner.username);
        const puts = (book: string, uids: string[]) =>
          f.store.contacts.applyWrites(
            book,
            uids.map((uid) => ({ op: "put" as const, uid, contact: person(uid, uid) })),
          );
        assert.deepEqual(statuses(await puts(owner.primaryBook, ["a", "b", "c"])), ["created", "created", "created"]);
        const results = await puts(id, ["d", "e", "f"]);
        assert.deepEqual(statuses(results), ["created", "error", "error"]);
        assert.equal(results[1].kind, "quota-exceeded");
        assert.deepEqual(results[1].details, { quota: "contacts", used: 4, limit: 4 });
        assert.match(results[1].error!, /hold 4 contacts; the limit is 4/);
        assert.equal(await f.store.contacts.getContact(id, "e"), null, "a refused op writes nothing");
        assert.deepEqual(await f.store.quotas.contactUsage(owner.username), { contacts: 4, photoBytes: 0 });
        const mixed = await f.store.contacts.applyWrites(owner.primaryBook, [
          { op: "put", uid: "a", contact: person("a", "A changed") },
          { op: "delete", uid: "b" },
          { op: "put", uid: "g", contact: person("g", "g") },
          { op: "put", uid: "h", contact: person("h", "h") },
        ]);
        assert.deepEqual(statuses(mixed), ["updated", "deleted", "created", "error"]);
        assert.deepEqual(await f.store.quotas.contactUsage(owner.username), { contacts: 4, photoBytes: 0 });
      });

      it("holds the GAB and the Directory to no user's quota", async () => {
        const uids = Array.from({ length: 6 }, (_, i) => fresh(`gab${i}-`));
        const results = await f.store.contacts.applyWrites(
          "gab",
          uids.map((uid) => ({ op: "put" as const, uid, contact: person(uid, uid) })),
        );
        assert.ok(results.every((r) => r.status === "created"));
      });

      it("counts an uploaded photo's bytes once per contact, refuses bytes past the limit, passes stored ones", async () => {
        const owner = await user();
        const book = owner.primaryBook;
        const first = withPhoto("p1", "a", 60);
        assert.equal(
          (await f.store.contacts.applyWrites(book, [{ op: "put", uid: "p1", ...first }]))[0].status,
          "created",
        );
        await f.store.photos.save([first.photo!]);
        const again = withPhoto("p1", "a", 60);
        await f.store.contacts.applyWrites(book, [
          { op: "put", uid: "p1", contact: { ...again.contact, jobTitle: "x" } },
        ]);
        assert.deepEqual(await f.store.quotas.contactUsage(owner.username), { contacts: 1, photoBytes: 60 });
        const [refused] = await f.store.contacts.applyWrites(book, [
          { op: "put", uid: "p2", ...withPhoto("p2", "b", 60) },
        ]);
        assert.equal(refused.kind, "quota-exceeded");
        assert.deepEqual(refused.details, { quota: "photoBytes", used: 60, limit: 100 });
        const same = await f.store.contacts.applyWrites(book, [{ op: "put", uid: "p2", ...withPhoto("p2", "a", 60) }]);
        assert.equal(same[0].status, "created", "bytes stored already add nothing");
        assert.deepEqual(await f.store.quotas.contactUsage(owner.username), { contacts: 2, photoBytes: 60 });
      });

      it("recounts each owner's live contacts and distinct photo bytes, correcting what was counted", async () => {
        const owner = await user();
        const { id } = await f.store.books.createPab(fresh("Gone"), owner.username);
        const taken = withPhoto("r1", "r", 70);
        await f.store.contacts.applyWrites(owner.primaryBook, [
          { op: "put", uid: "r1", ...taken },
          { op: "put", uid: "r2", contact: { ...person("r2", "r2"), photo: taken.contact.photo } },
        ]);
        await f.store.photos.save([taken.photo!]);
        await f.store.contacts.applyWrites(id, [{ op: "put", uid: "s1", contact: person("s1", "s1") }]);
        await f.store.books.deletePab(id); // frees nothing until the recount
        assert.deepEqual(await f.store.quotas.contactUsage(owner.username), { contacts: 3, photoBytes: 70 });
        assert.ok((await f.store.quotas.recount()) >= 1);
        assert.deepEqual(await f.store.quotas.contactUsage(owner.username), { contacts: 2, photoBytes: 70 });
        await f.store.contacts.applyWrites(owner.primaryBook, [
          { op: "delete", uid: "r1" },
          { op: "delete", uid: "r2" },
        ]);
        await f.store.quotas.recount();
        assert.deepEqual(await f.store.quotas.contactUsage(owner.username), { contacts: 0, photoBytes: 0 });
      });

      it("forgets a sync state over the version named, freeing its device's place; its old etags never match again", async () => {
        const who = fresh("u");
        const states = f.store.syncStates;
        const first = await states.put(who, "dev", "pair", '{"n":1}', {});
        await assert.rejects(states.delete(who, "dev", "pair", { ifMatch: "stale" }), kind("precondition-failed"));
        await states.delete(who, "dev", "pair", { ifMatch: first.etag });
        assert.equal(await states.get(who, "dev", "pair"), null);
        await assert.rejects(states.delete(who, "dev", "pair", {}), kind("not-found"));
        await assert.rejects(
          states.put(who, "dev", "pair", '{"n":1}', { ifMatch: first.etag }),
          kind("precondition-failed"),
        );
        const again = await states.put(who, "dev", "pair", '{"n":1}', { ifNoneMatch: true });
        assert.notEqual(again.etag, first.etag);
        for (let d = 1; d < f.store.quotas.limits.devices; d++) await states.put(who, `d${d}`, "p", "{}", {});
        await assert.rejects(states.put(who, "one-too-many", "p", "{}", {}), kind("quota-exceeded"));
        await states.delete(who, "d1", "p", {});
        await states.put(who, "one-too-many", "p", "{}", {});
      });
    });

    describe("deleted contacts and the audit log", () => {
      const ctx = { user: "editor", surface: "web" as const };

      it("keeps a deleted contact's content and who deleted it, lists it newest first, and restores it", async () => {
        const { id } = await f.store.books.createPab(fresh("Bin"), (await user()).username);
        const { contacts } = f.store;
        await contacts.applyWrites(id, [{ op: "put", uid: "d1", contact: person("d1", "Dora Dean") }], {
          context: ctx,
        });
        await contacts.applyWrites(id, [{ op: "put", uid: "d2", contact: person("d2", "Eli East") }]);
        await contacts.applyWrites(id, [{ op: "delete", uid: "d1" }], { context: ctx });
        f.advance(1000);
        await contacts.applyWrites(id, [{ op: "delete", uid: "d2" }]);
        const page = await contacts.deletedItems(id, 1);
        assert.deepEqual(
          page.deleted.map((d) => [d.uid, d.displayName, d.deletedBy]),
          [["d2", "Eli East", null]],
        );
        const next = await contacts.deletedItems(id, 1, page.cursor!);
        assert.deepEqual(
          next.deleted.map((d) => [d.uid, d.deletedBy]),
          [["d1", "editor"]],
        );
        assert.equal(next.cursor, null);
        assert.equal((await contacts.deletedVersion(id, "d1")).displayName, "Dora Dean");
        await assert.rejects(contacts.deletedVersion(id, "nope"), kind("not-found"));
        await contacts.applyWrites(id, [{ op: "put", uid: "d1", contact: person("d1", "Dora Again") }]);
        await assert.rejects(contacts.deletedVersion(id, "d1"), kind("conflict"));
      });

      it("audits writes that name their context, with the changed fields, and pages the log", async () => {
        const { id } = await f.store.books.createPab(fresh("Audited"), (await user()).username);
        const { contacts, audit } = f.store;
        await contacts.applyWrites(id, [{ op: "put", uid: "z1", contact: person("z1", "Zed", { jobTitle: "A" }) }], {
          context: ctx,
        });
        await contacts.applyWrites(id, [{ op: "put", uid: "z1", contact: person("z1", "Zed", { jobTitle: "B" }) }], {
          context: ctx,
        });
        await contacts.applyWrites(id, [{ op: "put", uid: "z2", contact: person("z2", "Unaudited") }]);
        const { entries } = await audit.list({ book: id, limit: 10 });
        assert.deepEqual(
          entries.map((e) => [e.uid, e.op, e.user, e.surface, e.fields]),
          [
            ["z1", "update", "editor", "web", ["jobTitle"]],
            ["z1", "create", "editor", "web", ["displayName", "jobTitle"]],
          ],
        );
        const first = await audit.list({ book: id, limit: 1 });
        const second = await audit.list({ book: id, limit: 1, cursor: first.cursor! });
        assert.equal(second.entries[0].op, "create");
        assert.equal(second.cursor, null);
        assert.equal((await audit.purge(new Date(Date.now() + 86_400_000))) >= 2, true);
        assert.deepEqual((await audit.list({ book: id, limit: 10 })).entries, []);
      });
      it("pages the audit log through batches of writes, each entry once, newest first", async () => {
        const { id } = await f.store.books.createPab(fresh("Batches"), (await user()).username);
        const { contacts, audit } = f.store;
        const puts = (uids: string[]) => uids.map((uid) => ({ op: "put" as const, uid, contact: person(uid, uid) }));
        // Within the fixture's contact quota (4): pages of 2 end inside a batch's record.
        await contacts.applyWrites(id, puts(["a1", "a2", "a3"]), { context: ctx });
        await contacts.applyWrites(id, puts(["b1"]), { context: ctx });
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await audit.list({ book: id, limit: 2, cursor });
          seen.push(...page.entries.map((e) => e.uid));
          if (!page.cursor) break;
          cursor = page.cursor;
        }
        assert.deepEqual(seen, ["b1", "a3", "a2", "a1"]);
      });
    });

    describe("device sessions", () => {
      const DAY = 86_400_000;
      const begin = (username = fresh("s"), device = "laptop", tokenVersion = 0) =>
        f.store.sessions.start({ username, device, client: "concord-addin", tokenVersion, lifetimeMs: DAY });
      const rotated = async (token: string) => {
        const r = await f.store.sessions.rotate(token, DAY);
        assert.ok(r.ok, `rotation refused: ${!r.ok && r.reason}`);
        return r;
      };

      it("begins a session that lasts, names its device, and never shows its refresh token", async () => {
        const { session, refreshToken } = await begin("dora", "Dora's laptop");
        assert.deepEqual(await f.store.sessions.get(session.id), session);
        assert.equal(session.device, "Dora's laptop");
        assert.equal(session.client, "concord-addin");
        assert.ok(!JSON.stringify(session).includes(refreshToken.split(".")[2]));
      });

      it("rotates a refresh token into a new one, and the new one rotates again", async () => {
        const { session, refreshToken } = await begin();
        f.advance(60_000);
        const first = await rotated(refreshToken);
        assert.notEqual(first.refreshToken, refreshToken);
        assert.equal(first.session.id, session.id);
        assert.ok(first.session.lastUsedAt > session.lastUsedAt);
        assert.ok(first.session.expiresAt > session.expiresAt, "each rotation extends the session");
        const second = await rotated(first.refreshToken);
        assert.equal(second.session.id, session.id);
      });

      it("ends the session when a spent refresh token comes back, so neither copy works any more", async () => {
        const { session, refreshToken } = await begin();
        const next = await rotated(refreshToken);
        assert.deepEqual(await f.store.sessions.rotate(refreshToken, DAY), { ok: false, reason: "reused" });
        assert.equal(await f.store.sessions.get(session.id), null);
        assert.deepEqual(await f.store.sessions.rotate(next.refreshToken, DAY), { ok: false, reason: "ended" });
      });

      it("never lets two rotations of one token both win: the other is a reuse, and the session ends", async () => {
        // Repeated, so that the loser's end lands at each point of the winner's rotation.
        for (let round = 0; round < 30; round++) {
          const { session, refreshToken } = await begin();
          const both = await Promise.all([
            f.store.sessions.rotate(refreshToken, DAY),
            f.store.sessions.rotate(refreshToken, DAY),
          ]);
          assert.ok(both.filter((r) => r.ok).length <= 1, "both rotations of one token won");
          assert.ok(both.some((r) => !r.ok && r.reason === "reused"));
          assert.equal(await f.store.sessions.get(session.id), null, `round ${round}: the reused session lasts`);
        }
      });

      it("refuses a forged, malformed or expired refresh token", async () => {
        // A one-minute session: the fixture's clock is shared, and later cases (photos) expect it near now.
        const { session, refreshToken } = await f.store.sessions.start({
          username: fresh("s"),
          device: "laptop",
          client: "concord-addin",
          tokenVersion: 0,
          lifetimeMs: 60_000,
        });
        const [id, generation] = refreshToken.split(".");
        const forged = `${id}.${generation}.${"A".repeat(43)}`;
        assert.deepEqual(await f.store.sessions.rotate(forged, DAY), { ok: false, reason: "unknown" });
        assert.deepEqual(await f.store.sessions.rotate("not-a-token", DAY), { ok: false, reason: "unknown" });
        assert.ok(await f.store.sessions.get(session.id), "a forged token ends nothing");
        f.advance(61_000);
        assert.deepEqual(await f.store.sessions.rotate(refreshToken, DAY), { ok: false, reason: "expired" });
        assert.equal(await f.store.sessions.get(session.id), null);
      });

      it("lists a user's lasting sessions of their token version, most recently used first, and ends one", async () => {
        const who = fresh("lister");
        const desktop = await begin(who, "desktop", 1);
        f.advance(1000);
        await begin(who, "web", 1);
        await begin(who, "before the password change", 0);
        await begin(fresh("other"), "someone else's", 1);
        const signedOut = await begin(who, "signed out", 1);
        await f.store.sessions.end(who, signedOut.session.id);
        const devices = async (tokenVersion: number) =>
          (await f.store.sessions.list(who, tokenVersion)).map((s) => s.device);
        assert.deepEqual(await devices(1), ["web", "desktop"]);
        assert.deepEqual(await devices(0), ["before the password change"]);
        await f.store.sessions.end(who, desktop.session.id);
        assert.deepEqual(await devices(1), ["web"]);
      });

      it("keeps a session ended when it is signed out while its refresh token is being rotated", async () => {
        // FerretDB runs an update as read-then-write: a rotation's write of lastUsedAt must not
        // carry an older copy of the session over the end written meanwhile.
        for (let round = 0; round < 30; round++) {
          const who = fresh("racer");
          const { session, refreshToken } = await begin(who);
          await Promise.all([f.store.sessions.rotate(refreshToken, DAY), f.store.sessions.end(who, session.id)]);
          assert.equal(await f.store.sessions.get(session.id), null, `round ${round}: the ended session lasts`);
        }
      });

      it("ends every session of a deleted user, so one created again under the name has none", async () => {
        const who = (await user()).username;
        const a = await begin(who, "a");
        const b = await begin(who, "b");
        const other = await begin(fresh("other"), "c");
        await f.store.accounts.deleteUser(who);
        await f.store.accounts.createUser({ username: who, password: "a-password-123" });
        assert.equal(await f.store.sessions.get(a.session.id), null);
        assert.equal(await f.store.sessions.get(b.session.id), null);
        assert.deepEqual(await f.store.sessions.list(who, 0), []);
        assert.deepEqual(await f.store.sessions.rotate(a.refreshToken, DAY), { ok: false, reason: "ended" });
        assert.ok(await f.store.sessions.get(other.session.id), "another user's session lasts");
      });

      it("answers not-found for ending another user's session, an unknown one, or one already ended", async () => {
        const { session } = await begin("owner-of-one");
        await assert.rejects(f.store.sessions.end(fresh("intruder"), session.id), kind("not-found"));
        await assert.rejects(f.store.sessions.end("owner-of-one", "no-such-session"), kind("not-found"));
        await f.store.sessions.end("owner-of-one", session.id);
        await assert.rejects(f.store.sessions.end("owner-of-one", session.id), kind("not-found"));
      });
    });

    describe("photos", () => {
      it("takes a photo's bytes out of the contact, stores them only when saved, under their hash", async () => {
        const contact = person("p", "P", {
          photo: { mediaType: "image/png", data: Buffer.from("png bytes").toString("base64") },
        });
        const { contact: taken, photo } = f.store.photos.takeInline(contact);
        assert.equal(taken.photo?.data, undefined);
        assert.equal(taken.photo?.mediaType, "image/png");
        assert.match(taken.photo!.hash!, /^[0-9a-f]{64}$/);
        assert.equal(
          await f.store.photos.load(taken.photo!.hash!),
          null,
          "nothing is stored before the write succeeded",
        );
        await f.store.photos.save([photo!]);
        assert.equal((await f.store.photos.load(taken.photo!.hash!))?.toString(), "png bytes");
        assert.equal(await f.store.photos.load("0".repeat(64)), null);
      });

      it("refuses photo data that is not base64 as invalid, naming the field", async () => {
        const contact = person("p", "P", { photo: { mediaType: "image/png", data: "not base64!" } });
        assert.throws(
          () => f.store.photos.takeInline(contact, "ops.3.contact.photo"),
          (e) => kind("invalid")(e) && JSON.stringify((e as StoreError).details).includes("ops.3.contact.photo.data"),
        );
      });

      it("collects photos no contact or tombstone references, and keeps the rest", async () => {
        const { id } = await f.store.books.createPab(fresh("Faces"), (await user()).username);
        const withPhoto = (uid: string, text: string) =>
          f.store.photos.takeInline(
            person(uid, uid, { photo: { mediaType: "image/jpeg", data: Buffer.from(text).toString("base64") } }),
          );
        const live = withPhoto("l1", `live ${id}`);
        const gone = withPhoto("t1", `tombstone ${id}`);
        const orphan = withPhoto("o1", `orphan ${id}`);
        await f.store.contacts.applyWrites(id, [
          { op: "put", uid: "l1", contact: live.contact },
          { op: "put", uid: "t1", contact: gone.contact },
        ]);
        await f.store.contacts.applyWrites(id, [{ op: "delete", uid: "t1" }]);
        await f.store.photos.save([live.photo!, gone.photo!, orphan.photo!]);
        const referenced = await f.store.maintenance.photoHashes();
        assert.equal(await f.store.photos.collect(referenced, new Date(0)), 0, "a photo stored after `before` is kept");
        await f.store.photos.collect(referenced, new Date(Date.now() + 86_400_000));
        assert.ok(await f.store.photos.load(live.photo!.hash), "a live contact's photo stays");
        assert.ok(await f.store.photos.load(gone.photo!.hash), "a tombstone's photo stays, for a restore");
        assert.equal(await f.store.photos.load(orphan.photo!.hash), null);
      });
    });

    describe("imports", () => {
      const job = (id: string): ImportJob => ({
        id,
        user: "u",
        book: "b",
        createdAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        bytes: 3,
        settings: {},
        state: "ready",
        chunkRows: 100,
        chunks: 0,
        done: 0,
        total: 0,
        created: 0,
        updated: 0,
        skipped: 0,
        errors: [],
        errorCount: 0,
        cancelRequested: false,
        holder: null,
        until: null,
      });

      it("moves a job on only from the version read: of two writers of one version, one wins", async () => {
        const id = fresh("imp");
        await f.store.imports.create(job(id), Buffer.from("a,b"));
        await assert.rejects(f.store.imports.create(job(id), Buffer.from("x")), kind("conflict"));
        const cur = (await f.store.imports.get(id))!;
        assert.equal(cur.job.state, "ready");
        const results = await Promise.all([
          f.store.imports.update(id, cur.n, { ...cur.job, state: "running", holder: "one" }),
          f.store.imports.update(id, cur.n, { ...cur.job, state: "running", holder: "two" }),
        ]);
        assert.deepEqual(results.filter(Boolean).length, 1);
        const next = (await f.store.imports.get(id))!;
        assert.equal(next.n, cur.n + 1);
        assert.equal(next.job.holder, results[0] ? "one" : "two");
        assert.equal(Buffer.from((await f.store.imports.upload(id))!).toString(), "a,b");
      });

      it("keeps the first blob written under a key, whatever its size, and removes everything of a job", async () => {
        const id = fresh("imp");
        await f.store.imports.create(job(id), Buffer.alloc(9 * 1024 * 1024, 7));
        assert.equal((await f.store.imports.upload(id))!.length, 9 * 1024 * 1024);
        assert.equal(
          Buffer.from(await f.store.imports.putOnce(id, "plan:0", Buffer.from("first"))).toString(),
          "first",
        );
        assert.equal(
          Buffer.from(await f.store.imports.putOnce(id, "plan:0", Buffer.from("second"))).toString(),
          "first",
        );
        assert.equal(Buffer.from((await f.store.imports.blob(id, "plan:0"))!).toString(), "first");
        assert.equal(await f.store.imports.blob(id, "plan:1"), null);
        assert.ok((await f.store.imports.ids()).includes(id));
        await f.store.imports.remove(id);
        assert.equal(await f.store.imports.get(id), null);
        assert.equal(await f.store.imports.upload(id), null);
        assert.equal(await f.store.imports.blob(id, "plan:0"), null);
        assert.ok(!(await f.store.imports.ids()).includes(id));
      });

      it("drops the blobs named, the upload among them, and keeps the job and its other blobs", async () => {
        const id = fresh("imp");
        await f.store.imports.create(job(id), Buffer.alloc(5 * 1024 * 1024, 7));
        await f.store.imports.putOnce(id, "plan:0", Buffer.from("plan"));
        await f.store.imports.putOnce(id, "done:0", Buffer.from("done"));
        await f.store.imports.dropBlobs(id, ["upload", "plan:0", "plan:1"]);
        assert.equal(await f.store.imports.upload(id), null);
        assert.equal(await f.store.imports.blob(id, "plan:0"), null);
        assert.equal(Buffer.from((await f.store.imports.blob(id, "done:0"))!).toString(), "done");
        assert.equal((await f.store.imports.get(id))?.job.id, id);
      });

      it("keeps each user's mappings apart, and lets a user's own mapping win over a shared one of the same name", async () => {
        const [ann, bob] = [fresh("ann"), fresh("bob")];
        await f.store.imports.putMapping(ann, "crm", { Who: "displayName" });
        await f.store.imports.putMapping(null, "crm", { Who: "notes" });
        await f.store.imports.putMapping(null, "other", { X: "company" });
        assert.deepEqual(await f.store.imports.mapping(ann, "crm"), {
          name: "crm",
          shared: false,
          mapping: { Who: "displayName" },
        });
        assert.deepEqual(await f.store.imports.mapping(bob, "crm"), {
          name: "crm",
          shared: true,
          mapping: { Who: "notes" },
        });
        const names = (await f.store.imports.mappings(bob)).map((m) => `${m.name}:${m.shared}`);
        assert.ok(names.includes("crm:true") && names.includes("other:true") && !names.includes("crm:false"));
        assert.equal(await f.store.imports.deleteMapping(ann, "crm"), true);
        assert.equal(await f.store.imports.deleteMapping(ann, "crm"), false);
        assert.equal((await f.store.imports.mapping(ann, "crm"))?.shared, true);
        await f.store.imports.deleteMapping(null, "crm");
        await f.store.imports.deleteMapping(null, "other");
      });
    });
  });
}
