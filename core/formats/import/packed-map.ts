// A map of strings to strings that keeps its keys and values as UTF-8 bytes in one buffer, found
// through an open-addressing table of entry numbers. An import's duplicate index holds a few keys
// for every contact of the book and of the file: 300,000 keys for 100,000 contacts took about
// 41 MB as strings in a Map, and take about 20 MB here, outside V8's heap, where the garbage
// collector neither scans them nor grows its heap for them.
//
// Keys are compared byte for byte, never by hash alone, so two keys are one only when they are
// the same text. A string with a lone surrogate has no exact UTF-8 form (the encoder would make
// it U+FFFD, as another lone surrogate), so a key or value with one is kept in an ordinary Map.

const encoder = new TextEncoder();
// A value is text as it was given: a leading U+FEFF is part of it, not a byte order mark.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** FNV-1a over the bytes, then murmur3's finaliser, which spreads FNV's low bits for the table. */
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function packedMap() {
  let bytes = new Uint8Array(1 << 16);
  let used = 0;
  // Per entry: where its key starts, the key's length, where its value starts (a record of its
  // byte length, four bytes, then the bytes), and the key's hash.
  let entries = new Uint32Array(4 * 1024);
  let count = 0;
  let slots = new Uint32Array(2048); // 0 is empty, else an entry's number + 1
  const awkward = new Map<string, string>();

  // Offsets are 32-bit: an import's index (at most 200,000 records of a 64 MiB file) is far
  // from 4 GiB.
  function room(more: number) {
    if (used + more <= bytes.length) return;
    const grown = new Uint8Array(Math.max(bytes.length * 2, used + more));
    grown.set(bytes.subarray(0, used));
    bytes = grown;
  }

  /** Writes the key's bytes just past the used ones, not yet claiming them; returns their length. */
  function stage(key: string): number {
    room(key.length * 3);
    return encoder.encodeInto(key, bytes.subarray(used)).written;
  }

  /** The slot of the entry whose key is the `length` bytes at `at`, or of the empty slot where
   *  it would go. */
  function slotOf(at: number, length: number, hash: number): number {
    const mask = slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const n = slots[s]!;
      if (n === 0 || (entries[4 * n - 1] === hash && sameKey(n - 1, at, length))) return s;
    }
  }

  function sameKey(entry: number, at: number, length: number): boolean {
    if (entries[4 * entry + 1] !== length) return false;
    const start = entries[4 * entry]!;
    for (let i = 0; i < length; i++) if (bytes[start + i] !== bytes[at + i]) return false;
    return true;
  }

  function readValue(entry: number): string {
    const at = entries[4 * entry + 2]!;
    const length = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
    return decoder.decode(bytes.subarray(at + 4, at + 4 + length));
  }

  function writeValue(value: string): number {
    room(4 + value.length * 3);
    const at = used;
    const { written } = encoder.encodeInto(value, bytes.subarray(at + 4));
    bytes[at] = written & 0xff;
    bytes[at + 1] = (written >>> 8) & 0xff;
    bytes[at + 2] = (written >>> 16) & 0xff;
    bytes[at + 3] = written >>> 24;
    used += 4 + written;
    return at;
  }

  function grow() {
    const old = slots;
    slots = new Uint32Array(old.length * 2);
    const mask = slots.length - 1;
    for (const n of old) {
      if (n === 0) continue;
      let s = entries[4 * n - 1]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = n;
    }
  }

  /** The entry number + 1 of a well-formed key, or 0. */
  function entryOf(key: string): number {
    const length = stage(key);
    return slots[slotOf(used, length, hashOf(bytes, used, used + length))]!;
  }

  function get(key: string): string | undefined {
    if (!key.isWellFormed()) return awkward.get(key);
    const n = entryOf(key);
    return n !== 0 ? readValue(n - 1) : awkward.size ? awkward.get(key) : undefined;
  }

  function has(key: string): boolean {
    if (!key.isWellFormed()) return awkward.has(key);
    return entryOf(key) !== 0 || (awkward.size > 0 && awkward.has(key));
  }

  /** Maps each key not yet in the map to `value`, stored once for them all. */
  function addAll(keys: readonly string[], value: string): void {
    let valueAt = -1;
    const awkwardValue = !value.isWellFormed();
    for (const key of keys) {
      if (awkwardValue || !key.isWellFormed()) {
        if (!has(key)) awkward.set(key, value);
        continue;
      }
      let length = stage(key);
      const hash = hashOf(bytes, used, used + length);
      if (slots[slotOf(used, length, hash)] !== 0 || (awkward.size && awkward.has(key))) continue;
      if (valueAt < 0) {
        valueAt = writeValue(value);
        length = stage(key); // past the value now
      }
      if (4 * (count + 1) > entries.length) {
        const grown = new Uint32Array(entries.length * 2);
        grown.set(entries);
        entries = grown;
      }
      slots[slotOf(used, length, hash)] = count + 1;
      entries[4 * count] = used;
      entries[4 * count + 1] = length;
      entries[4 * count + 2] = valueAt;
      entries[4 * count + 3] = hash;
      used += length;
      count++;
      if (4 * count > 3 * slots.length) grow();
    }
  }

  return { get, addAll, has };
}
export type PackedMap = ReturnType<typeof packedMap>;
