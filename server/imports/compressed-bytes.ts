// An upload as it is stored and read: its bytes in 1 MiB blocks, each deflated on its own at the
// fastest level, after a header of their lengths. An export from Outlook is mostly empty columns
// and compresses about tenfold (the import bench's 23 MB file stores as 1.9 MB), so the upload
// costs the database a tenth of the writing and reading, and a running import holds it as it is
// stored: the readers take a CSV file a window at a time (core/formats/import/charset.ts), so
// only the block or two under the window are inflated at once. Blocks are inflated about three
// times each, once a walk over the file.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { ByteSource } from "../../core/formats/import";

const BLOCK_BYTES = 1024 * 1024;

/** The stored form: u32 LE length of the bytes, block size and block count, each block's stored
 *  length, then the blocks. */
export function packBytes(bytes: Uint8Array, blockBytes = BLOCK_BYTES): Buffer {
  const blocks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += blockBytes)
    blocks.push(deflateRawSync(bytes.subarray(at, at + blockBytes), { level: 1 }));
  const header = Buffer.alloc(4 * (3 + blocks.length));
  header.writeUInt32LE(bytes.length, 0);
  header.writeUInt32LE(blockBytes, 4);
  header.writeUInt32LE(blocks.length, 8);
  blocks.forEach((b, k) => header.writeUInt32LE(b.length, 4 * (3 + k)));
  return Buffer.concat([header, ...blocks]);
}

/** The bytes packBytes packed, a range at a time, from views of the stored form (not copies). */
export function packedBytes(stored: Uint8Array): ByteSource {
  const view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const length = view.readUInt32LE(0);
  const blockBytes = view.readUInt32LE(4);
  const count = view.readUInt32LE(8);
  const blocks: Uint8Array[] = [];
  for (let k = 0, at = 4 * (3 + count); k < count; k++) {
    const size = view.readUInt32LE(4 * (3 + k));
    blocks.push(view.subarray(at, at + size));
    at += size;
  }
  // The block inflated last: a window reads on from where the one before it stopped.
  let last: { k: number; bytes: Uint8Array } | undefined;
  const block = (k: number) => {
    if (last?.k !== k) last = { k, bytes: inflateRawSync(blocks[k]!) };
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

/** All the bytes at once, for a reader that needs them whole (a summary, a vCard file). */
export const wholeOf = (source: ByteSource): Uint8Array =>
  source instanceof Uint8Array ? source : source.subarray(0, source.length);
