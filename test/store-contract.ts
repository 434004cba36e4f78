// The one contract every contact store meets. test/store.test.ts runs it against
// each database we support (the embedded FerretDB always; MongoDB when
// TEST_MONGODB_URI is set) and against the memory store. The lease and crash tests
// need a fixture that can pause a writer or kill one: the database's only.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { contactSchema, type Contact } from "../core/contact/contact";
import type { ContactMaintenance, ContactSearch, ContactStore, WriteOp } from "../server/store/contract";
import { StoreError } from "../server/store/errors";

export type StoreFixture = {
  store: ContactStore & ContactMaintenance & ContactSearch;
  /** Moves the store's clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
};
/** What a store with a writer lease lets a test do to it. */
export type LeaseFixture = StoreFixture & {
  /** Runs `hook` inside the next write, after its last fence check and before its contact documents are written. */
  pauseBeforeContactWrite(hook: ((book: string, uids: string[]) => Promise<void>) | undefined): void;
  /** Simulates a writer that died holding the lease after appending entries for `uids`. */
  crashMidWrite(book: string, uids: string[]): Promise<void>;
};

const expired = (e: unknown) => e instanceof StoreError && e.kind === "token-expired";

export const person = (uid: string, displayName: string, extra: Partial<Contact> = {}): Contact =>
  contactSchema.parse({ uid, displayName, ...extra });

/** `leases`: the store has a writer lease, and the fixture can pause and crash writers. */
export function storeContract(
  name: string,
  makeFixture: () => Promise<StoreFixture | LeaseFixture>,
  { leases = false } = {},
) {
  describe(`contact store contract: ${name}`, function () {
    let f: LeaseFixture;
    // Lease tests exist only for stores with a lease (the memory store has no writer to pause or kill).
    const leaseIt = (title: string, fn: () => Promise<void>) => void (leases && it(title, fn));
    let book: string;

    before(async () => {
      f = (await makeFixture()) as LeaseFixture;
    });
    after(async () => f.close());
    beforeEach(async () => {
      book = `b${randomUUID().slice(0, 8)}`;
      await f.store.createBook({ id: book, kind: "pab", name: "Test", owner: "alice" });
    });

    const put = (uid: string, contact: Contact, more: Partial<Extract<WriteOp, { op: "put" }>> = {}) =>
      f.store.applyWrites(book, [{ op: "put", uid, contact, ...more }]).then((r) => r[0]);
    const del = (uid: string, ifMatch?: string) =>
      f.store.applyWrites(book, [{ op: "delete", uid, ifMatch }]).then((r) => r[0]);

    async function allChanges(since?: string, limit = 1000) {
      const changes = [];
      let token = since;
      for (;;) {
        const page = await f.store.changesSince(book, token, limit);
        changes.push(...page.changes);
        token = page.token;
        if (!page.more) return { changes, token };
      }
    }

    it("creates a contact and reads it back with a strong etag", async () => {
      const r = await put("ann", person("ann", "Ann Lee"));
      assert.equal(r.status, "created");
      assert.match(r.etag!, /^[0-9a-f]{32}$/);
      const got = await f.store.getContact(book, "ann");
      assert.equal(got?.contact.displayName, "Ann Lee");
      assert.equal(got?.etag, r.etag);
    });

    it("answers unchanged to a retried put and never duplicates the uid", async () => {
      await put("ann", person("ann", "Ann"));
      const again = await put("ann", person("ann", "Ann"));
      assert.equal(again.status, "unchanged");
      const { contacts } = await f.store.listContacts(book, undefined, 100);
      assert.deepEqual(
        contacts.map((c) => c.uid),
        ["ann"],
      );
    });

    it("refuses a put whose If-Match is stale, and applies one that matches", async () => {
      const first = await put("ann", person("ann", "Ann"));
      await put("ann", person("ann", "Ann B"));
      assert.equal((await put("ann", person("ann", "Ann C"), { ifMatch: first.etag })).status, "conflict");
      const current = await f.store.getContact(book, "ann");
      assert.equal((await put("ann", person("ann", "Ann C"), { ifMatch: current!.etag })).status, "updated");
      assert.equal((await f.store.getContact(book, "ann"))?.contact.displayName, "Ann C");
    });

    it("refuses If-None-Match creates over a live contact but allows them over a tombstone", async () => {
      await put("ann", person("ann", "Ann"));
      assert.equal((await put("ann", person("ann", "Other"), { ifNoneMatch: true })).status, "conflict");
      await del("ann");
      assert.equal((await put("ann", person("ann", "Back"), { ifNoneMatch: true })).status, "created");
    });

    it("deletes with a tombstone, and a retried delete is unchanged", async () => {
      const created = await put("ann", person("ann", "Ann"));
      assert.equal((await del("ann", created.etag)).status, "deleted");
      assert.equal(await f.store.getContact(book, "ann"), null);
      assert.equal((await del("ann", created.etag)).status, "unchanged");
      const { changes } = await allChanges(encodeStart(await f.store.changesSince(book, undefined, 1)));
      assert.ok(changes.some((c) => c.uid === "ann" && c.deleted));
    });

    it("answers unchanged, not conflict, to a retried retry-safe batch of If-Match puts", async () => {
      const uids = ["a", "b", "c"];
      const created = await f.store.applyWrites(
        book,
        uids.map((uid) => ({ op: "put" as const, uid, contact: person(uid, uid) })),
      );
      const batch = uids.map((uid, k) => ({
        op: "put" as const,
        uid,
        contact: person(uid, `${uid} edited`),
        ifMatch: created[k].etag,
      }));
      assert.deepEqual(
        (await f.store.applyWrites(book, batch, { retrySafe: true })).map((r) => r.status),
        ["updated", "updated", "updated"],
      );
      const retried = await f.store.applyWrites(book, batch, { retrySafe: true });
      assert.deepEqual(
        retried.map((r) => r.status),
        ["unchanged", "unchanged", "unchanged"],
      );
      assert.deepEqual(
        retried.map((r) => r.etag),
        (await Promise.all(uids.map((u) => f.store.getContact(book, u)))).map((c) => c?.etag),
      );
    });

    it("marks a uid repeated within one batch as an error without blocking the others", async () => {
      const results = await f.store.applyWrites(book, [
        { op: "put", uid: "a", contact: person("a", "A") },
        { op: "put", uid: "a", contact: person("a", "A2") },
        { op: "put", uid: "b", contact: person("b", "B") },
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ["created", "error", "created"],
      );
    });

    it("feeds changes in order, each once, with tombstones, from a token", async () => {
      await put("a", person("a", "A"));
      const start = (await f.store.changesSince(book, undefined, 100)).token;
      await put("b", person("b", "B"));
      await put("a", person("a", "A2"));
      await del("b");
      await put("c", person("c", "C"));
      const { changes } = await allChanges(start, 2);
      assert.deepEqual(
        changes.map((c) => [c.uid, c.deleted]),
        [
          ["a", false],
          ["b", true],
          ["c", false],
        ],
      );
      assert.equal(changes[0].contact?.displayName, "A2");
    });

    it("returns every live contact and no tombstones when no token is given", async () => {
      await put("a", person("a", "A"));
      await put("b", person("b", "B"));
      await del("a");
      const { changes } = await allChanges(undefined);
      assert.deepEqual(
        changes.map((c) => c.uid),
        ["b"],
      );
    });

    it("answers an unknown or foreign token with token-expired", async () => {
      await put("a", person("a", "A"));
      for (const token of [
        "garbage",
        Buffer.from(JSON.stringify(["other", 1])).toString("base64url"),
        Buffer.from(JSON.stringify([book, 999])).toString("base64url"),
      ]) {
        await assert.rejects(
          f.store.changesSince(book, token, 10),
          (e) => e instanceof StoreError && e.kind === "token-expired",
        );
      }
    });

    it("expires tokens older than purged tombstones, and keeps newer tokens working", async () => {
      await put("a", person("a", "A"));
      const old = (await f.store.changesSince(book, undefined, 10)).token;
      await del("a");
      const afterDelete = (await allChanges(old)).token;
      f.advance(1000);
      assert.equal(await f.store.purgeTombstones(book, new Date(Date.now() + 10 * 86_400_000)), 1);
      await assert.rejects(f.store.changesSince(book, old, 10), expired);
      await put("b", person("b", "B"));
      const { changes } = await allChanges(afterDelete);
      assert.deepEqual(
        changes.map((c) => c.uid),
        ["b"],
      );
    });

    it("pages a full read (no token) past purged tombstones without 410", async () => {
      await f.store.applyWrites(
        book,
        ["a", "b", "c", "d", "e"].map((uid) => ({ op: "put" as const, uid, contact: person(uid, uid.toUpperCase()) })),
      );
      await del("c");
      f.advance(1000);
      await f.store.purgeTombstones(book, new Date(Date.now() + 10 * 86_400_000));
      const { changes } = await allChanges(undefined, 2);
      assert.deepEqual(
        changes.map((c) => c.uid),
        ["a", "b", "d", "e"],
      );
    });

    it("delivers a deletion that happens during a multi-page full read, so its final token is not past it", async () => {
      await f.store.applyWrites(
        book,
        ["a", "b", "c", "d"].map((uid) => ({ op: "put" as const, uid, contact: person(uid, uid) })),
      );
      const first = await f.store.changesSince(book, undefined, 2);
      assert.deepEqual(
        first.changes.map((c) => c.uid),
        ["a", "b"],
      );
      await del("a");
      await del("d");
      const rest = await allChanges(first.token, 2);
      const seen = [...first.changes, ...rest.changes];
      const last = new Map(seen.map((c) => [c.uid, c.deleted]));
      assert.deepEqual([...last].sort(), [
        ["a", true],
        ["b", false],
        ["c", false],
        ["d", true],
      ]);
      await put("e", person("e", "e"));
      assert.deepEqual(
        (await allChanges(rest.token)).changes.map((c) => c.uid),
        ["e"],
      );
    });

    it("hands out an ordinary token when a full read ends, so later purges still expire it", async () => {
      await put("a", person("a", "A"));
      await put("b", person("b", "B"));
      const { token } = await allChanges(undefined, 1);
      await del("a");
      f.advance(1000);
      await f.store.purgeTombstones(book, new Date(Date.now() + 10 * 86_400_000));
      await assert.rejects(f.store.changesSince(book, token, 10), expired);
    });

    it("never purges a contact that was deleted and then created again", async () => {
      await put("a", person("a", "A"));
      await del("a");
      await put("a", person("a", "A again"));
      f.advance(1000);
      assert.equal(await f.store.purgeTombstones(book, new Date(Date.now() + 10 * 86_400_000)), 0);
      assert.equal((await f.store.getContact(book, "a"))?.contact.displayName, "A again");
    });

    it("compacts superseded log entries without changing what any reader sees", async () => {
      const uids = Array.from({ length: 120 }, (_, i) => `u${i}`);
      const round = (n: number) =>
        f.store.applyWrites(
          book,
          uids.map((uid) => ({ op: "put" as const, uid, contact: person(uid, `${uid} v${n}`) })),
        );
      await round(0);
      const early = (await f.store.changesSince(book, undefined, 1000)).token;
      await round(1);
      const middle = (await allChanges(early)).token;
      await round(2);
      await del("u7");
      await put("d", person("d", "d"));
      const before = {
        full: await allChanges(undefined, 25),
        fromEarly: await allChanges(early, 25),
        fromMiddle: await allChanges(middle, 25),
      };

      const dropped = await f.store.compactLog(book);

      assert.ok(dropped >= 240, `dropped ${dropped} superseded entries`);
      assert.deepEqual(await allChanges(undefined, 25), before.full);
      assert.deepEqual(await allChanges(early, 25), before.fromEarly);
      assert.deepEqual(await allChanges(middle, 25), before.fromMiddle);
      assert.equal(await f.store.compactLog(book), 0, "a second pass finds nothing left to drop");
      await put("e", person("e", "e"));
      assert.deepEqual(
        (await allChanges(before.full.token)).changes.map((c) => c.uid),
        ["e"],
      );
    });

    it("lists contacts page by page without repeats", async () => {
      await f.store.applyWrites(
        book,
        Array.from({ length: 25 }, (_, i) => ({
          op: "put" as const,
          uid: `u${i}`,
          contact: person(`u${i}`, `P ${i}`),
        })),
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await f.store.listContacts(book, cursor, 7);
        assert.ok(page.contacts.length <= 7);
        seen.push(...page.contacts.map((c) => c.uid));
        cursor = page.cursor ?? undefined;
      } while (cursor);
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
    });

    it("keeps 20 parallel writers on one book consistent: increasing sequence, no lost update, no duplicate", async () => {
      await put("counter", person("counter", "0"));
      const seqs: number[] = [];
      async function increment(writer: number) {
        for (;;) {
          const cur = (await f.store.getContact(book, "counter"))!;
          const n = Number(cur.contact.displayName) + 1;
          const r = await put("counter", person("counter", String(n)), { ifMatch: cur.etag });
          if (r.status === "updated") {
            seqs.push((await f.store.getContact(book, `w${writer}`))?.seq ?? 0);
            await put(`w${writer}`, person(`w${writer}`, `writer ${writer}`));
            return;
          }
          assert.equal(r.status, "conflict");
        }
      }
      await Promise.all(Array.from({ length: 20 }, (_, w) => increment(w)));
      assert.equal((await f.store.getContact(book, "counter"))?.contact.displayName, "20");
      const { contacts } = await f.store.listContacts(book, undefined, 1000);
      assert.equal(contacts.length, 21);
      assert.equal(new Set(contacts.map((c) => c.uid)).size, 21);
      const bySeq = [...contacts].sort((a, b) => a.seq - b.seq).map((c) => c.seq);
      assert.equal(new Set(bySeq).size, bySeq.length, "every write has its own sequence number");
    });

    it("pages the change feed during concurrent writes without missing or repeating a change", async () => {
      const writes = (async () => {
        for (let i = 0; i < 60; i++) {
          await f.store.applyWrites(book, [{ op: "put", uid: `k${i % 20}`, contact: person(`k${i % 20}`, `v${i}`) }]);
        }
      })();
      const seen: string[] = [];
      let token: string | undefined = (await f.store.changesSince(book, undefined, 1)).token;
      let done = false;
      writes.then(() => (done = true));
      for (let quiet = 0; quiet < 2; ) {
        const page = await f.store.changesSince(book, token, 3);
        seen.push(...page.changes.map((c) => `${c.uid}@${c.etag}`));
        token = page.token;
        if (!page.more && done) quiet++;
      }
      await writes;
      assert.equal(new Set(seen).size, seen.length, "no change is repeated");
      const final = await f.store.listContacts(book, undefined, 100);
      for (const c of final.contacts)
        assert.ok(seen.includes(`${c.uid}@${c.etag}`), `the last version of ${c.uid} was delivered`);
    });

    leaseIt(
      "recovers from a writer that died holding the lease: nothing half-written shows, later writes go on",
      async () => {
        await put("a", person("a", "A"));
        const token = (await f.store.changesSince(book, undefined, 10)).token;
        await f.crashMidWrite(book, ["ghost"]);
        f.advance(60_000);
        const r = await put("b", person("b", "B"));
        assert.equal(r.status, "created");
        const { changes } = await allChanges(token);
        assert.deepEqual(
          changes.map((c) => c.uid),
          ["b"],
        );
        assert.equal(await f.store.getContact(book, "ghost"), null);
      },
    );

    /** A writer whose lease runs out in the pause: meanwhile `meanwhile` runs as a second writer. */
    function pauseOnce(meanwhile: () => Promise<void>) {
      f.pauseBeforeContactWrite(async () => {
        f.pauseBeforeContactWrite(undefined);
        f.advance(60_000);
        await meanwhile();
      });
    }

    /** What get, a full read and incremental reads from each token say about `uid`'s etag. */
    async function whatReadersSay(uid: string, tokens: string[]) {
      const lastEtag = (changes: { uid: string; etag: string; deleted: boolean }[]) => {
        const last = changes.filter((c) => c.uid === uid).at(-1);
        return last && (last.deleted ? "deleted" : last.etag);
      };
      return {
        get: (await f.store.getContact(book, uid))?.etag,
        full: lastEtag((await allChanges(undefined, 1)).changes),
        incremental: await Promise.all(tokens.map(async (t) => lastEtag((await allChanges(t, 1)).changes))),
      };
    }

    leaseIt(
      "lets the newest acknowledged write win when a paused writer's lease ran out before its write landed",
      async () => {
        const v1 = await put("x", person("x", "V1"));
        const start = (await allChanges(undefined)).token;
        let second: Awaited<ReturnType<typeof put>> | undefined;
        let sawSecond = "";
        pauseOnce(async () => {
          second = await put("x", person("x", "Second"), { ifMatch: v1.etag });
          sawSecond = (await allChanges(start)).token;
        });
        const first = await put("x", person("x", "First"), { ifMatch: v1.etag });

        assert.equal(second?.status, "updated");
        assert.notEqual(first.status, "updated", "two writes over one version: only one is acknowledged");
        const said = await whatReadersSay("x", [start, sawSecond]);
        assert.deepEqual(said, {
          get: second!.etag,
          full: second!.etag,
          incremental: [second!.etag, said.incremental[1]],
        });
        assert.ok(
          [undefined, second!.etag].includes(said.incremental[1]),
          "a reader that saw Second is not moved off it",
        );
        assert.equal((await f.store.getContact(book, "x"))?.contact.displayName, "Second");
      },
    );

    for (const [what, write] of [
      [
        "an If-Match update",
        async () => put("x", person("x", "Late"), { ifMatch: (await f.store.getContact(book, "x"))!.etag }),
      ],
      ["a new contact", async () => put("late", person("late", "Late"))],
    ] as const) {
      leaseIt(
        `shows ${what} that landed after its lease ran out to readers who read past its position meanwhile`,
        async () => {
          await put("x", person("x", "V1"));
          const start = (await allChanges(undefined)).token;
          let readPast = "";
          pauseOnce(async () => {
            await put("other", person("other", "Other"));
            readPast = (await allChanges(start)).token;
          });
          const late = await write();
          const uid = what === "a new contact" ? "late" : "x";

          const said = await whatReadersSay(uid, [start, readPast]);
          assert.ok(said.get, "the write is stored");
          if (late.status === "updated" || late.status === "created") assert.equal(said.get, late.etag);
          assert.deepEqual(said, { get: said.get, full: said.get, incremental: [said.get, said.get] });
        },
      );
    }

    it("keeps a contact's href apart from its uid, across updates that name none, and shows it to every reader", async () => {
      await put("uid-1", person("uid-1", "Ann"), { href: "ann-from-ios.vcf" });
      await put("uid-1", person("uid-1", "Ann Lee"));
      assert.equal((await f.store.getContact(book, "uid-1"))?.href, "ann-from-ios.vcf");
      assert.equal((await f.store.lookup(book, ["uid-1"]))[0].href, "ann-from-ios.vcf");
      assert.equal((await allChanges(undefined)).changes[0].href, "ann-from-ios.vcf");
      await put("plain", person("plain", "Plain"));
      assert.equal((await f.store.getContact(book, "plain"))?.href, undefined, "no href unless a client chose one");
    });

    it("refuses a write by anyone but its source to a contact a source owns, naming the source", async () => {
      const created = await put("imp", person("imp", "Imported"), { source: "ldap-hq" });
      assert.equal((await f.store.getContact(book, "imp"))?.source, "ldap-hq");
      for (const refused of [
        await put("imp", person("imp", "Edited by a user")),
        await put("imp", person("imp", "Edited by a user"), { ifMatch: created.etag }),
        await put("imp", person("imp", "Edited by another source"), { source: "csv-import" }),
        await del("imp"),
      ]) {
        assert.equal(refused.status, "error");
        assert.equal(refused.kind, "owned-by-source");
        assert.deepEqual(refused.details, { source: "ldap-hq" });
        assert.match(refused.error!, /ldap-hq/);
      }
      assert.equal((await f.store.getContact(book, "imp"))?.contact.displayName, "Imported");
      const bySource = await put("imp", person("imp", "Updated by its source"), { source: "ldap-hq" });
      assert.equal(bySource.status, "updated");
      const gone = await f.store.applyWrites(book, [{ op: "delete", uid: "imp", source: "ldap-hq" }]);
      assert.equal(gone[0].status, "deleted");
    });

    describe("search", () => {
      const names = (page: { contacts: { uid: string }[] }) => page.contacts.map((c) => c.uid);
      beforeEach(async () => {
        await f.store.applyWrites(book, [
          {
            op: "put",
            uid: "zoe",
            contact: person("zoe", "Zoë Ångström", { emails: [{ type: "work", address: "zoe@north.example" }] }),
          },
          {
            op: "put",
            uid: "bob",
            contact: person("bob", "Bob Stone", { company: "Stonemasons Ltd", categories: ["Suppliers"] }),
          },
          {
            op: "put",
            uid: "ann",
            contact: person("ann", "Ann Lee", {
              name: { fileAs: "Lee, Ann" },
              phones: [{ type: "mobile", number: "+44 (20) 7946-0958" }],
            }),
          },
          { op: "put", uid: "cy", contact: person("cy", "Cy Young", { categories: ["suppliers", "VIP"] }) },
        ]);
      });

      it("matches a case- and accent-insensitive substring of name, e-mail or company, sorted by file-as", async () => {
        assert.deepEqual(names(await f.store.search(book, { text: "ANGST" }, 10)), ["zoe"]);
        assert.deepEqual(names(await f.store.search(book, { text: "zoë" }, 10)), ["zoe"]);
        assert.deepEqual(names(await f.store.search(book, { text: "north.exa" }, 10)), ["zoe"]);
        assert.deepEqual(names(await f.store.search(book, { text: "stone" }, 10)), ["bob"]);
        // Ann files as "Lee, Ann": after Bob and Cy, before Zoë.
        assert.deepEqual(names(await f.store.search(book, {}, 10)), ["bob", "cy", "ann", "zoe"]);
      });

      it("matches phone digits whatever the punctuation, and filters by category", async () => {
        assert.deepEqual(names(await f.store.search(book, { text: "7946 0958" }, 10)), ["ann"]);
        assert.deepEqual(names(await f.store.search(book, { text: "2079" }, 10)), ["ann"]);
        assert.deepEqual(names(await f.store.search(book, { category: "SUPPLIERS" }, 10)), ["bob", "cy"]);
        assert.deepEqual(names(await f.store.search(book, { text: "young", category: "suppliers" }, 10)), ["cy"]);
      });

      it("pages by a cursor that stays put while contacts are added before it", async () => {
        const first = await f.store.search(book, {}, 2);
        assert.deepEqual(names(first), ["bob", "cy"]);
        await put("aaron", person("aaron", "Aaron Aardvark"));
        const second = await f.store.search(book, {}, 2, first.cursor!);
        assert.deepEqual(names(second), ["ann", "zoe"]);
        assert.equal(second.cursor, null);
        await assert.rejects(
          f.store.search(book, {}, 2, "not-a-cursor"),
          (e: unknown) => e instanceof StoreError && e.kind === "invalid",
        );
      });

      it("leaves deleted contacts out and finds an updated one by its new content only", async () => {
        assert.deepEqual(names(await f.store.search(book, { text: "stone" }, 10)), ["bob"]);
        await del("bob");
        await put("cy", person("cy", "Cyrus Young"));
        assert.deepEqual(names(await f.store.search(book, { text: "stone" }, 10)), []);
        assert.deepEqual(names(await f.store.search(book, { text: "cyrus" }, 10)), ["cy"]);
        assert.deepEqual(names(await f.store.search(book, { category: "vip" }, 10)), []);
      });

      it("sorts by company, then by name within it, with the contacts without a company last", async () => {
        await put("dan", person("dan", "Dan Abel", { company: "Ångel Foods" }));
        await put("eve", person("eve", "Eve Zander", { company: "Stonemasons Ltd" }));
        assert.deepEqual(names(await f.store.search(book, { sort: "company" }, 10)), [
          "dan",
          "bob",
          "eve",
          "cy",
          "ann",
          "zoe",
        ]);
        const first = await f.store.search(book, { sort: "company" }, 2);
        assert.deepEqual(names(await f.store.search(book, { sort: "company" }, 10, first.cursor!)), [
          "eve",
          "cy",
          "ann",
          "zoe",
        ]);
        // After an edit the company order follows the new company.
        await put("eve", person("eve", "Eve Zander", { company: "Acme" }));
        assert.deepEqual(names(await f.store.search(book, { sort: "company" }, 3)), ["eve", "dan", "bob"]);
      });

      it("starts a search from a letter (the A–Z jump), in either order, and counts the live contacts", async () => {
        assert.deepEqual(names(await f.store.search(book, { from: "L" }, 10)), ["ann", "zoe"]);
        assert.deepEqual(names(await f.store.search(book, { from: "c", category: "suppliers" }, 10)), ["cy"]);
        assert.deepEqual(names(await f.store.search(book, { from: "zz" }, 10)), []);
        assert.deepEqual(names(await f.store.search(book, { sort: "company", from: "S" }, 1)), ["bob"]);
        const page = await f.store.search(book, { from: "C" }, 1);
        assert.deepEqual(names(await f.store.search(book, { from: "C" }, 10, page.cursor!)), ["ann", "zoe"]);
        assert.equal(await f.store.countLive(book), 4);
        await del("bob");
        await put("cy", person("cy", "Cyrus Young"));
        await put("fay", person("fay", "Fay Wray"));
        assert.equal(await f.store.countLive(book), 4);
      });
    });

    it("answers not-found for a book that does not exist", async () => {
      const missing = (e: unknown) => e instanceof StoreError && e.kind === "not-found";
      await assert.rejects(f.store.search("nope", { text: "x" }, 10), missing);
      await assert.rejects(f.store.changesSince("nope", undefined, 10), missing);
      await assert.rejects(f.store.applyWrites("nope", [{ op: "delete", uid: "x" }]), missing);
    });
  });
}

/** The token at the very start of a book's log, for reading tombstones too. */
function encodeStart(page: { token: string }): string {
  const [book] = JSON.parse(Buffer.from(page.token, "base64url").toString("utf8"));
  return Buffer.from(JSON.stringify([book, 0])).toString("base64url");
}
