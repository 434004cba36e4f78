// Large JSON bodies are parsed in turns (server/http/gentle-json.ts): the result is JSON.parse's,
// and other work runs while a 15 MB batch is read, where JSON.parse would hold the event loop.
import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import fc from "fast-check";
import { JsonSyntaxError, parseJsonGently } from "../../server/http/gentle-json";

const batchText = (ops: number, notes: number) =>
  JSON.stringify({
    ops: Array.from({ length: ops }, (_, k) => ({
      op: "put",
      uid: `u${k}`,
      contact: {
        displayName: `é😀"\\ ${k}`,
        notes: "x".repeat(notes),
        extra: [{ a: [1, 2.5e3, true, null, -0, {}, []] }],
      },
    })),
  });

describe("large JSON bodies", () => {
  it("lets other callbacks run while a 15 MB batch is parsed, and gives JSON.parse's result", async () => {
    const text = batchText(1000, 15_000);
    let turns = 0;
    let parsing = true;
    const ticker = (async () => {
      while (parsing) {
        await nextTurn();
        turns++;
      }
    })();
    const parsed = await parseJsonGently(text);
    parsing = false;
    await ticker;
    assert.deepEqual(parsed, JSON.parse(text));
    assert.ok(turns >= 3, `only ${turns} other turns ran while parsing`);
  });

  it("keeps a __proto__ key as an own property, as JSON.parse does", async () => {
    const text = `{"__proto__": {"polluted": 1}, "pad": "${"p".repeat(70_000)}", "list": [{"__proto__": 2}]}`;
    const parsed = (await parseJsonGently(text)) as Record<string, unknown>;
    assert.ok(Object.hasOwn(parsed, "__proto__"));
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(parsed, JSON.parse(text));
  });

  it("refuses malformed large text as JSON.parse would", async () => {
    const pad = " ".repeat(70_000);
    for (const bad of [
      `{"a":[1,2${pad}`,
      `[${'"x",'.repeat(30_000)}]`,
      `{"a" 1}${pad}`,
      `[1] x${pad}`,
      `[${pad}tru]`,
      `{"a":"${pad}`,
    ]) {
      assert.throws(() => JSON.parse(bad));
      await assert.rejects(parseJsonGently(bad), JsonSyntaxError);
    }
  });

  it("agrees with JSON.parse on any JSON value, nested past the small-value size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue(), { maxLength: 40 }),
        fc.integer({ min: 0, max: 3 }),
        async (values, spaces) => {
          const text = JSON.stringify({ values, pad: "p".repeat(70_000), nested: [[values]] }, null, spaces);
          assert.deepEqual(await parseJsonGently(text), JSON.parse(text));
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });
});
