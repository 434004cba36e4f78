// A bounded, seeded fuzzer against the real app on the real database: JSON contacts, batches,
// vCards 2.1/3.0/4.0, query strings, paths and headers. It fails on any 5xx, on any refused
// request that changed the book's change feed or stored a photo, and on any emitted vCard that
// does not parse back to exactly one card with the same name. FUZZ_SEED and FUZZ_RUNS change it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { parseVCards } from "../../core/formats/vcard";
import { testApp, type TestApp } from "../support/app";

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

type Req = {
  method: "get" | "put" | "post" | "delete" | "patch";
  path: string;
  headers: Record<string, string>;
  body?: string | object;
  /** A photo this request carries: stored only if the request succeeded. */
  photo?: string;
};

// Text that tends to break parsers and emitters: separators, line breaks, escapes, odd Unicode.
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "",
    ";",
    ":",
    ",",
    "\\",
    "\r\n",
    "\n",
    "\r",
    "=0D=0A",
    '"',
    "^n",
    "__proto__",
    "constructor",
    "%FF",
    "%",
    "€",
    "\u0000",
    "\uFFFF",
    "😀",
  ),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
const uid = fc.oneof(
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  nasty.map((s) => encodeURIComponent(s) || "x"),
);

const photo = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b).toString("base64"));
const params = fc.dictionary(nasty, fc.array(nasty, { maxLength: 3 }), { maxKeys: 3 });
const contactBody = fc.record(
  {
    displayName: nasty,
    name: fc.record({ given: nasty, family: nasty }, { requiredKeys: [] }),
    emails: fc.array(
      fc.record({ address: fc.oneof(fc.emailAddress(), nasty), type: nasty }, { requiredKeys: ["address"] }),
      { maxLength: 4 },
    ),
    phones: fc.array(fc.record({ number: nasty, type: fc.constantFrom("cell", "work", "home", "fax", "bogus") }), {
      maxLength: 3,
    }),
    categories: fc.array(nasty, { maxLength: 4 }),
    notes: nasty,
    extra: fc.array(fc.record({ name: nasty, value: nasty, params }), { maxLength: 3 }),
    photo: fc.record({ mediaType: fc.constantFrom("image/png", "text/html", "x"), data: fc.oneof(photo, nasty) }),
    bogusField: nasty,
  },
  { requiredKeys: [] },
);
const anyJson = fc.oneof(contactBody, fc.anything({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }));

const vcardLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("FN", "N", "EMAIL", "TEL", "NOTE", "ORG", "X-CUSTOM", "ADR", "PHOTO", "CATEGORIES", "UID"),
      nasty,
      nasty,
    )
    .map(([name, param, value]) => `${name}${param ? `;${param}` : ""}:${value}`),
  nasty,
);
const vcard = fc
  .tuple(fc.constantFrom("2.1", "3.0", "4.0"), fc.array(vcardLine, { maxLength: 8 }), fc.boolean())
  .map(([version, lines, closed]) =>
    ["BEGIN:VCARD", `VERSION:${version}`, ...lines, ...(closed ? ["END:VCARD"] : [])].join("\r\n"),
  );

const header = fc
  .record(
    {
      "if-match": fc.oneof(nasty, fc.constant("*"), fc.constant('"abc"')),
      "if-none-match": fc.oneof(fc.constant("*"), nasty),
      accept: fc.constantFrom(
        "application/json",
        "text/vcard",
        "text/vcard;version=4.0",
        "*/*",
        "image/png",
        "garbage",
      ),
      "x-concord-client": nasty,
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v))));

