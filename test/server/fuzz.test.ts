// A bounded, seeded fuzzer against the real app on the real database (issue 11 §5): JSON contacts,
// batches, vCard 2.1/3.0/4.0, query strings, paths and headers. It fails on any 5xx, on a request
// that does not come back (a crash), on a refused request (4xx) that changed the change feed or
// stored a photo, and on an emitted vCard that does not parse back to exactly the one card stored.
// FUZZ_RUNS and FUZZ_SEED change the bounds for a longer run by hand.
import assert from "node:assert/strict";
import fc from "fast-check";
import { phoneTypes } from "../../core/contact/contact";
import { parseVCards } from "../../core/formats/vcard";
import { testApp, type TestApp } from "../support/app";

type Session = Awaited<ReturnType<TestApp["user"]>>;
type Case = { method: "GET" | "PUT" | "POST" | "DELETE" | "PATCH"; path: string; headers: Record<string, string>; body?: string };

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const BOOK = "{book}"; // replaced by the session's book id
const UID = "{uid}"; // replaced by a uid the run has stored, when there is one

// ------------------------------------------------------------------ building blocks

/** Text with what breaks formats: CR, LF, ':', ';', ',', '"', '^', '\\', NUL, non-BMP. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom("\r", "\n", ":", ";", ",", '"', "^", "\\", "\u0000", "=", "😀", "é", " ", "a", "B"), maxLength: 20 }),
  fc.constantFrom("", " ", "\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Forged Contact", "__proto__", "$gt", "a.b", "%FF", "\u2028"),
);
const plainText = fc.string({ unit: "grapheme-ascii", maxLength: 16 });
const uid = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,24}$/), fc.uuid(), hostileText);
const etagish = fc.oneof(fc.constant("*"), fc.stringMatching(/^"?[0-9a-f]{0,16}"?$/), hostileText);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const base64 = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((b) => Buffer.from(b).toString("base64"));

const params = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom("type", "x-label", "pref", "X-A") }, { weight: 1, arbitrary: hostileText }),
  fc.array(fc.oneof({ weight: 4, arbitrary: plainText }, { weight: 1, arbitrary: hostileText }), { maxLength: 3 }),
  { maxKeys: 2 },
);

/** Valid contacts with hostile text wherever the schema takes free text (names, notes, values). */
const contactBody = fc.record(
  {
    displayName: fc.oneof(plainText, hostileText),
    name: optional(fc.record({ given: optional(hostileText), family: optional(plainText) }, { requiredKeys: [] })),
    emails: fc.array(fc.record({ type: fc.constantFrom("work", "home", "other"), address: fc.oneof(fc.emailAddress(), plainText.filter((t) => t.trim() !== "")) }), { maxLength: 3 }),
    phones: fc.array(fc.record({ type: fc.constantFrom(...phoneTypes), number: fc.oneof(fc.stringMatching(/^\+?[0-9 ]{1,14}$/), hostileText.filter((t) => t !== "")) }), { maxLength: 3 }),
    categories: fc.array(fc.oneof(plainText, hostileText), { maxLength: 4 }),
    notes: optional(hostileText),
    birthday: optional(fc.constantFrom("1980-01-02", "--05-20", "19991231")),
    photo: optional(fc.record({ mediaType: fc.constantFrom("image/png", "text/html", ""), data: base64 })),
    extra: fc.array(
      fc.record(
        { source: fc.constantFrom("vcard", "graph", "csv"), name: fc.stringMatching(/^X-[A-Z]{1,6}$/), value: hostileText, params: optional(params) },
        { requiredKeys: ["source", "name", "value"] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ["displayName"] },
);

/** A contact, or one with a field replaced by anything JSON can hold, or any JSON at all. */
const jsonContact = fc.oneof(
  { weight: 5, arbitrary: contactBody },
  { weight: 2, arbitrary: fc.tuple(contactBody, fc.constantFrom("displayName", "emails", "photo", "extra", "categories", "uid", "birthday", "unknown"), fc.oneof(fc.jsonValue(), hostileText, uid)).map(([c, k, v]) => ({ ...c, [k]: v })) },
  { weight: 1, arbitrary: fc.jsonValue() },
);

const jsonText = (value: unknown) => JSON.stringify(value) ?? "null";
/** Valid JSON text, sometimes cut short or with a raw __proto__ key spliced in. */
const jsonBodyText = (value: fc.Arbitrary<unknown>) =>
  fc.tuple(value, fc.constantFrom(...Array<string>(10).fill("as-is"), "cut", "proto")).map(([v, how]) => {
    const text = jsonText(v);
    if (how === "cut") return text.slice(0, Math.floor(text.length / 2));
    if (how === "proto" && text.startsWith("{") && text.length > 2) return `{"__proto__": {"displayName": "x"}, ${text.slice(1)}`;
    return text;
  });

// ------------------------------------------------------------------ vCards

const vcardParamText = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(";TYPE=work", ";TYPE=HOME,VOICE", ";CHARSET=UTF-8", ";ENCODING=QUOTED-PRINTABLE", ";ENCODING=b", ';X-A="a:b;c"', ";PREF=1", ";work") },
  { weight: 1, arbitrary: hostileText.map((t) => `;${t}`) },
);
const vcardLine = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.constantFrom("FN", "N", "NOTE", "EMAIL", "TEL", "ADR", "ORG", "TITLE", "CATEGORIES", "URL", "BDAY", "X-FOO", "item1.X-ABLabel", "PHOTO", "NICKNAME"), fc.array(vcardParamText, { maxLength: 2 }), fc.oneof(plainText, plainText, base64, hostileText.map((t) => t.replace(/[\r\n]/g, ""))))
    .map(([name, ps, value]) => `${name}${ps.join("")}:${value}`) },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom("BEGIN:VCARD", "END:VCARD", " folded", "=0D=0A", "") },
);
const vcard = fc.record({
  version: fc.constantFrom("2.1", "3.0", "4.0", "2.1", "3.0", "4.0", "5.0"),
  uid: fc.constantFrom("path", "path", "path", "other", "none"),
  lines: fc.array(vcardLine, { maxLength: 8 }),
  fold: fc.boolean(),
  eol: fc.constantFrom("\r\n", "\n", "\r"),
});

