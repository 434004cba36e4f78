// Import jobs held in the database: a job whose runner dies is carried on by another instance once
// its lease ran out, never while it is live, and ends with exactly the right contacts; cancel stops
// it between chunks; uploads older than a day go in the daily pass.
import assert from "node:assert/strict";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { createImportService, type ImportServiceDeps } from "../../server/imports";
import { contactSchema } from "../../core/contact/contact";
import { analyzeImport, exportWriter } from "../../core/formats/import";
import { INLINE_BYTES, openRecords } from "../../server/imports/analyze-worker";
import { packBytes, packedBytes } from "../../server/imports/compressed-bytes";
import type { ContactStore } from "../../server/store/contract";
import { testApp, type TestApp } from "../support/app";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const never = () => new Promise<void>(() => undefined);

describe("import jobs", function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => t.close());

  const file = Buffer.from(
    `First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Labels\r\n${Array.from(
      { length: 10 },
      (_, i) => `P${i},Q,* Work,p${i}@x.test,* myContacts\r\n`,
    ).join("")}`,
  );

  const service = (more: Partial<ImportServiceDeps> = {}) =>
    createImportService({
      contacts: t.deps.store,
      imports: t.deps.imports,
      photos: t.deps.photos,
      clock: () => new Date(),
      config: { importMaxRows: 1000 },
      chunkRows: 3,
      leaseMs: 30_000,
      ...more,
    });

  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 400; i++) {
      const v = await read();
      if (ok(v)) return v;
      await sleep(25);
    }
    throw new Error("timed out");
  }
  const jobOf = async (id: string) => (await t.deps.imports.get(id))!.job;
  const live = async (book: string) => (await t.deps.store.listContacts(book, undefined, 1000)).contacts;
  /** Another instance carries a job whose runner died on to its end, once the lease ran out. */
  async function carriedOn(id: string, t0: Date, more: Partial<ImportServiceDeps> = {}) {
    await service({ clock: () => new Date(t0.getTime() + 60_000), ...more }).resumeStalled();
    return await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
  }
  /** The imports store, but the record of one chunk (its blob `key`) never lands. */
  const neverStoring = (key: string): ImportServiceDeps["imports"] => ({
    ...t.deps.imports,
    putOnce: (id, k, data) => (k === key ? never().then(() => data) : t.deps.imports.putOnce(id, k, data)),
  });

  it("is carried on by a second instance once the dead runner's lease ran out, never before, without duplicates", async () => {
    const u = await t.user("resume1");
    const t0 = new Date();
    const first = service({ clock: () => t0, afterChunk: async (_id, k) => (k === 0 ? never() : undefined) });
    const { id } = await first.upload({ _id: u.username }, u.primaryBook, file);
    await first.commit({ _id: u.username }, id, "skip");
    await until(
      () => jobOf(id),
      (j) => j.chunks === 1,
    );

    const sameTime = service({ clock: () => t0 });
    assert.deepEqual(await sameTime.resumeStalled(), [], "a live lease is left alone");
    await sameTime.run(id);
    assert.equal((await jobOf(id)).chunks, 1, "a second runner does not run a held job");

    const later = service({ clock: () => new Date(t0.getTime() + 60_000) });
    assert.deepEqual(await later.resumeStalled(), [id]);
    const done = await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    assert.deepEqual([done.created, done.done, done.total, done.errorCount], [10, 10, 10, 0]);
    const contacts = await live(u.primaryBook);
    assert.equal(contacts.length, 10);
    assert.equal(new Set(contacts.map((c) => c.contact.emails[0].address)).size, 10);
  });

  it("writes a chunk the dead runner wrote but never recorded once, and counts it once", async () => {
    const u = await t.user("resume2");
    const t0 = new Date();
    let calls = 0;
    const dying: Pick<ContactStore, "applyWrites" | "listContacts" | "lookup"> = {
      listContacts: (...a) => t.deps.store.listContacts(...a),
      lookup: (...a) => t.deps.store.lookup(...a),
      applyWrites: async (...a) => {
        const results = await t.deps.store.applyWrites(...a);
        if (++calls === 2) await never(); // dies after its second chunk landed, before recording it
        return results;
      },
    };
    const first = service({ clock: () => t0, contacts: dying });
    const { id } = await first.upload({ _id: u.username }, u.primaryBook, file);
    await first.commit({ _id: u.username }, id, "skip");
    await until(
      () => live(u.primaryBook),
      (cs) => cs.length === 6,
    );
    assert.equal((await jobOf(id)).chunks, 1);

    const done = await carriedOn(id, t0);
    assert.deepEqual([done.created, done.skipped, done.errorCount], [10, 0, 0]);
    assert.equal((await live(u.primaryBook)).length, 10);
  });

  it("carries on a runner that died recording a chunk after it planned the next, each record once", async () => {
    const u = await t.user("resume3");
    const t0 = new Date();
    // Its record of chunk 1 never lands: the runner plans chunk 2 meanwhile, then waits for it.
    const first = service({ clock: () => t0, imports: neverStoring("done:1") });
    const { id } = await first.upload({ _id: u.username }, u.primaryBook, file);
    await first.commit({ _id: u.username }, id, "skip");
    await until(
      () => t.deps.imports.blob(id, "plan:2"),
      (plan) => plan !== null,
    );
    assert.equal((await jobOf(id)).chunks, 1, "chunk 1 is written, its record never made");

    const done = await carriedOn(id, t0);
    assert.deepEqual([done.created, done.skipped, done.errorCount], [10, 0, 0]);
    const contacts = await live(u.primaryBook);
    assert.equal(contacts.length, 10);
    assert.equal(new Set(contacts.map((c) => c.contact.emails[0].address)).size, 10);
  });

  const ann = contactSchema.parse({
    uid: "ann",
    displayName: "Ann Lee",
    emails: [{ address: "a@x.test" }],
    phones: [{ type: "business", number: "123" }],
  });
  // Row 2 finds Ann by name and phone and gives her a new address; rows 3 and 4 find her by the
  // old one (with a chunk a row, row 4 is planned by a runner that carries on after the first died).
  const updates = Buffer.from(
    "First Name,Last Name,E-mail Address,Business Phone\r\nAnn,Lee,b@x.test,123\r\n,,a@x.test,\r\n,,a@x.test,\r\n",
  );

  it("carries on with the next chunk's stored plan, not one made again against a book changed since", async () => {
    const u = await t.user("resume4");
    await t.deps.store.applyWrites(u.primaryBook, [{ op: "put", uid: "ann", contact: ann }]);
    const t0 = new Date();
    const first = service({ clock: () => t0, imports: neverStoring("done:0"), chunkRows: 1 });
    // Rows 3 and 4 find Ann by her address; the runner dies with row 3's update planned.
    const file = Buffer.from(
      "First Name,Last Name,E-mail Address,Business Phone\r\nBo,Ek,bo@x.test,\r\n,,a@x.test,\r\n,,a@x.test,\r\n",
    );
    const { id } = await first.upload({ _id: u.username }, u.primaryBook, file);
    await first.commit({ _id: u.username }, id, "update");
    await until(
      () => t.deps.imports.blob(id, "plan:1"),
      (plan) => plan !== null,
    );
    // Someone gives Ann another address meanwhile: planned again, row 3 would be a create, which
    // row 4 would then find under a uid no plan wrote ("... deleted meanwhile").
    const [current] = await t.deps.store.lookup(u.primaryBook, ["ann"]);
    await t.deps.store.applyWrites(u.primaryBook, [
      { op: "put", uid: "ann", contact: { ...current.contact!, emails: [{ type: "other", address: "z@x.test" }] } },
    ]);
    const done = await carriedOn(id, t0, { chunkRows: 1 });
    assert.deepEqual(
      [done.created, done.updated, done.errors],
      [1, 1, [{ row: 3, message: "the contact it duplicates changed while the import ran" }]],
    );
    const byUid = new Map((await live(u.primaryBook)).map((c) => [c.uid, c.contact.emails.map((e) => e.address)]));
    assert.deepEqual(byUid.get("ann"), ["a@x.test"], "row 4 updated Ann, whom the stored plan found");
    assert.equal(byUid.size, 2);
  });

  /** The same update-mode import into a book holding Ann, run through and with its runner dying
   *  after chunk 0 (a record a chunk): what each did, and the book it left. */
  async function throughAndResumed(file: Buffer, name: string) {
    const outcomes = [];
    for (const dies of [false, true]) {
      const u = await t.user(`${name}${dies ? 2 : 1}`);
      await t.deps.store.applyWrites(u.primaryBook, [{ op: "put", uid: "ann", contact: ann }]);
      const t0 = new Date();
      const afterChunk = async (_id: string, k: number) => (dies && k === 0 ? never() : undefined);
      const first = service({ clock: () => t0, chunkRows: 1, afterChunk });
      const { id } = await first.upload({ _id: u.username }, u.primaryBook, file);
      await first.commit({ _id: u.username }, id, "update");
      if (dies)
        await until(
          () => jobOf(id),
          (j) => j.chunks === 1,
        );
      const done = dies
        ? await carriedOn(id, t0, { chunkRows: 1 })
        : await until(
            () => jobOf(id),
            (j) => j.state === "done",
          );
      const book = (await live(u.primaryBook))
        .map((c) => [c.uid === "ann" ? "ann" : "new", c.contact.emails.map((e) => e.address)])
        .sort();
      outcomes.push({ updated: done.updated, created: done.created, book });
    }
    return outcomes;
  }

  it("finds a contact by an address an earlier update of the same import replaced, resumed or not", async () => {
    const [through, resumed] = await throughAndResumed(updates, "keys");
    assert.deepEqual(through, { updated: 3, created: 0, book: [["ann", ["a@x.test"]]] });
    assert.deepEqual(resumed, through, "the resumed import ends as the one that ran through");
  });

  it("finds a contact by an address an update planned before a restart gave it, resumed or not", async () => {
    // Row 3 gives Ann c@x (planned while chunk 0 is recorded, then the runner dies); row 4 has c@x.
    const file = Buffer.from(
      "First Name,Last Name,E-mail Address,Business Phone\r\nBo,Ek,bo@x.test,\r\nAnn,Lee,c@x.test,123\r\n,,c@x.test,\r\n",
    );
    const [through, resumed] = await throughAndResumed(file, "keys3");
    assert.deepEqual(through, {
      updated: 2,
      created: 1,
      book: [
        ["ann", ["c@x.test"]],
        ["new", ["bo@x.test"]],
      ],
    });
    assert.deepEqual(resumed, through, "the resumed import ends as the one that ran through");
  });

  const planOf = async (id: string, k: number) =>
    JSON.parse(inflateRawSync((await t.deps.imports.blob(id, `plan:${k}`))!).toString()) as Record<string, unknown>[];

  it("stores each chunk's plan as decisions (record, action, uid), not the contacts it writes", async () => {
    const u = await t.user("plan1");
    const s = service();
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, file);
    await s.commit({ _id: u.username }, id, "skip");
    await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    const plan = await planOf(id, 0);
    assert.deepEqual(
      plan,
      [2, 3, 4].map((row) => ({ row, action: "create", uid: `${id}-${row}` })),
    );
    assert.equal((await live(u.primaryBook)).length, 10);
  });

  it("resumes a chunk of updates its dead runner planned, merging each record into the version the plan saw", async () => {
    const u = await t.user("plan2");
    const before = Array.from({ length: 10 }, (_, i) =>
      contactSchema.parse({
        uid: `old${i}`,
        displayName: `Old ${i}`,
        company: "Kept",
        emails: [{ address: `p${i}@x.test` }],
      }),
    );
    await t.deps.store.applyWrites(
      u.primaryBook,
      before.map(({ uid, ...contact }) => ({ op: "put", uid, contact: { uid, ...contact } })),
    );
    const t0 = new Date();
    const dying = service({
      clock: () => t0,
      contacts: {
        listContacts: (...a) => t.deps.store.listContacts(...a),
        lookup: (...a) => t.deps.store.lookup(...a),
        applyWrites: async () => never().then(() => []), // dies with its first chunk planned, nothing written
      },
    });
    const { id } = await dying.upload({ _id: u.username }, u.primaryBook, file);
    await dying.commit({ _id: u.username }, id, "update");
    await until(
      () => t.deps.imports.blob(id, "plan:0"),
      (b) => b !== null,
    );
    // Someone edits a contact the stored plan updates: the plan's update no longer applies to it.
    const [edited] = await t.deps.store.lookup(u.primaryBook, ["old0"]);
    await t.deps.store.applyWrites(u.primaryBook, [
      { op: "put", uid: "old0", contact: { ...edited.contact!, jobTitle: "Edited meanwhile" } },
    ]);
    await service({ clock: () => new Date(t0.getTime() + 60_000) }).resumeStalled();
    const done = await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    assert.deepEqual([done.updated, done.created, done.errorCount], [9, 0, 1]);
    const byUid = new Map((await live(u.primaryBook)).map((c) => [c.uid, c.contact]));
    assert.equal(byUid.size, 10);
    assert.equal(byUid.get("old0")?.jobTitle, "Edited meanwhile", "a contact changed since the plan is left as it is");
    for (let i = 1; i < 10; i++) {
      const c = byUid.get(`old${i}`)!;
      assert.deepEqual([c.company, c.name?.given, c.emails[0].address], ["Kept", `P${i}`, `p${i}@x.test`]);
    }
  });

  it("stores an upload packed, in a fraction of its bytes, and reads the same records from it", async () => {
    const u = await t.user("packed1");
    const s = service({ config: { importMaxRows: 10_000 }, chunkRows: 2000 });
    const outlook = exportWriter("outlook-csv");
    const people = Array.from({ length: 5000 }, (_, i) =>
      contactSchema.parse({ uid: `p${i}`, displayName: `P${i} Q`, emails: [{ address: `p${i}@x.test` }] }),
    );
    const big = Buffer.from(outlook.head + outlook.rows(people));
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, big);
    const stored = (await t.deps.imports.upload(id))!;
    assert.ok(stored.length < big.length / 5, `${stored.length} bytes stored for ${big.length}`);
    await s.commit({ _id: u.username }, id, "skip");
    const done = await until(
      () => jobOf(id),
      (j) => j.state !== "running",
    );
    assert.deepEqual([done.state, done.created, done.errorCount], ["done", 5000, 0]);
  });

  it("runs an import uploaded before uploads were packed, from its bytes as they came", async () => {
    const u = await t.user("packed2");
    const s = service();
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, file);
    const { packed: _packed, ...job } = await jobOf(id);
    const old = { ...job, id: `${id}old` };
    await t.deps.imports.create(old, file);
    await s.commit({ _id: u.username }, old.id, "skip");
    const done = await until(
      () => jobOf(old.id),
      (j) => j.state !== "running",
    );
    assert.deepEqual([done.state, done.created, done.errorCount], ["done", 10, 0]);
    assert.equal((await live(u.primaryBook)).length, 10);
  });

  it("writes the contacts of a plan stored with its contacts, as plans were before they held decisions only", async () => {
    const u = await t.user("plan3");
    const s = service();
    const { id, preview } = await s.upload({ _id: u.username }, u.primaryBook, file);
    const rows = preview.slice(0, 3).map((p) => p.row);
    const stored = rows.map((row) => ({
      row,
      action: "create",
      uid: `${id}-${row}`,
      contact: contactSchema.parse({ uid: `${id}-${row}`, displayName: `Planned ${row}` }),
    }));
    await t.deps.imports.putOnce(id, "plan:0", deflateRawSync(Buffer.from(JSON.stringify(stored))));
    await s.commit({ _id: u.username }, id, "skip");
    const done = await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    assert.deepEqual([done.created, done.errorCount], [10, 0]);
    const names = (await live(u.primaryBook)).map((c) => c.contact.displayName).sort();
    const fromFile = Array.from({ length: 7 }, (_, i) => `P${i + 3} Q`);
    assert.deepEqual(names, [...fromFile, ...rows.map((row) => `Planned ${row}`)]);
  });

  it("stores the photo of an imported vCard in the photo store and the contact names it by its hash", async () => {
    const u = await t.user("plan4");
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001", "hex");
    const card = (n: number) =>
      `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pic ${n}\r\nN:${n};Pic;;;\r\n` +
      `PHOTO;ENCODING=b;TYPE=PNG:${png.toString("base64")}\r\nEND:VCARD\r\n`;
    const s = service();
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, Buffer.from([1, 2, 3, 4].map(card).join("")));
    await s.commit({ _id: u.username }, id, "add");
    const done = await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    assert.deepEqual([done.created, done.errorCount], [4, 0]);
    const contacts = await live(u.primaryBook);
    assert.equal(contacts.length, 4);
    for (const c of contacts) {
      assert.equal(c.contact.photo?.data, undefined, "no inline photo is stored with the contact");
      assert.deepEqual(Buffer.from((await t.deps.photos.load(c.contact.photo!.hash!))!), png);
    }
  });

  it("cancels between chunks, keeps what was written until undone, and drops its plans after a day", async () => {
    const u = await t.user("cancel1");
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const s = service({ afterChunk: async (_id, k) => (k === 0 ? gate : undefined) });
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, file);
    await s.commit({ _id: u.username }, id, "skip");
    await until(
      () => jobOf(id),
      (j) => j.chunks === 1,
    );
    assert.equal((await s.cancel({ _id: u.username }, id)).state, "running");
    release();
    const cancelled = await until(
      () => jobOf(id),
      (j) => j.state === "cancelled",
    );
    assert.deepEqual([cancelled.done, cancelled.created], [3, 3]);
    assert.equal((await live(u.primaryBook)).length, 3);
    // A day later the upload and the plans go, the plan of the chunk it never wrote among them.
    await service({ clock: () => new Date(Date.now() + 25 * 3600_000) }).purgeExpired();
    for (const key of ["upload", "plan:0", "plan:1"]) assert.equal(await t.deps.imports.blob(id, key), null, key);
    assert.equal((await s.undo({ _id: u.username }, id)).state, "undoing");
    const undone = await until(
      () => jobOf(id),
      (j) => j.state === "undone",
    );
    assert.deepEqual(undone.undone, { removed: 3, restored: 0, kept: 0 });
    assert.equal((await live(u.primaryBook)).length, 0);
  });

  it("leaves a contact changed after the import as it is when undoing", async () => {
    const u = await t.user("undo2");
    const s = service();
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, file);
    await s.commit({ _id: u.username }, id, "skip");
    await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    const [one] = await live(u.primaryBook);
    await t.deps.store.applyWrites(u.primaryBook, [
      { op: "put", uid: one.uid, contact: { ...one.contact, company: "Edited" } },
    ]);
    await s.undo({ _id: u.username }, id);
    const undone = await until(
      () => jobOf(id),
      (j) => j.state === "undone",
    );
    assert.deepEqual(undone.undone, { removed: 9, restored: 0, kept: 1 });
    assert.equal((await live(u.primaryBook))[0]?.contact.company, "Edited");
  });

  it("carries an undo on after its runner died, removing each contact once", async () => {
    const u = await t.user("undo3");
    const s = service();
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, file);
    await s.commit({ _id: u.username }, id, "skip");
    await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    const t0 = new Date();
    let calls = 0;
    const dying = service({
      clock: () => t0,
      contacts: {
        listContacts: (...a) => t.deps.store.listContacts(...a),
        lookup: (...a) => t.deps.store.lookup(...a),
        applyWrites: async (...a) => {
          const results = await t.deps.store.applyWrites(...a);
          if (++calls === 2) await never(); // dies after undoing its second chunk, before recording it
          return results;
        },
      },
    });
    await dying.undo({ _id: u.username }, id);
    await until(
      () => live(u.primaryBook),
      (cs) => cs.length === 4,
    );
    await service({ clock: () => new Date(t0.getTime() + 60_000) }).resumeStalled();
    const undone = await until(
      () => jobOf(id),
      (j) => j.state === "undone",
    );
    assert.deepEqual(undone.undone, { removed: 10, restored: 0, kept: 0 });
    assert.equal((await live(u.primaryBook)).length, 0);
  });

  it("refuses a record over MAX_CONTACT_BYTES as that record's error and imports the others", async () => {
    const u = await t.user("limits1");
    const s = service({ config: { importMaxRows: 1000, maxContactBytes: 1024 } });
    const big = Buffer.from(`First Name,Notes\r\nSmall,hi\r\nBig,${"x".repeat(2000)}\r\n`);
    const { id, preview } = await s.upload({ _id: u.username }, u.primaryBook, big);
    assert.match(preview[1].error ?? "", /^the contact is \d+ bytes .* over the limit of 1024 \(MAX_CONTACT_BYTES\)$/);
    await s.commit({ _id: u.username }, id, "skip");
    const done = await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    assert.deepEqual([done.created, done.errors.map((e) => e.row)], [1, [3]]);
  });

  it("reads a large file on a worker thread, with the same answers and errors", async () => {
    const u = await t.user("worker1");
    const note = "n".repeat(3000);
    const csv = (rows: number) =>
      Buffer.from(`First Name,Notes\r\n${Array.from({ length: rows }, (_, i) => `W${i},${note}\r\n`).join("")}`);
    assert.ok(csv(900).length > INLINE_BYTES);
    const s = service({ config: { importMaxRows: 1000 } });
    const preview = await s.upload({ _id: u.username }, u.primaryBook, csv(900));
    assert.deepEqual([preview.format, preview.rows, preview.preview[19].contact?.displayName], ["csv", 900, "W19"]);
    await assert.rejects(
      s.upload({ _id: u.username }, u.primaryBook, csv(1001)),
      (e: Error & { kind?: string }) => e.kind === "too-large" && /1001 records/.test(e.message),
    );
  });

  const csvOf = (rows: number, note: string) =>
    Buffer.from(`First Name,Notes\r\n${Array.from({ length: rows }, (_, i) => `R${i},${note}\r\n`).join("")}`);
  const vcardsOf = (cards: number, note: string) =>
    Buffer.from(
      Array.from(
        { length: cards },
        (_, i) => `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:v${i}\r\nFN:V${i}\r\nNOTE:${note}\r\nEND:VCARD\r\n`,
      ).join(""),
    );
  for (const [size, bytes, format] of [
    ["a small file, inline", csvOf(40, "n"), "csv"],
    ["a large CSV file, on this thread from the upload as stored", csvOf(900, "n".repeat(3000)), "csv"],
    ["a large vCard file, on a worker thread", vcardsOf(900, "n".repeat(3000)), "vcard"],
  ] as const)
    it(`hands a running import ${size}: a chunk of records at a time, from the record it resumes at`, async () => {
      assert.equal(bytes.length >= INLINE_BYTES, !size.startsWith("a small"));
      const whole = analyzeImport(bytes).rows;
      const cursor = await openRecords(packedBytes(packBytes(bytes)), {}, { skip: 7, batch: 5 });
      try {
        assert.equal(cursor.meta.format, format);
        const got = [];
        for (let batch = await cursor.next(); batch.length; batch = await cursor.next()) {
          assert.ok(batch.length <= 5, "never more than a chunk at once");
          got.push(...batch);
        }
        assert.equal(got.length, whole.length - 7);
        assert.deepEqual(got, whole.slice(7));
      } finally {
        cursor.close();
      }
    });

  it("reads a large CSV file for a dry run, or from where a resumed import stopped, a slice at a time, other work running between", async () => {
    const bytes = csvOf(300, "n".repeat(10_000));
    assert.ok(bytes.length > INLINE_BYTES);
    for (const skip of [0, 250]) {
      const cursor = await openRecords(packedBytes(packBytes(bytes)), {}, { skip, batch: 1000 });
      // Other work: a chain of callbacks, each queued after the one before ran.
      let turns = 0;
      let other = true;
      const work = () => {
        turns++;
        if (other) setImmediate(work);
      };
      try {
        work();
        const rows = await cursor.next(); // as a dry run reads: nothing else awaited meanwhile
        assert.equal(rows.length, 300 - skip);
        assert.ok(turns > 2, `other work ran while it ${skip ? "skipped and read" : "read"} (${turns} turns)`);
      } finally {
        other = false;
        cursor.close();
      }
    }
  });

  it("hands out every record of a CSV file in order while it reads the next chunk ahead between writes", async () => {
    const bytes = csvOf(900, "n".repeat(3000));
    const whole = analyzeImport(bytes).rows;
    const cursor = await openRecords(packedBytes(packBytes(bytes)), {}, { batch: 250 });
    try {
      const got = [...(await cursor.next())];
      // While a chunk "is written" (this thread waits), the next one is read a slice at a time.
      await sleep(50);
      for (let batch = await cursor.next(); batch.length; batch = await cursor.next()) {
        got.push(...batch);
        await sleep(5);
      }
      assert.deepEqual(
        got.map((r) => r.row),
        whole.map((r) => r.row),
      );
      assert.deepEqual(got, whole);
    } finally {
      cursor.close();
    }
  });

  it("undoes an import a week old, its upload gone, putting back what it overwrote, until the tombstone retention", async () => {
    const u = await t.user("undo-week");
    const original = { displayName: "P0 Q", name: { given: "P0", family: "Q" }, company: "Original" };
    const p0 = contactSchema.parse({ uid: "p0", ...original, emails: [{ type: "work", address: "p0@x.test" }] });
    await t.deps.store.applyWrites(u.primaryBook, [{ op: "put", uid: "p0", contact: p0 }]);
    const t0 = Date.now();
    const at = (days: number) => service({ clock: () => new Date(t0 + days * 86_400_000) });
    const s = at(0);
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, file);
    await s.commit({ _id: u.username }, id, "update");
    const done = await until(
      () => jobOf(id),
      (j) => j.state !== "running",
    );
    assert.deepEqual([done.state, done.created, done.updated], ["done", 9, 1], JSON.stringify(done));

    await at(7).purgeExpired();
    assert.ok(await t.deps.imports.get(id), "the job stays");
    assert.equal(await t.deps.imports.upload(id), null, "the upload goes after a day");
    assert.equal(await t.deps.imports.blob(id, "plan:0"), null, "and so do the chunks' plans");
    await assert.rejects(
      at(7).preview({ _id: u.username }, id),
      (e: Error & { kind?: string }) => e.kind === "not-found",
    );

    assert.equal((await at(7).undo({ _id: u.username }, id)).state, "undoing");
    const undone = await until(
      () => jobOf(id),
      (j) => j.state === "undone",
    );
    assert.deepEqual(undone.undone, { removed: 9, restored: 1, kept: 0 });
    const left = await live(u.primaryBook);
    assert.deepEqual(
      left.map((c) => [c.uid, c.contact.company]),
      [["p0", "Original"]],
    );
    await at(8).purgeExpired();
    assert.equal(await t.deps.imports.get(id), null, "an undone import goes in the next pass");
  });

  it("refuses to undo an import past the tombstone retention, and removes it then", async () => {
    const u = await t.user("undo-late");
    const t0 = Date.now();
    const at = (days: number) =>
      service({
        clock: () => new Date(t0 + days * 86_400_000),
        config: { importMaxRows: 1000, tombstoneRetentionMs: 30 * 86_400_000 },
      });
    const { id } = await at(0).upload({ _id: u.username }, u.primaryBook, file);
    await at(0).commit({ _id: u.username }, id, "skip");
    await until(
      () => jobOf(id),
      (j) => j.state === "done",
    );
    await at(29).purgeExpired();
    assert.ok(await t.deps.imports.get(id));
    await assert.rejects(
      at(31).undo({ _id: u.username }, id),
      (e: Error & { kind?: string }) => e.kind === "conflict" && /too old/.test(e.message),
    );
    await at(31).purgeExpired();
    assert.equal(await t.deps.imports.get(id), null);
  });

  it("removes an import cancelled before it wrote anything after a day: there is nothing to undo", async () => {
    const u = await t.user("cancel-early");
    const t0 = Date.now();
    const s = service({ clock: () => new Date(t0) });
    const { id } = await s.upload({ _id: u.username }, u.primaryBook, file);
    assert.equal((await s.cancel({ _id: u.username }, id)).state, "cancelled");
    await service({ clock: () => new Date(t0 + 2 * 86_400_000) }).purgeExpired();
    assert.equal(await t.deps.imports.get(id), null);
  });

  it("removes uploads older than a day in the daily pass, and keeps newer ones", async () => {
    const u = await t.user("purge1");
    const s = service();
    const { id: old } = await s.upload({ _id: u.username }, u.primaryBook, file);
    const later = service({ clock: () => new Date(Date.now() + 25 * 3600_000) });
    const { id: fresh } = await later.upload({ _id: u.username }, u.primaryBook, file);
    assert.ok((await later.purgeExpired()) >= 1);
    assert.equal(await t.deps.imports.get(old), null);
    assert.equal(await t.deps.imports.upload(old), null);
    assert.ok(await t.deps.imports.get(fresh));
  });
});
