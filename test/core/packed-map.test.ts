import assert from "node:assert/strict";
import fc from "fast-check";
import { packedMap } from "../../core/formats/import/packed-map";

// Keys short enough to collide often, from units that take one to four UTF-8 bytes, and lone
// surrogates, which have no exact UTF-8 form, and U+FEFF, which a decoder takes for a byte order mark.
const unit = fc.constantFrom("a", "b", "A", "\u0000", "\ufeff", "é", "中", "😀", "\ud800", "\udc00", "\ufffd");
const key = fc.string({ unit, maxLength: 6 });
const step = fc.oneof(
  fc.record({ add: fc.array(key, { maxLength: 4 }), value: fc.string({ unit, maxLength: 5 }) }),
  fc.record({ get: key }),
);

describe("packed map", () => {
  it("answers as a Map does for the first value each key was added with", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const map = packedMap();
        const oracle = new Map<string, string>();
        for (const s of steps)
          if ("add" in s) {
            map.addAll(s.add, s.value);
            for (const k of s.add) if (!oracle.has(k)) oracle.set(k, s.value);
          } else {
            assert.equal(map.get(s.get), oracle.get(s.get));
            assert.equal(map.has(s.get), oracle.has(s.get));
          }
        for (const [k, v] of oracle) assert.equal(map.get(k), v);
      }),
      { numRuns: 500, seed: 20261129 },
    );
  });

  it("keeps two lone surrogates apart, which UTF-8 would make one U+FFFD", () => {
    const map = packedMap();
    map.addAll(["x\ud800", "x\ufffd"], "first");
    map.addAll(["x\udbff"], "second");
    assert.equal(map.get("x\ud800"), "first");
    assert.equal(map.get("x\ufffd"), "first");
    assert.equal(map.get("x\udbff"), "second");
    assert.equal(map.get("x\udc00"), undefined);
  });

  it("finds every one of 200,000 keys, and no key it was not given, after growing many times", () => {
    const map = packedMap();
    for (let i = 0; i < 100_000; i++) map.addAll([`e${i}@example.test`, `nname ${i}\u0000${i * 7}`], `uid-${i}`);
    for (let i = 0; i < 100_000; i += 997) {
      assert.equal(map.get(`e${i}@example.test`), `uid-${i}`);
      assert.equal(map.get(`nname ${i}\u0000${i * 7}`), `uid-${i}`);
      assert.equal(map.get(`e${i}@example.tes`), undefined);
    }
    assert.equal(map.has("e100000@example.test"), false);
  });
});
