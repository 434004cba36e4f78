// Contact CSVs arrive as UTF-8 (with or without BOM) from Google and newer
// Outlooks, and as the Windows ANSI code page from classic Outlook and Outlook
// Express ("Comma Separated Values (Windows)" is written in windows-1252 on
// Western systems), so bytes are decoded here before parsing.
import iconv from "iconv-lite";

const utf8Bom = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Text of a CSV file: BOM → UTF-8 (or UTF-16 for "Unicode" exports);
 *  bytes that are valid UTF-8 → UTF-8; anything else → windows-1252.
 *  The result never starts with a BOM. */
export function decodeCsvInput(input: string | Uint8Array): string {
  if (typeof input === "string") return input.replace(/^\ufeff/, "");
  if (startsWith(input, utf8Bom)) return new TextDecoder("utf-8").decode(input.subarray(3));
  if (startsWith(input, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(input.subarray(2));
  if (startsWith(input, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(input.subarray(2));
  return strictUtf8(input) ?? iconv.decode(input, "windows-1252");
}
