// The import API end to end over the real database: upload, preview, mapping, dry run, commit,
// duplicates, row errors, undo, limits, access; and export with the round trip back.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";
import { googleCsv, outlookCsv, outlookVCard21, thunderbirdLdif } from "../support/import-fixtures";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("import API", function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await testApp({ env: { IMPORT_MAX_ROWS: "50" }, config: { importMaxBytes: 200_000 } });
  });
  after(async () => t.close());

  type User = Awaited<ReturnType<TestApp["user"]>>;
  let n = 0;
  const fresh = () => t.user(`imp${++n}${Math.random().toString(36).slice(2, 6)}`);

  const upload = (u: User, book: string, file: Buffer, type = "text/csv", query = "") =>
    t.http().post(`/api/books/${book}/imports${query}`).set(u.auth).set("Content-Type", type).send(file);

  async function finish(u: User, id: string) {
    for (let i = 0; i < 200; i++) {
      const { body } = await t.http().get(`/api/imports/${id}`).set(u.auth).expect(200);
      if (!["running", "undoing"].includes(body.state)) return body;
      await sleep(50);
    }
    throw new Error("the import did not finish");
  }

  async function contactsOf(u: User, book: string) {
    const { body } = await t.http().get(`/api/books/${book}/contacts?limit=1000`).set(u.auth).expect(200);
    return body.contacts.map((c: { contact: { displayName: string } }) => c.contact) as {
      uid: string;
      displayName: string;
      emails: { address: string }[];
      company?: string;
      notes?: string;
    }[];
  }

  const outlookFile = () =>
    outlookCsv([
      { "First Name": "Jürgen", "Last Name": "Müller", Notes: "Line one\r\nLine two", "E-mail Address": "j@x.de" },
      { Company: "Zürich Versicherung", "Business Phone": "+41 44 123 45 67" },
      { "First Name": "Bad", "Last Name": "Date", Birthday: "31/31/1999" },
      { "First Name": "Eve", "Last Name": "Formula", Notes: "=1+2" },
    ]);

  it("previews an Outlook CSV, dry-runs and imports it, naming the line of the record in error and auditing as import", async () => {
    const u = await fresh();
    const res = await upload(u, u.primaryBook, outlookFile()).expect(201);
    assert.equal(res.body.format, "outlook");
    assert.equal(res.body.charset, "windows-1252");
    assert.equal(res.body.delimiter, ",");
    assert.equal(res.body.columns.length, 92);
    assert.equal(res.body.rows, 4);
    assert.equal(res.body.mapping["Last Name"], "name.family");
    assert.deepEqual(
      res.body.preview.map((r: { row: number; contact?: { displayName: string } }) => [r.row, r.contact?.displayName]),
      [
        [2, "Jürgen Müller"],
        [4, "Zürich Versicherung"],
        [5, undefined],
        [6, "Eve Formula"],
      ],
    );
    const id = res.body.id;
    const dry = await t.http().post(`/api/imports/${id}/dry-run`).set(u.auth).send({ duplicates: "skip" }).expect(200);
    assert.deepEqual(dry.body, {
      create: 3,
      update: 0,
      skip: 0,
      errors: [{ row: 5, message: 'Birthday: "31/31/1999" is not a date' }],
    });
    assert.deepEqual(await contactsOf(u, u.primaryBook), [], "a dry run writes nothing");
    await t.http().post(`/api/imports/${id}/commit`).set(u.auth).send({ duplicates: "skip" }).expect(202);
    const done = await finish(u, id);
    assert.deepEqual(
      [done.state, done.total, done.done, done.created, done.errors],
      ["done", 4, 4, 3, [{ row: 5, message: 'Birthday: "31/31/1999" is not a date' }]],
    );
    const names = (await contactsOf(u, u.primaryBook)).map((c) => c.displayName).sort();
    assert.deepEqual(names, ["Eve Formula", "Jürgen Müller", "Zürich Versicherung"]);
    const audit = await t.deps.audit.list({ book: u.primaryBook, limit: 10 });
    assert.deepEqual(
      audit.entries.map((e) => [e.surface, e.user, e.op]),
      Array(3).fill(["import", u.username, "create"]),
    );
    await t.http().post(`/api/imports/${id}/commit`).set(u.auth).send({}).expect(409);
  });

  it("imports Outlook's vCard 2.1, Google's CSV and Thunderbird's LDIF", async () => {
    const u = await fresh();
    for (const [file, type, format] of [
      [outlookVCard21, "text/x-vcard", "vcard"],
      [googleCsv, "text/csv", "google"],
      [thunderbirdLdif, "application/octet-stream", "ldif"],
    ] as const) {
      const res = await upload(u, u.primaryBook, file, type).expect(201);
      assert.equal(res.body.format, format);
      await t.http().post(`/api/imports/${res.body.id}/commit`).set(u.auth).send({}).expect(202);
      assert.equal((await finish(u, res.body.id)).state, "done");
    }
    const contacts = await contactsOf(u, u.primaryBook);
    assert.deepEqual(contacts.map((c) => c.displayName).sort(), [
      "Ada Lovelace",
      "Ann Smith",
      "Charles Babbage",
      "Grace Hopper",
      "Jürgen Müller",
    ]);
    assert.ok(
      contacts.some((c) => c.uid === "outlook-uid-1"),
      "a vCard keeps its UID",
    );
  });

  it("changes the guesses with PUT and saves, loads and removes named mappings", async () => {
    const u = await fresh();
    const file = Buffer.from("Who;Mail;Size\r\nKim;kim@x.test;42\r\n");
    const res = await upload(u, u.primaryBook, file).expect(201);
    assert.equal(res.body.format, "csv");
    assert.equal(res.body.delimiter, ";");
    const mapping = { Who: "displayName", Mail: "emails:work", Size: "notes" };
    const put = await t.http().put(`/api/imports/${res.body.id}`).set(u.auth).send({ mapping }).expect(200);
    assert.equal(put.body.preview[0].contact.notes, "Size: 42");
    await t
      .http()
      .put(`/api/imports/${res.body.id}`)
      .set(u.auth)
      .send({ mapping: { Who: "nonsense" } })
      .expect(400);
    await t.http().put("/api/import-mappings/crm").set(u.auth).send({ mapping }).expect(200);
    await t.http().put("/api/import-mappings/crm").set(u.auth).send({ mapping, shared: true }).expect(403);
    assert.deepEqual((await t.http().get("/api/import-mappings/crm").set(u.auth).expect(200)).body.mapping, mapping);
    const again = await upload(u, u.primaryBook, file, "text/csv", "?mapping=crm").expect(201);
    assert.deepEqual(again.body.preview[0].contact.emails, [{ type: "work", address: "kim@x.test" }]);
    const other = await fresh();
    await t.http().get("/api/import-mappings/crm").set(other.auth).expect(404);
    await t.http().delete("/api/import-mappings/crm").set(u.auth).expect(204);
    await t.http().get("/api/import-mappings/crm").set(u.auth).expect(404);
    await t.http().get(`/api/imports/${res.body.id}`).set(other.auth).expect(404);
  });

  it("skips, updates or adds duplicates as asked, and undo puts back what an update overwrote", async () => {
    const u = await fresh();
    const first = await upload(u, u.primaryBook, outlookVCard21, "text/vcard").expect(201);
    await t.http().post(`/api/imports/${first.body.id}/commit`).set(u.auth).send({}).expect(202);
    await finish(u, first.body.id);
    const changed = Buffer.from(
      "First Name,Last Name,E-mail Address,Company\r\nAnn,Smith,ANN@example.com,New Corp\r\nNew,Person,new@x.test,\r\n",
    );
    const second = await upload(u, u.primaryBook, changed).expect(201);
    for (const [mode, counts] of [
      ["skip", { create: 1, update: 0, skip: 1 }],
      ["update", { create: 1, update: 1, skip: 0 }],
      ["add", { create: 2, update: 0, skip: 0 }],
    ] as const) {
      const dry = await t.http().post(`/api/imports/${second.body.id}/dry-run`).set(u.auth).send({ duplicates: mode });
      assert.deepEqual(dry.body, { ...counts, errors: [] }, mode);
    }
    await t.http().post(`/api/imports/${second.body.id}/commit`).set(u.auth).send({ duplicates: "update" });
    const done = await finish(u, second.body.id);
    assert.deepEqual([done.created, done.updated], [1, 1]);
    let contacts = await contactsOf(u, u.primaryBook);
    assert.equal(contacts.length, 3);
    assert.equal(contacts.find((c) => c.displayName === "Ann Smith")?.company, "New Corp");
    const undoing = await t.http().post(`/api/imports/${second.body.id}/undo`).set(u.auth).expect(202);
    assert.equal(undoing.body.state, "undoing");
    const undo = await finish(u, second.body.id);
    assert.deepEqual([undo.state, undo.undone], ["undone", { removed: 1, restored: 1, kept: 0 }]);
    const audit = await t.deps.audit.list({ book: u.primaryBook, limit: 2 });
    assert.deepEqual(audit.entries.map((e) => [e.surface, e.op]).sort(), [
      ["import", "delete"],
      ["import", "update"],
    ]);
    contacts = await contactsOf(u, u.primaryBook);
    assert.deepEqual(contacts.map((c) => c.displayName).sort(), ["Ann Smith", "Jürgen Müller"]);
    assert.equal(contacts.find((c) => c.displayName === "Ann Smith")?.company, undefined);
    await t.http().post(`/api/imports/${second.body.id}/undo`).set(u.auth).expect(409);
  });

  it("writes nothing for an unreadable file, and answers 413 past IMPORT_MAX_BYTES or IMPORT_MAX_ROWS", async () => {
    const u = await fresh();
    const bad = await upload(u, u.primaryBook, Buffer.from("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half\r\n"), "text/vcard");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /BEGIN:VCARD without END:VCARD/);
    const big = await upload(u, u.primaryBook, Buffer.alloc(300_000, 65));
    assert.equal(big.status, 413);
    assert.match(big.body.error.message, /IMPORT_MAX_BYTES/);
    const rows = Buffer.from(`Name\r\n${Array.from({ length: 60 }, (_, i) => `P${i}\r\n`).join("")}`);
    const many = await upload(u, u.primaryBook, rows);
    assert.equal(many.status, 413);
    assert.match(many.body.error.message, /60 records.*at most 50 \(IMPORT_MAX_ROWS\)/);
    await upload(u, u.primaryBook, Buffer.from("{}"), "application/json").expect(415);
    assert.deepEqual(await contactsOf(u, u.primaryBook), []);
  });

  it("takes the file posted by a browser form (multipart/form-data) with its fields, and refuses forms elsewhere", async () => {
    const u = await fresh();
    const res = await t
      .http()
      .post(`/api/books/${u.primaryBook}/imports`)
      .set(u.auth)
      .field("delimiter", ";")
      .attach("file", Buffer.from("Name;E-mail\r\nAnn;ann@x.test\r\n"), { filename: "a.csv", contentType: "text/csv" })
      .expect(201);
    assert.deepEqual([res.body.delimiter, res.body.rows], [";", 1], "the delimiter field was read");
    assert.equal(res.body.preview[0].contact.displayName, "Ann");
    await t
      .http()
      .post(`/api/books/${u.primaryBook}/imports`)
      .set(u.auth)
      .attach("file", Buffer.alloc(200_001, 65), { filename: "big.csv", contentType: "text/csv" })
      .expect(413);
    await t
      .http()
      .post(`/api/books/${u.primaryBook}/batch`)
      .set(u.auth)
      .attach("file", Buffer.from("x"), { filename: "a.csv" })
      .expect(415);
  });

  it("lets only writers of a book import into it", async () => {
    const [owner, reader] = [await fresh(), await fresh()];
    await t.deps.books.putShare({ book: owner.primaryBook, username: reader.username, access: "read" });
    await upload(reader, owner.primaryBook, googleCsv).expect(403);
    await upload(reader, "gab", googleCsv).expect(403);
    const admin = await t.user(`adm${++n}`, { admin: true });
    await upload(admin, "gab", googleCsv).expect(201);
  });

  describe("export", () => {
    it("exports a book in every format, and imports each back into an empty book as the same contacts", async () => {
      const u = await fresh();
      const res = await upload(u, u.primaryBook, outlookFile()).expect(201);
      await t.http().post(`/api/imports/${res.body.id}/commit`).set(u.auth).send({}).expect(202);
      await finish(u, res.body.id);
      const original = await contactsOf(u, u.primaryBook);
      const summary = (cs: typeof original) =>
        cs
          .map((c) =>
            [c.displayName, c.emails.map((e) => e.address).join(","), c.company ?? "", c.notes ?? ""].join("|"),
          )
          .sort();
      for (const format of ["vcard4", "vcard3", "outlook-csv", "google-csv", "csv"]) {
        const exported = await t
          .http()
          .get(`/api/books/${u.primaryBook}/export?format=${format}&charset=windows-1252`)
          .set(u.auth)
          .buffer(true)
          .parse((r, cb) => {
            const parts: Buffer[] = [];
            r.on("data", (c: Buffer) => parts.push(c));
            r.on("end", () => cb(null, Buffer.concat(parts)));
          })
          .expect(200);
        const body = exported.body as Buffer;
        if (format.endsWith("csv")) assert.match(body.toString("latin1"), /'=1\+2/, `${format}: the formula is inert`);
        const { id: book } = await t.deps.books.createPab(`Copy ${format}`, u.username);
        const again = await upload(u, book, body, "application/octet-stream").expect(201);
        await t.http().post(`/api/imports/${again.body.id}/commit`).set(u.auth).send({}).expect(202);
        assert.equal((await finish(u, again.body.id)).errorCount, 0);
        const copy = await contactsOf(u, book);
        assert.deepEqual(summary(copy), summary(original), format);
        if (format.startsWith("vcard"))
          assert.deepEqual(copy.map((c) => c.uid).sort(), original.map((c) => c.uid).sort(), "vCard keeps the uids");
      }
    });

    it("exports a selection with POST {uids}, to readers of the book", async () => {
      const [owner, reader] = [await fresh(), await fresh()];
      await t.deps.books.putShare({ book: owner.primaryBook, username: reader.username, access: "read" });
      const res = await upload(owner, owner.primaryBook, outlookVCard21, "text/vcard").expect(201);
      await t.http().post(`/api/imports/${res.body.id}/commit`).set(owner.auth).send({}).expect(202);
      await finish(owner, res.body.id);
      const sel = await t
        .http()
        .post(`/api/books/${owner.primaryBook}/export?format=vcard3`)
        .set(reader.auth)
        .send({ uids: ["outlook-uid-1", "no-such"] })
        .expect(200);
      assert.equal((sel.text.match(/BEGIN:VCARD/g) ?? []).length, 1);
      assert.match(sel.text, /UID:outlook-uid-1/);
      assert.match(sel.headers["content-type"], /^text\/vcard/);
    });
  });
});
