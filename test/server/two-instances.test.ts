// Two server instances over one database: each keeps its own cache of book contents, and the
// database stays the only source of truth, so every instance serves every request, and a read
// right after a write acknowledged on another instance sees it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import pino from "pino";
import request from "supertest";
import { contactSchema, type Contact } from "../../core/contact/contact";
import { createApp } from "../../server/app";
import { configFromEnv } from "../../server/config";
import { createContactStore } from "../../server/store/contact-store";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { createCheckpoints } from "../../server/store/contacts/checkpoints";
import { encodeToken } from "../../server/store/contacts/tokens";
import type { Change } from "../../server/store/contract";
import { wire } from "../../server/wiring";
import { freshDatabase, testDatabaseUri } from "../support/database";

type Db = Awaited<ReturnType<typeof freshDatabase>>;
const person = (uid: string, displayName: string, extra: Partial<Contact> = {}) =>
  contactSchema.parse({ uid, displayName, ...extra });
const config = () =>
  configFromEnv({ DATA_DIR: "/nonexistent", JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-xx" });

async function instance(db: Db) {
  const deps = await wire({
    config: config(),
    models: db.models,
    connection: db.connection,
    logger: pino({ level: "silent" }),
  });
  const app = createApp(deps);
  return { deps, http: () => request(app) };
}

/** Every change of a full read (no token), page by page, with a fresh store over the database. */
async function fullRead(store: ReturnType<typeof createContactStore>, book: string, limit = 1000) {
  const changes: Change[] = [];
  let page = await store.changesSince(book, undefined, limit);
  changes.push(...page.changes);
  while (page.more) {
    page = await store.changesSince(book, page.token, limit);
    changes.push(...page.changes);
  }
  return changes;
}

/** What the log says, read entry by entry (a token at position 0: no cache, no checkpoint). */
async function logTruth(store: ReturnType<typeof createContactStore>, book: string) {
  const live = new Map<string, string>();
  let page = await store.changesSince(book, encodeToken(book, { p: 0 }), 1000);
  for (;;) {
    for (const c of page.changes) c.deleted ? live.delete(c.uid) : live.set(c.uid, c.etag);
    if (!page.more) return live;
    page = await store.changesSince(book, page.token, 1000);
  }
}

const etagsOf = (changes: Change[]) => new Map(changes.filter((c) => !c.deleted).map((c) => [c.uid, c.etag]));

describe("two server instances on one database", function () {
  this.timeout(120_000);
  let db: Db;
  let a: Awaited<ReturnType<typeof instance>>;
  let b: Awaited<ReturnType<typeof instance>>;
  let auth: { Authorization: string };

  before(async () => {
    db = await freshDatabase();
    a = await instance(db);
    b = await instance(db);
    await a.deps.accounts.createUser({ username: "admin", password: "admin-password-1", admin: true });
    const res = await b
      .http()
      .post("/api/auth/login")
      .send({ username: "admin", password: "admin-password-1" })
      .expect(200);
    auth = { Authorization: `Bearer ${res.body.token}` };
  });
  after(async () => db.close());

  it("shows a write acknowledged on A to a full read, a listing and a search on B at once", async () => {
    const ops = Array.from({ length: 50 }, (_, i) => ({
      op: "put",
      uid: `p${i}`,
      contact: { displayName: `Person ${i}` },
    }));
    await a.http().post("/api/books/gab/batch").set(auth).send({ ops }).expect(200);
    // B reads first, so its cache holds the book before A's next write.
    assert.equal(
      (await b.http().get("/api/books/gab/changes?limit=1000").set(auth).expect(200)).body.changes.length,
      50,
    );

    await a.http().put("/api/books/gab/contacts/late").set(auth).send({ displayName: "Jürgen Latecomer" }).expect(201);
    const feed = await b.http().get("/api/books/gab/changes?limit=1000").set(auth).expect(200);
    assert.ok(
      feed.body.changes.some((c: Change) => c.uid === "late"),
      "the change feed on B shows A's write",
    );
    const list = await b.http().get("/api/books/gab/contacts?limit=1000").set(auth).expect(200);
    assert.ok(
      list.body.contacts.some((c: { uid: string }) => c.uid === "late"),
      "the listing on B shows A's write",
    );
    const found = await b.http().get("/api/books/gab/contacts?q=jurgen").set(auth).expect(200);
    assert.deepEqual(
      found.body.contacts.map((c: { uid: string }) => c.uid),
      ["late"],
    );

    await a.http().delete("/api/books/gab/contacts/late").set(auth).expect(204);
    const after = await b.http().get("/api/books/gab/contacts?q=jurgen").set(auth).expect(200);
    assert.deepEqual(after.body.contacts, [], "B's search no longer finds the contact A deleted");
    const listAfter = await b.http().get("/api/books/gab/contacts?limit=1000").set(auth).expect(200);
    assert.ok(!listAfter.body.contacts.some((c: { uid: string }) => c.uid === "late"));
  });

  it("reads a checkpointed book on a fresh instance with a few lookups, not one per contact", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    const writer = createContactStore({ models: db.models, clock: () => new Date() });
    await writer.createBook({ id: book, kind: "pab", name: "Big", owner: "admin" });
    for (let i = 0; i < 3000; i += 500) {
      await writer.applyWrites(
        book,
        Array.from({ length: 500 }, (_, k) => ({
          op: "put" as const,
          uid: `c${i + k}`,
          contact: person(`c${i + k}`, `Person ${i + k}`),
        })),
      );
    }
    await writer.checkpoint(book); // as the cache does by itself after 512 changes, once writes pause
    await writer.applyWrites(book, [
      { op: "put", uid: "c7", contact: person("c7", "Edited") },
      { op: "delete", uid: "c8" },
    ]);

    const fresh = createContactStore({ models: db.models, clock: () => new Date() });
    const findById = db.models.ContactDoc.findById;
    let lookups = 0;
    db.models.ContactDoc.findById = ((...args: Parameters<typeof findById>) => {
      lookups++;
      return findById.apply(db.models.ContactDoc, args);
    }) as typeof findById;
    try {
      const changes = await fullRead(fresh, book);
      assert.equal(changes.length, 2999);
      assert.equal(changes.find((c) => c.uid === "c7")?.contact?.displayName, "Edited");
      assert.ok(!changes.some((c) => c.uid === "c8"));
      const listed = await fresh.listContacts(book, undefined, 1000);
      assert.equal(listed.contacts.length, 1000);
    } finally {
      db.models.ContactDoc.findById = findById;
    }
    assert.ok(lookups <= 20, `a full read of 2,999 contacts took ${lookups} contact lookups`);
  });

  it("writes no checkpoint while an import's next batch is being written, and one once the writes pause", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    let slow = false;
    const writer = createContactStore({
      models: db.models,
      clock: () => new Date(),
      // The next batch takes a while between its lease and its contact writes, as a large one does.
      hooks: { beforeContactWrite: () => new Promise((r) => setTimeout(r, slow ? 1500 : 0)) },
    });
    await writer.createBook({ id: book, kind: "pab", name: "Import", owner: "admin" });
    const batch = (from: number) =>
      Array.from({ length: 600 }, (_, k) => ({
        op: "put" as const,
        uid: `c${from + k}`,
        contact: person(`c${from + k}`, `Person ${from + k}`),
      }));
    const checkpoints = () => db.models.BookCheckpoint.countDocuments({ key: book });
    await writer.applyWrites(book, batch(0));
    slow = true;
    await writer.applyWrites(book, batch(600));
    slow = false;
    assert.equal(await checkpoints(), 0, "a checkpoint competed with the import's next batch");
    await new Promise((r) => setTimeout(r, 1500));
    await writer.settled();
    assert.equal(await checkpoints(), 1, "the pause after the import's last batch brings a checkpoint");
  });

  it("loses no write that races checkpoints and cache refreshes on another instance", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    const writer = createContactStore({ models: db.models, clock: () => new Date() });
    const reader = createContactStore({ models: db.models, clock: () => new Date() });
    await writer.createBook({ id: book, kind: "pab", name: "Busy", owner: "admin" });
    let writing = true;
    const writes = (async () => {
      for (let round = 0; round < 12; round++) {
        const ops = Array.from({ length: 120 }, (_, k) => {
          const uid = `c${(round * 53 + k * 3) % 700}`;
          return round % 4 === 3 && k % 5 === 0
            ? { op: "delete" as const, uid }
            : { op: "put" as const, uid, contact: person(uid, `Person ${uid} round ${round}`) };
        });
        await writer.applyWrites(book, ops);
      }
      writing = false;
    })();
    const reads = (async () => {
      while (writing) {
        await fullRead(reader, book, 250);
        await reader.checkpoint(book);
        await reader.search(book, { text: "round" }, 50);
      }
    })();
    await Promise.all([writes, reads]);
    await Promise.all([writer.settled(), reader.settled()]);

    const truth = await logTruth(writer, book);
    assert.ok(truth.size > 300);
    assert.deepEqual(etagsOf(await fullRead(reader, book)), truth, "the reading instance's cache");
    assert.deepEqual(etagsOf(await fullRead(writer, book)), truth, "the writing instance's cache");
    const fresh = createContactStore({ models: db.models, clock: () => new Date() });
    assert.deepEqual(etagsOf(await fullRead(fresh, book)), truth, "a fresh instance from the checkpoint");
    const searched = await reader.search(book, {}, 1000);
    assert.deepEqual(new Map(searched.contacts.map((c) => [c.uid, c.etag])), truth, "search over the cache");
  });

  it("stores a checkpoint's unchanged parts once: a checkpoint after a few edits writes only the parts they touched", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    const store = createContactStore({ models: db.models, clock: () => new Date() });
    await store.createBook({ id: book, kind: "pab", name: "Parts", owner: "admin" });
    await store.applyWrites(
      book,
      Array.from({ length: 6000 }, (_, k) => ({
        op: "put" as const,
        uid: `c${k}`,
        contact: person(`c${k}`, `Person ${k}`),
      })),
    );
    await store.settled();
    const partIds = async () =>
      new Set(
        (await db.models.CheckpointPart.find({ _id: { $regex: `^${book}@` } }, { _id: 1 }).lean()).map((d) =>
          String(d._id),
        ),
      );
    const before = await partIds();
    assert.ok(before.size >= 3, `${before.size} parts`);
    await store.applyWrites(book, [
      { op: "put", uid: "c10", contact: person("c10", "Edited") },
      { op: "delete", uid: "c3000" },
    ]);
    assert.equal(await store.checkpoint(book), true);
    const added = [...(await partIds())].filter((id) => !before.has(id));
    assert.ok(added.length >= 1 && added.length <= 3, `${added.length} parts written for two edits`);
    const fresh = createContactStore({ models: db.models, clock: () => new Date() });
    const read = await fullRead(fresh, book);
    assert.equal(read.length, 5999);
    assert.equal(read.find((c) => c.uid === "c10")?.contact?.displayName, "Edited");
  });

  it("keeps a book that once held many contacts as light as what it holds: tombstones carry no content in checkpoints", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    const store = createContactStore({ models: db.models, clock: () => new Date() });
    await store.createBook({ id: book, kind: "pab", name: "Emptied", owner: "admin" });
    const uids = Array.from({ length: 3000 }, (_, k) => `c${k}`);
    await store.applyWrites(
      book,
      uids.map((uid) => ({ op: "put" as const, uid, contact: person(uid, `Person ${uid}`) })),
    );
    // In batches small enough to finish within a lease on a loaded machine.
    for (let k = 10; k < uids.length; k += 250)
      await store.applyWrites(
        book,
        uids.slice(k, k + 250).map((uid) => ({ op: "delete" as const, uid })),
      );
    await store.settled(); // the cache checkpoints by itself after 512 changes, once writes pause
    await store.checkpoint(book);
    const loaded = await createCheckpoints(db.models).load(book);
    const tombstones = loaded!.versions.filter((v) => v.deleted);
    assert.equal(tombstones.length, 2990);
    assert.ok(tombstones.every((v) => v.text === null));
    const fresh = createContactStore({ models: db.models, clock: () => new Date() });
    assert.equal((await fullRead(fresh, book)).length, 10);
    // The deleted content stays in the database, for restore.
    assert.equal((await fresh.deletedVersion(book, "c2999")).displayName, "Person c2999");
  });

  it("reads checkpoint parts stored before contacts were kept as text, holding each contact as an object", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    const store = createContactStore({ models: db.models, clock: () => new Date() });
    await store.createBook({ id: book, kind: "pab", name: "Old parts", owner: "admin" });
    const uids = Array.from({ length: 50 }, (_, k) => `c${k}`);
    await store.applyWrites(
      book,
      uids.map((uid) => ({ op: "put" as const, uid, contact: person(uid, `Person ${uid}`) })),
    );
    await store.applyWrites(book, [{ op: "delete", uid: "c7" }]);
    await store.checkpoint(book);
    const expected = etagsOf(await fullRead(store, book));
    // Rewrite every part as the code before stored it: the contact itself under `c`, null for a tombstone.
    const parts = await db.models.CheckpointPart.collection.find({ _id: { $regex: `^${book}@` } as never }).toArray();
    assert.ok(parts.length > 0);
    for (const part of parts) {
      const data = part.data as { buffer: Uint8Array };
      const entries = JSON.parse(inflateRawSync(data.buffer).toString("utf8")) as { j?: string; c?: unknown }[];
      const old = entries.map(({ j, ...e }) => ({ ...e, c: j === undefined ? null : JSON.parse(j) }));
      await db.models.CheckpointPart.collection.updateOne(
        { _id: part._id },
        { $set: { data: deflateRawSync(Buffer.from(JSON.stringify(old))) } },
      );
    }
    const fresh = createContactStore({ models: db.models, clock: () => new Date() });
    const read = await fullRead(fresh, book);
    assert.deepEqual(etagsOf(read), expected);
    assert.equal(read.find((c) => c.uid === "c42")?.contact?.displayName, "Person c42");
    assert.ok(!read.some((c) => c.uid === "c7" && !c.deleted));
  });

  it("refuses a write on A to a book B deleted since A's last write there, and leaves it no lease", async () => {
    const owner = await a.deps.accounts.createUser({
      username: `o${randomUUID().slice(0, 6)}`,
      password: "owner-password-1",
    });
    const book = owner.primaryBook;
    const put = (uid: string) => [{ op: "put" as const, uid, contact: person(uid, uid) }];
    await a.deps.store.applyWrites(book, put("first"));
    await a.deps.store.applyWrites(book, put("second")); // A now knows the version it released last
    await b.deps.books.deletePab(book);
    await assert.rejects(a.deps.store.applyWrites(book, put("third")), { kind: "not-found" });
    assert.equal(await db.models.BookLease.countDocuments({ key: book }), 0);
    assert.equal(await db.models.BookLeaseHint.countDocuments({ _id: book }), 0, "the refused write left a hint");
    assert.equal(await db.models.ContactDoc.countDocuments({ book }), 0);
    // A book created again under that id takes writes: nothing of the old one stands in its way.
    await a.deps.store.createBook({ id: book, kind: "pab", name: "Again", owner: owner.username });
    const [again] = await a.deps.store.applyWrites(book, put("fourth"));
    assert.equal(again.status, "created");
  });

  it("takes turns on one book between two instances, each write after the other's, none lost", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    const [one, two] = [a, b].map(() => createContactStore({ models: db.models, clock: () => new Date() }));
    await one.createBook({ id: book, kind: "pab", name: "Turns", owner: "admin" });
    for (let i = 0; i < 20; i++) {
      const writer = i % 3 === 0 ? two : one; // runs of writes on one instance, then the other
      const [r] = await writer.applyWrites(book, [{ op: "put", uid: `c${i}`, contact: person(`c${i}`, `P ${i}`) }]);
      assert.equal(r.status, "created");
    }
    const changes = await fullRead(createContactStore({ models: db.models, clock: () => new Date() }), book);
    assert.deepEqual(
      changes.map((c) => c.uid),
      changes.map((_, i) => `c${i}`),
    );
    const docs = await db.models.ContactDoc.find({ book }).lean();
    assert.deepEqual(
      docs.map((d) => d.seq).sort((x, y) => x - y),
      docs.map((_, i) => i + 1),
      "every write took the next position: none wrote under a lease another instance held",
    );
  });

  it("drops a deleted book's checkpoints with it", async () => {
    const owner = await a.deps.accounts.createUser({
      username: `o${randomUUID().slice(0, 6)}`,
      password: "owner-password-1",
    });
    const book = owner.primaryBook;
    const writer = createContactStore({ models: db.models, clock: () => new Date() });
    await writer.applyWrites(
      book,
      Array.from({ length: 600 }, (_, k) => ({
        op: "put" as const,
        uid: `c${k}`,
        contact: person(`c${k}`, `Person ${k}`),
      })),
    );
    await writer.checkpoint(book);
    const parts = () => db.models.CheckpointPart.countDocuments({ _id: { $regex: `^${book}@` } });
    assert.ok((await parts()) > 0);
    await a.deps.books.deletePab(book);
    assert.equal(await parts(), 0);
    assert.equal(await db.models.BookCheckpoint.countDocuments({ key: book }), 0);
  });

  it("keeps no more contacts cached than its cap, dropping the least recently used book, and still reads every book whole", async () => {
    const store = createContactStore({ models: db.models, clock: () => new Date(), cacheMaxContacts: 150 });
    const ids = [`b${randomUUID().slice(0, 8)}`, `b${randomUUID().slice(0, 8)}`];
    for (const id of ids) {
      await store.createBook({ id, kind: "pab", name: "Capped", owner: "admin" });
      await store.applyWrites(
        id,
        Array.from({ length: 100 }, (_, k) => ({
          op: "put" as const,
          uid: `c${k}`,
          contact: person(`c${k}`, `Person ${k}`),
        })),
      );
    }
    for (const id of [...ids, ...ids]) {
      assert.equal((await fullRead(store, id)).length, 100);
      assert.equal((await store.search(id, { text: "person 4" }, 50)).contacts.length, 11);
      assert.ok(store.cache.size().versions <= 150, `${store.cache.size().versions} versions cached`);
    }
    const big = createContactStore({ models: db.models, clock: () => new Date(), cacheMaxContacts: 50 });
    assert.equal((await fullRead(big, ids[0], 30)).length, 100, "a book larger than the cap is still read whole");
    assert.equal(big.cache.size().versions, 0);
  });

  it("leaves a book complete and readable when the process writing its checkpoint is killed with SIGKILL", async () => {
    const book = `b${randomUUID().slice(0, 8)}`;
    const writer = createContactStore({ models: db.models, clock: () => new Date() });
    await writer.createBook({ id: book, kind: "pab", name: "Killed", owner: "admin" });
    const acked = new Map<string, string>();
    let round = 0;
    async function writeRound() {
      const ops = Array.from({ length: 300 }, (_, k) => {
        const uid = `c${(round * 137 + k * 7) % 2000}`;
        return { op: "put" as const, uid, contact: person(uid, `Person ${uid} round ${round}`) };
      });
      round++;
      for (const r of await writer.applyWrites(book, ops)) if (r.etag) acked.set(r.uid, r.etag);
    }
    for (let run = 0; run < 2; run++) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "test/support/checkpoint-loop.ts", await testDatabaseUri(), db.connection.name, book],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let started = 0;
      let gone = false;
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      void exited.then(() => (gone = true));
      child.stdout.on("data", (chunk: Buffer) => {
        started += chunk.toString().split("checkpoint").length - 1;
      });
      // Writes go on while the child checkpoints; it is killed at a random moment of its work. A
      // child that died or stalls fails the test here with what it did, not by the test's timeout.
      for (let rounds = 0; started < 3; rounds++) {
        assert.ok(!gone, `the checkpointing process exited after starting ${started} checkpoints`);
        assert.ok(
          rounds < 60,
          `the checkpointing process started ${started} checkpoints in ${rounds} rounds of writes`,
        );
        await writeRound();
      }
      await writeRound();
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      child.kill("SIGKILL");
      await exited;
    }
    const fresh = createContactStore({ models: db.models, clock: () => new Date() });
    const truth = await logTruth(fresh, book);
    const read = etagsOf(await fullRead(fresh, book));
    assert.deepEqual(read, truth, "a full read from the checkpoint agrees with the log");
    for (const [uid, etag] of acked)
      assert.equal(read.get(uid), etag, `acknowledged contact ${uid} is read as written`);
  });
});
