// Draws the add-in's icons (a white "C" on a rounded square in the Fluent brand blue) and writes them as
// PNGs with node built-ins only: no image library to install, and the committed files can be regenerated.
//   npx tsx addin/build/make-icons.ts
import { deflateSync } from "node:zlib";
import { writeFileSync } from "node:fs";

// The sizes the manifest asks for: 16/32/80 on the ribbon button, 64 IconUrl, 128 HighResolutionIconUrl.
export const iconSizes = [16, 32, 64, 80, 128] as const;

const brand = [0x0f, 0x6c, 0xbd] as const;
const supersample = 4;

// PNG spec §5.5: CRC-32 (ISO 3309) over chunk type and data.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** 0 = outside, 1 = background square, 2 = the "C" stroke; unit coordinates in [0, 1). */
function shapeAt(x: number, y: number): 0 | 1 | 2 {
  const radius = 0.18;
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  if (Math.hypot(x - cx, y - cy) > radius) return 0;
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  const inRing = r > 0.2 && r < 0.33;
  const inOpening = dx > 0 && Math.abs(dy) < dx * 0.75;
  return inRing && !inOpening ? 2 : 1;
}

export function drawIcon(size: number): Buffer {
  const rowBytes = 1 + size * 4;
  const raw = Buffer.alloc(rowBytes * size);
  for (let y = 0; y < size; y++) {
    raw[y * rowBytes] = 0; // PNG filter type None
    for (let x = 0; x < size; x++) {
      let cover = 0;
      let white = 0;
      for (let sy = 0; sy < supersample; sy++) {
        for (let sx = 0; sx < supersample; sx++) {
          const shape = shapeAt((x + (sx + 0.5) / supersample) / size, (y + (sy + 0.5) / supersample) / size);
          if (shape > 0) cover++;
          if (shape === 2) white++;
        }
      }
      const at = y * rowBytes + 1 + x * 4;
      const whiteShare = cover === 0 ? 0 : white / cover;
      for (let c = 0; c < 3; c++) raw[at + c] = Math.round(brand[c] + (255 - brand[c]) * whiteShare);
      raw[at + 3] = Math.round((255 * cover) / supersample ** 2);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const size of iconSizes) {
    writeFileSync(new URL(`../assets/icon-${size}.png`, import.meta.url), drawIcon(size));
  }
}
