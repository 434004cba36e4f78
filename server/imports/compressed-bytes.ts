// A running import's upload, held compressed while its records are read on this thread: the
// readers take a CSV file a window at a time (core/formats/import/charset.ts), so only the block
// or two under the window are inflated at once. An export from Outlook is mostly empty columns
// and compresses about tenfold (the import bench's 23 MB file holds 1.9 MB), which is memory this
// process keeps for the cache. Blocks are deflated on their own at the fastest level (35 ms for
// the bench's file) and inflated about three times each, once a walk over the file.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { ByteSource } from "../../core/formats/import";

const BLOCK_BYTES = 1024 * 1024;

export function compressedBytes(bytes: Uint8Array, blockBytes = BLOCK_BYTES): ByteSource {
  const { length } = bytes;
  const blocks: Buffer[] = [];
  for (let at = 0; at < length; at += blockBytes)
    blocks.push(deflateRawSync(bytes.subarray(at, at + blockBytes), { level: 1 }));
  // The block inflated last: a window reads on from where the one before it stopped.
  let last: { k: number; bytes: Uint8Array } | undefined;
  const block = (k: number) => {
    if (last?.k !== k) last = { k, bytes: inflateRawSync(blocks[k]) };
    return last.bytes;
  };
  return {
    length,
    subarray(from: number, to: number) {
      const start = Math.max(0, Math.min(from, length));
      const end = Math.max(start, Math.min(to, length));
      const first = Math.floor(start / blockBytes);
      const final = Math.floor((end - 1) / blockBytes);
      if (end === start) return new Uint8Array(0);
      if (first === final) return block(first).subarray(start - first * blockBytes, end - first * blockBytes);
      const out = new Uint8Array(end - start);
      for (let k = first; k <= final; k++) {
        const lo = Math.max(start, k * blockBytes);
        const hi = Math.min(end, (k + 1) * blockBytes);
        out.set(block(k).subarray(lo - k * blockBytes, hi - k * blockBytes), lo - start);
      }
      return out;
    },
  };
}