function vcardText(card: { version: string; uid: string; lines: string[]; fold: boolean; eol: string }, pathUid: string): string {
  const uidLine = card.uid === "path" ? [`UID:${pathUid}`] : card.uid === "other" ? ["UID:someone-else"] : [];
  const lines = ["BEGIN:VCARD", `VERSION:${card.version}`, ...uidLine, ...card.lines, "END:VCARD"];
  const folded = card.fold ? lines.map((l) => (l.match(/.{1,20}/g) ?? [""]).join(`${card.eol} `)) : lines;
  return folded.join(card.eol) + card.eol;
}

// ------------------------------------------------------------------ cases

const pathUid = fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/) }, { weight: 1, arbitrary: fc.constant(UID) });
const bookPath = (rest: string) => `/api/books/${BOOK}${rest}`;

const putJsonContact: fc.Arbitrary<Case> = fc
  .record({ uid: pathUid, body: jsonBodyText(jsonContact), ifMatch: optional(etagish), ifNoneMatch: optional(fc.constantFrom("*", '"x"')) })
  .map(({ uid, body, ifMatch, ifNoneMatch }) => ({
    method: "PUT",
    path: bookPath(`/contacts/${uid}`),
    headers: { "Content-Type": "application/json", ...(ifMatch ? { "If-Match": ifMatch } : {}), ...(ifNoneMatch ? { "If-None-Match": ifNoneMatch } : {}) },
    body,
  }));

const batchOp = fc.record(
  { op: fc.constantFrom("put", "put", "delete", "patch"), uid: fc.oneof(pathUid, uid), ifMatch: optional(etagish), contact: optional(jsonContact) },
  { requiredKeys: ["op", "uid"] },
);
const postBatch: fc.Arbitrary<Case> = jsonBodyText(fc.oneof({ weight: 6, arbitrary: fc.record({ ops: fc.array(batchOp, { maxLength: 6 }) }) }, { weight: 1, arbitrary: fc.jsonValue() }))
  .map((body) => ({ method: "POST", path: bookPath("/batch"), headers: { "Content-Type": "application/json" }, body }));