function request(book: string): fc.Arbitrary<Req> {
  const contactPath = uid.map((u) => `/api/books/${book}/contacts/${u}`);
  return fc.oneof(
    fc.tuple(contactPath, contactBody, header).map(([path, body, headers]) => ({
      method: "put" as const,
      path,
      headers,
      body,
      photo: typeof body.photo?.data === "string" ? body.photo.data : undefined,
    })),
    fc
      .tuple(contactPath, anyJson, header)
      .map(([path, body, headers]) => ({ method: "put" as const, path, headers, body: body as object })),
    fc.tuple(contactPath, vcard, header).map(([path, body, headers]) => ({
      method: "put" as const,
      path,
      headers: { ...headers, "content-type": "text/vcard" },
      body,
    })),
    fc
      .tuple(
        fc.array(
          fc.record(
            { op: fc.constantFrom("put", "delete", "nope"), uid: nasty, contact: anyJson, ifMatch: nasty },
            { requiredKeys: ["op", "uid"] },
          ),
          { maxLength: 5 },
        ),
        header,
      )
      .map(([ops, headers]) => ({ method: "post" as const, path: `/api/books/${book}/batch`, headers, body: { ops } })),
    fc.tuple(contactPath, header).map(([path, headers]) => ({ method: "delete" as const, path, headers })),
    fc
      .tuple(
        fc.constantFrom("contacts", "changes", "deleted"),
        fc.dictionary(fc.constantFrom("since", "limit", "cursor", "q", "x"), nasty, { maxKeys: 3 }),
      )
      .map(([what, query]) => ({
        method: "get" as const,
        path: `/api/books/${book}/${what}?${new URLSearchParams(query)}`,
        headers: {},
      })),
    fc
      .tuple(
        fc.array(
          fc.oneof(
            nasty.map(encodeURIComponent),
            fc.constantFrom("%FF", "%", "%2F", "..", "api", "books", book, "gab"),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        fc.constantFrom("get", "put", "post", "delete", "patch") as fc.Arbitrary<Req["method"]>,
      )
      .map(([segments, method]) => ({ method, path: `/${segments.join("/")}`, headers: {}, body: {} })),
    fc
      .tuple(uid, header)
      .map(([u, headers]) => ({ method: "get" as const, path: `/api/books/${book}/contacts/${u}`, headers })),
  );
}

describe("bounded fuzzing of the REST API", function () {
  this.timeout(180_000);
  let t: TestApp;
  let auth: Record<string, string>;
  let book: string;
  before(async () => {
    t = await testApp();
    const me = await t.user("fuzzer");
    auth = me.auth;
    book = me.primaryBook;
  });
  after(async () => t.close());

  it(`answers ${RUNS} generated requests without a 5xx, and a refused one changes nothing (seed ${SEED})`, async () => {
    let token = (await t.deps.store.changesSince(book, undefined, 1000)).token;
    await fc.assert(
      fc.asyncProperty(request(book), async (req) => {
        let call = t.http()[req.method](req.path).set(auth);
        for (const [k, v] of Object.entries(req.headers)) call = call.set(k, v);
        const body = req.body;
        const primitive = body !== undefined && body !== null && typeof body !== "object" && typeof body !== "string";
        if (primitive || body === null) call = call.set("content-type", "application/json");
        const res = await (body === undefined
          ? call
          : call.send(primitive || body === null ? JSON.stringify(body) : (body as object)));
        assert.ok(
          res.status < 500,
          `${req.method.toUpperCase()} ${req.path} answered ${res.status}: ${res.text.slice(0, 300)}`,
        );
        const changed = await t.deps.store.changesSince(book, token, 1000);
        if (res.status >= 400) {
          assert.deepEqual(
            changed.changes.map((c) => c.uid),
            [],
            `a refused ${req.method} ${req.path} (${res.status}) changed the book`,
          );
          if (req.photo && /^[A-Za-z0-9+/]*={0,2}$/.test(req.photo)) {
            const hash = createHash("sha256").update(Buffer.from(req.photo, "base64")).digest("hex");
            const stillReferenced = (await t.deps.store.photoHashes()).has(hash);
            if (!stillReferenced)
              assert.equal(await t.deps.photos.load(hash), null, "a refused request stored a photo");
          }
        }
        token = changed.token;
        // Whatever was stored is emitted as exactly one card that parses back to the same name.
        if (req.method === "put" && res.status < 300 && res.body?.uid) {
          const card = await t
            .http()
            .get(`/api/books/${book}/contacts/${encodeURIComponent(res.body.uid)}`)
            .set(auth)
            .set("Accept", "text/vcard");
          assert.equal(card.status, 200);
          const cards = parseVCards(card.text);
          assert.equal(cards.length, 1, `the emitted vCard holds ${cards.length} cards:\n${card.text}`);
          const stored = (await t.deps.store.getContact(book, res.body.uid))!.contact;
          assert.equal(cards[0].uid, stored.uid);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
