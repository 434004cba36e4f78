// An upload is stored packed, block by block, and read as it is stored: the readers ask it for a
// window at a time and for single bytes near a window's ends, and every answer must be the bytes
// themselves, so the file reads exactly as it does from its bytes.
import assert from "node:assert/strict";
import fc from "fast-check";
import { analyzeImport, decodeBytes, detectCharset, type ImportCharset } from "../../core/formats/import";
import { decodeWindows } from "../../core/formats/import/charset";
import { packBytes, packedBytes } from "../../server/imports/compressed-bytes";
import { awkwardText, inCharset } from "../support/import-fixtures";

describe("an upload stored packed", () => {
  it("gives any range of its bytes, within a block or across several, as the bytes themselves", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 220 }), fc.integer({ min: 0, max: 220 })), { maxLength: 12 }),
        (bytes, blockBytes, ranges) => {
          const held = packedBytes(packBytes(bytes, blockBytes));
          assert.equal(held.length, bytes.length);
          for (const [from, to] of ranges)
            assert.deepEqual(new Uint8Array(held.subarray(from, to)), bytes.subarray(from, to));
        },
      ),
      { numRuns: 1000, seed: 20261129 },
    );
  });

  it("decodes window by window into the text its bytes decode to, in every import charset", () => {
    fc.assert(
      fc.property(
        awkwardText,
        fc.constantFrom<ImportCharset>("utf-8", "utf-16le", "utf-16be", "windows-1252"),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        (text, charset, windowBytes, blockBytes) => {
          const { bytes } = inCharset(text, charset);
          const held = packedBytes(packBytes(bytes, blockBytes));
          assert.deepEqual(detectCharset(held), detectCharset(bytes));
          assert.equal([...decodeWindows(held, charset, windowBytes)].join(""), decodeBytes(bytes, charset));
        },
      ),
      { numRuns: 1000, seed: 20261129 },
    );
  });

  it("reads a file of several blocks, its cells across their ends, as the same records", () => {
    const lines = Array.from({ length: 6000 }, (_, i) => `Person ${i},Müller,"Zeile ${i}\r\n${"ü".repeat(i % 500)}"`);
    const bytes = new TextEncoder().encode(`First Name,Last Name,Notes\r\n${lines.join("\r\n")}\r\n`);
    assert.ok(bytes.length > 3 * 1024 * 1024, "the file spans several 1 MiB blocks");
    const held = packedBytes(packBytes(bytes));
    assert.deepEqual(analyzeImport(held), analyzeImport(bytes));
  });
});