const putVCard: fc.Arbitrary<Case> = fc
  .record({ uid: fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/), card: vcard, type: fc.constantFrom("text/vcard", "text/x-vcard", "text/vcard; charset=utf-8"), latin1: fc.boolean() })
  .map(({ uid, card, type, latin1 }) => ({
    method: "PUT",
    path: bookPath(`/contacts/${uid}`),
    headers: { "Content-Type": type, ...(latin1 ? { "X-Fuzz-Latin1": "1" } : {}) },
    body: vcardText(card, uid),
  }));

const queryValue = fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), hostileText.map(encodeURIComponent), fc.constantFrom("%FF", "%", "1e3", "[]", "", "%00"));
const queryString = fc.array(fc.tuple(fc.constantFrom("limit", "cursor", "since", "since[$gt]", "x", "limit"), queryValue), { maxLength: 3 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
const getQuery: fc.Arbitrary<Case> = fc.record({ what: fc.constantFrom("/contacts", "/changes"), query: queryString })
  .map(({ what, query }) => ({ method: "GET", path: bookPath(`${what}?${query}`), headers: {} }));
const postLookup: fc.Arbitrary<Case> = jsonBodyText(fc.oneof(fc.record({ uids: fc.array(fc.oneof(uid, fc.constant(UID)), { maxLength: 5 }) }), fc.jsonValue()))
  .map((body) => ({ method: "POST", path: bookPath("/lookup"), headers: { "Content-Type": "application/json" }, body }));

const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/),
  fc.constantFrom("%FF", "%zz", "%", "%E0%A4%A", "%00", "..", ".", "%2F", "%2e%2e", "api", "books", "contacts", "batch", "changes", BOOK, UID, "photos", "sync-state"),
  hostileText.map(encodeURIComponent),
);
const anyPath: fc.Arbitrary<Case> = fc
  .record({ method: fc.constantFrom("GET", "PUT", "POST", "DELETE", "PATCH"), segments: fc.array(segment, { minLength: 1, maxLength: 6 }), api: fc.boolean(), body: optional(jsonBodyText(fc.jsonValue())) })
  .map(({ method, segments, api, body }) => ({
    method,
    path: `${api ? "/api/" : "/"}${segments.join("/")}`,
    headers: body === undefined ? {} : ({ "Content-Type": "application/json" } as Record<string, string>),
    body: method === "GET" ? undefined : body,
  }));

const headerValue = fc.oneof(hostileText.map((t) => t.replace(/[^\x20-\x7e]/g, "")), fc.constantFrom("text/vcard;version=4.0", "text/vcard", "*/*", "application/json;q=0", "Basic !!!", "Bearer x.y.z", 'W/"abc"', "*"));
const getWithHeaders: fc.Arbitrary<Case> = fc
  .record({ uid: pathUid, accept: optional(headerValue), ifNoneMatch: optional(headerValue), auth: optional(headerValue), contentType: optional(headerValue) })
  .map(({ uid, accept, ifNoneMatch, auth, contentType }) => ({
    method: "GET",
    path: bookPath(`/contacts/${uid}`),
    headers: {
      ...(accept === undefined ? {} : { Accept: accept }),
      ...(ifNoneMatch === undefined ? {} : { "If-None-Match": ifNoneMatch }),
      ...(auth === undefined ? {} : { Authorization: auth }),
      ...(contentType === undefined ? {} : { "Content-Type": contentType }),
    },
  }));

const anyCase = fc.oneof(
  { weight: 4, arbitrary: putJsonContact },
  { weight: 3, arbitrary: postBatch },
  { weight: 3, arbitrary: putVCard },
  { weight: 2, arbitrary: getQuery },
  { weight: 1, arbitrary: postLookup },
  { weight: 2, arbitrary: anyPath },
  { weight: 2, arbitrary: getWithHeaders },
);

// ------------------------------------------------------------------ the run

