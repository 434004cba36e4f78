// JSON.parse of a 16 MiB batch holds the event loop for a few hundred milliseconds, and every other
// request waits. This parser hands JSON.parse only values of at most SMALL_VALUE characters and walks
// the containers around them itself, pausing (setImmediate) whenever it has run for SLICE_MS, so no
// request waits much longer than that. The result is what JSON.parse would give, "__proto__" keys
// included as own properties.
import { setImmediate as nextTurn } from "node:timers/promises";

const SMALL_VALUE = 64 * 1024;
const SLICE_MS = 10;
/** Containers nested deeper than this (each larger than SMALL_VALUE) are refused: each level re-scans. */
const MAX_DEPTH = 32;

export class JsonSyntaxError extends Error {}

/** Lets other work run whenever the caller has held the event loop for SLICE_MS. */
export function breather(sliceMs = SLICE_MS): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await nextTurn();
    since = performance.now();
  };
}

export async function parseJsonGently(text: string): Promise<unknown> {
  if (text.length <= SMALL_VALUE) return parseSlice(text, 0, text.length);
  let i = 0;
  const pause = breather();
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${i}`);
  };
  const skipSpace = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[i] !== char) fail(`'${char}' expected`);
    i++;
  };
  const stringEnd = (start: number): number => {
    for (let j = start + 1; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 92) j++;
      else if (c === 34) return j + 1;
    }
    return fail("unterminated string");
  };
  // Where the object or array at `start` ends, if within SMALL_VALUE characters; else -1.
  const smallContainerEnd = (start: number): number => {
    const stop = Math.min(text.length, start + SMALL_VALUE);
    let depth = 0;
    for (let j = start; j < stop; j++) {
      const c = text.charCodeAt(j);
      if (c === 34) j = stringEnd(j) - 1;
      else if (c === 123 || c === 91) depth++;
      else if ((c === 125 || c === 93) && --depth === 0) return j + 1;
    }
    return -1;
  };
  // Consumes `char` when it is next.
  const eat = (char: string) => {
    if (text[i] !== char) return false;
    i++;
    return true;
  };
  const take = (end: number) => {
    const value = parseSlice(text, i, end);
    i = end;
    return value;
  };

  async function value(depth: number): Promise<unknown> {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === 34) return take(stringEnd(i));
    if (c === 123 || c === 91) {
      const end = smallContainerEnd(i);
      if (end !== -1) return take(end);
      if (depth >= MAX_DEPTH) fail("nesting too deep");
      return c === 123 ? object(depth + 1) : array(depth + 1);
    }
    let end = i;
    while (end < text.length && !",]} \t\r\n".includes(text[end])) end++;
    if (end === i) fail("a value expected");
    return take(end);
  }
  // Each loop consumes the separator after an element; the caller consumed the opening bracket.
  async function array(depth: number): Promise<unknown[]> {
    i++;
    const out: unknown[] = [];
    skipSpace();
    if (eat("]")) return out;
    for (;;) {
      out.push(await value(depth));
      await pause();
      skipSpace();
      if (eat("]")) return out;
      if (!eat(",")) fail("',' or ']' expected");
    }
  }
  async function object(depth: number): Promise<Record<string, unknown>> {
    i++;
    const out: Record<string, unknown> = {};
    skipSpace();
    if (eat("}")) return out;
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail("a key expected");
      const key = take(stringEnd(i)) as string;
      expect(":");
      // An own property, as JSON.parse makes it, even for "__proto__".
      Object.defineProperty(out, key, {
        value: await value(depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      await pause();
      skipSpace();
      if (eat("}")) return out;
      if (!eat(",")) fail("',' or '}' expected");
    }
  }

  const result = await value(0);
  skipSpace();
  if (i < text.length) fail("unexpected text after the value");
  return result;
}

function parseSlice(text: string, start: number, end: number): unknown {
  try {
    return JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end));
  } catch (err) {
    throw new JsonSyntaxError(`${(err as Error).message} (in the value at position ${start})`);
  }
}
