// The charsets contact exports arrive in: UTF-8 with or without a BOM (Google, newer Outlooks,
// Apple, Thunderbird), UTF-16 with a BOM (Outlook's and Excel's "Unicode" exports), and the
// Windows ANSI code page 1252 (classic Outlook and Outlook Express in English and Western
// European locales). Bytes that are not valid UTF-8 and carry no BOM are read as windows-1252.
import iconv from "iconv-lite";

export const importCharsets = ["utf-8", "utf-16le", "utf-16be", "windows-1252"] as const;
export type ImportCharset = (typeof importCharsets)[number];

const boms: [ImportCharset, number[]][] = [
  ["utf-8", [0xef, 0xbb, 0xbf]],
  ["utf-16le", [0xff, 0xfe]],
  ["utf-16be", [0xfe, 0xff]],
];

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The charset the bytes are in, and whether they start with its byte order mark. */
export function detectCharset(bytes: Uint8Array): { charset: ImportCharset; bom: boolean } {
  for (const [charset, bom] of boms) if (startsWith(bytes, bom)) return { charset, bom: true };
  return { charset: isUtf8(bytes) ? "utf-8" : "windows-1252", bom: false };
}

/** The text of the bytes in `charset`, without a byte order mark. */
export function decodeBytes(bytes: Uint8Array, charset: ImportCharset): string {
  const bom = boms.find(([c]) => c === charset)?.[1];
  const body = bom && startsWith(bytes, bom) ? bytes.subarray(bom.length) : bytes;
  if (charset === "windows-1252") return iconv.decode(body, "windows-1252");
  return new TextDecoder(charset).decode(body).replace(/^\ufeff/, "");
}

/** Text as bytes in an export charset; windows-1252 writes "?" for what it cannot hold. */
export function encodeText(text: string, charset: "utf-8" | "windows-1252"): Uint8Array {
  return charset === "utf-8" ? new TextEncoder().encode(text) : iconv.encode(text, "windows-1252");
}