describe("fuzzing the REST API (seeded, bounded)", function () {
  this.timeout(180_000);
  let t: TestApp;
  let me: Session;
  let book: string;
  let token: string;
  const stored: string[] = [];

  before(async () => {
    t = await testApp();
    me = await t.user("fuzzer");
    book = me.primaryBook;
    token = (await t.deps.store.changesSince(book, undefined, 1000)).token;
  });
  after(async () => t.close());

  const photoCount = () => t.db.models.Photo.countDocuments();

  /** Every change since the last look; the token moves on. */
  async function newChanges(): Promise<{ uid: string; deleted: boolean }[]> {
    const seen: { uid: string; deleted: boolean }[] = [];
    for (;;) {
      const page = await t.deps.store.changesSince(book, token, 1000);
      seen.push(...page.changes);
      token = page.token;
      if (!page.more) return seen;
    }
  }

  async function send(c: Case) {
    const path = c.path.replaceAll(BOOK, book).replaceAll(UID, stored.at(-1) ?? "none");
    let req = t.http()[c.method.toLowerCase() as "get"](path);
    if (!("Authorization" in c.headers)) req = req.set(me.auth);
    // A client cannot send CR, LF or non-Latin characters in a header (RFC 9110 §5.5): Node refuses them.
    for (const [name, value] of Object.entries(c.headers)) if (name !== "X-Fuzz-Latin1") req = req.set(name, value.replace(/[^\t\x20-\x7e]/g, ""));
    const body = c.body === undefined ? undefined : c.headers["X-Fuzz-Latin1"] ? Buffer.from(c.body, "latin1") : c.body;
    return body === undefined ? req : req.send(body);
  }

  /** A stored contact served as vCard parses back to exactly one card: the same uid, name and e-mails. */
  async function assertVCardReadsBack(uid: string, version: "3.0" | "4.0") {
    const found = await t.deps.store.getContact(book, uid);
    if (!found) return; // deleted again by a later op of the same batch
    const accept = version === "4.0" ? "text/vcard;version=4.0" : "text/vcard";
    const res = await t.http().get(`/api/books/${book}/contacts/${encodeURIComponent(uid)}`).set(me.auth).set("Accept", accept);
    assert.equal(res.status, 200, res.text);
    const cards = parseVCards(res.text);
    assert.equal(cards.length, 1, `${uid} as ${version} holds ${cards.length} cards:\n${res.text}`);
    const { contact } = found;
    assert.equal(cards[0].uid, uid);
    // RFC 6350 §3.4 escapes a line break as \n: a CR or CRLF in a text value comes back as LF.
    const lines = (text: string) => text.replace(/\r\n?/g, "\n").trim();
    assert.equal(lines(cards[0].displayName), lines(contact.displayName), res.text);
    assert.deepEqual(cards[0].emails.map((e) => e.address), contact.emails.map((e) => e.address.trim()), res.text);
    assert.equal(cards[0].categories.length, contact.categories.filter((c) => c.trim() !== "").length, res.text);
  }

  it(`answers ${RUNS} generated requests without a 5xx, a crash, a write on refusal, or a vCard that reads back wrong`, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(anyCase, fc.constantFrom("3.0", "4.0") as fc.Arbitrary<"3.0" | "4.0">, async (c, version) => {
        const photosBefore = /photo/i.test(c.body ?? "") ? await photoCount() : 0;
        const res = await send(c);
        const what = `${c.method} ${c.path} ${JSON.stringify(c.headers)} ${c.body?.slice(0, 300) ?? ""}\n→ ${res.status} ${res.text.slice(0, 300)}`;
        assert.ok(res.status < 500, what);
        const changes = await newChanges();
        if (res.status >= 400) {
          assert.deepEqual(changes, [], `a refused request changed the feed: ${what}`);
          if (/photo/i.test(c.body ?? "")) assert.equal(await photoCount(), photosBefore, `a refused request stored a photo: ${what}`);
          return;
        }
        for (const change of changes.filter((ch) => !ch.deleted)) {
          stored.push(change.uid);
          await assertVCardReadsBack(change.uid, version);
          checked++;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    assert.ok(checked > RUNS / 30, `only ${checked} stored contacts were read back as vCard`);
  });
});
