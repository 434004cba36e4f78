// A large import file is read in pieces: its bytes decoded a window at a time, its records split
// across the cuts. Whatever the cuts, the records must be those of the whole text.
import assert from "node:assert/strict";
import fc from "fast-check";
import iconv from "iconv-lite";
import { analyzeImport, decodeBytes, type ImportCharset } from "../../core/formats/import";
import { decodeWindows } from "../../core/formats/import/charset";
import { recordsOf } from "../../core/formats/import/table";
import { awkwardText, inCharset } from "../support/import-fixtures";

const csvText = fc.string({ unit: fc.constantFrom(...'ab,;"\n\r é中😀'), maxLength: 60 });

/** The text cut at the given places (in UTF-16 units, so a cut may split a surrogate pair too). */
const cut = (text: string, at: number[]) => {
  const points = [...new Set(at.map((n) => n % (text.length + 1)))].sort((a, b) => a - b);
  return [...points, text.length].map((end, k) => text.slice(k === 0 ? 0 : points[k - 1], end));
};

describe("import files read in pieces", () => {
  it("splits text cut anywhere into the records of the whole text, quotes and line ends included", () => {
    fc.assert(
      fc.property(
        csvText,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(",", ";", undefined),
        (text, at, delimiter) => {
          const whole = [...recordsOf(text, delimiter as "," | ";" | undefined)];
          assert.deepEqual([...recordsOf(cut(text, at), delimiter as "," | ";" | undefined)], whole);
        },
      ),
      { numRuns: 2000, seed: 20261129 },
    );
  });

  it("decodes bytes a window at a time into the text decoded whole, in every import charset, pieces never empty", () => {
    fc.assert(
      fc.property(
        awkwardText,
        fc.constantFrom<ImportCharset>("utf-8", "utf-16le", "utf-16be", "windows-1252"),
        fc.integer({ min: 1, max: 7 }),
        (text, charset, windowBytes) => {
          const { source, bytes } = inCharset(text, charset);
          const pieces = [...decodeWindows(bytes, charset, windowBytes)];
          assert.ok(pieces.every((p) => p.length > 0));
          assert.equal(pieces.join(""), decodeBytes(bytes, charset));
          if (!source.startsWith("\ufeff")) assert.equal(pieces.join(""), source); // else lost with the BOM, as whole
        },
      ),
      { numRuns: 1000, seed: 20261129 },
    );
  });

  it("decodes any windows-1252 bytes a window at a time as iconv-lite decodes them whole, Latin-1 windows included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 9 }), (bytes, windowBytes) => {
        const pieces = [...decodeWindows(bytes, "windows-1252", windowBytes)];
        assert.equal(pieces.join(""), iconv.decode(Buffer.from(bytes), "windows-1252").replace(/^\ufeff/, ""));
      }),
      { numRuns: 1000, seed: 20261129 },
    );
  });

  it("decodes bytes that are not valid text a window at a time as they decode whole, U+FFFD where they do", () => {
    const byte = fc.oneof(
      fc.integer({ min: 0x80, max: 0xff }),
      fc.constantFrom(0x41, 0xd8, 0xdc, 0xef, 0xbb, 0xbf, 0xfe),
    );
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 48 }),
        fc.constantFrom<ImportCharset>("utf-8", "utf-16le", "utf-16be"),
        fc.integer({ min: 1, max: 9 }),
        (list, charset, windowBytes) => {
          const bytes = Uint8Array.from(list);
          assert.equal([...decodeWindows(bytes, charset, windowBytes)].join(""), decodeBytes(bytes, charset));
        },
      ),
      { numRuns: 3000, seed: 20261129 },
    );
  });

  it("reads a file of several windows with multi-line quoted cells across the cuts, each record on its own line number", () => {
    const note = (i: number) => `Zeile ${i} "zitiert"\r\nnächste Zeile ${"ü".repeat(i % 700)}`;
    const rows = 8000;
    const lines = Array.from({ length: rows }, (_, i) => `Person ${i},Müller,"${note(i).replace(/"/g, '""')}"`);
    const bytes = new TextEncoder().encode(`First Name,Last Name,Notes\r\n${lines.join("\r\n")}\r\n`);
    assert.ok(bytes.length > 3 * 1024 * 1024, "the file spans several 1 MiB windows");
    const { rows: read } = analyzeImport(bytes);
    assert.equal(read.length, rows);
    read.forEach((r, i) => {
      assert.equal(r.row, 2 + 2 * i, "each record starts on its own line; each spans two");
      assert.equal(r.contact?.name?.given, `Person ${i}`);
      assert.equal(r.contact?.notes, note(i).replace(/\r\n/g, "\n").trim()); // as a contact keeps it
    });
  });
});
