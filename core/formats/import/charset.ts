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

/** A file's bytes as the readers take them: a Uint8Array, or a source that holds them otherwise
 *  and gives any range of them as a Uint8Array (the server holds a running import's upload
 *  compressed). A reader asks for a window at a time, and for single bytes near its ends. */
export type ByteSource = { readonly length: number; subarray(start: number, end: number): Uint8Array };

const byteAt = (bytes: ByteSource, at: number): number | undefined => bytes.subarray(at, at + 1)[0];
const startsWith = (bytes: ByteSource, prefix: number[]) => prefix.every((byte, i) => byteAt(bytes, i) === byte);
const bomLength = (bytes: ByteSource, charset: ImportCharset) => {
  const bom = boms.find(([c]) => c === charset)?.[1];
  return bom && startsWith(bytes, bom) ? bom.length : 0;
};

// A large file is decoded this many bytes at a time, so its text is never held whole (a 64 MiB
// file's text takes 64 to 128 MiB of heap).
const WINDOW_BYTES = 1024 * 1024;

function isUtf8(bytes: ByteSource): boolean {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for (let at = 0; at < bytes.length; at += WINDOW_BYTES)
      decoder.decode(bytes.subarray(at, at + WINDOW_BYTES), { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** The charset the bytes are in, and whether they start with its byte order mark. */
export function detectCharset(bytes: ByteSource): { charset: ImportCharset; bom: boolean } {
  for (const [charset, bom] of boms) if (startsWith(bytes, bom)) return { charset, bom: true };
  return { charset: isUtf8(bytes) ? "utf-8" : "windows-1252", bom: false };
}

/** The text of the bytes in `charset`, without a byte order mark. */
export function decodeBytes(bytes: ByteSource, charset: ImportCharset): string {
  const body = bytes.subarray(bomLength(bytes, charset), bytes.length);
  if (charset === "windows-1252") return iconv.decode(body, "windows-1252");
  return new TextDecoder(charset).decode(body).replace(/^\ufeff/, "");
}

/** Where a window of the bytes from `start` may end, near `end`, without splitting a character.
 *  UTF-8 backs up over continuation bytes (a character has at most three). UTF-16 ends on a whole
 *  code unit, one unit earlier when that one is a high surrogate (the one before it, if also a
 *  high surrogate, is unpaired, so that cut splits no pair). A window too short for its one
 *  character ends after that character instead (after a run of high surrogates, in a broken file). */
function cutNear(body: ByteSource, start: number, end: number, charset: ImportCharset): number {
  if (end >= body.length || charset === "windows-1252") return Math.min(end, body.length);
  if (charset === "utf-8") {
    const continues = (at: number) => ((byteAt(body, at) ?? 0) & 0xc0) === 0x80;
    let cut = end;
    while (cut > start && cut > end - 4 && continues(cut)) cut--;
    if (cut > start && !continues(cut)) return cut;
    for (cut = end; cut < body.length && cut < end + 4 && continues(cut); ) cut++;
    return cut;
  }
  let cut = Math.max(end - ((end - start) % 2), start + 2);
  if (cut < body.length && isHighSurrogate(body, cut - 2, charset)) {
    if (cut - 2 > start) return cut - 2;
    while (cut < body.length && isHighSurrogate(body, cut - 2, charset)) cut += 2;
  }
  return Math.min(cut, body.length);
}

/** Whether the UTF-16 code unit at `at` (an even offset) is a high surrogate, which needs the next. */
function isHighSurrogate(body: ByteSource, at: number, charset: ImportCharset): boolean {
  const high = byteAt(body, charset === "utf-16le" ? at + 1 : at) ?? 0;
  return at >= 0 && high >= 0xd8 && high <= 0xdb;
}

/** decodeBytes a window at a time: the same text, in pieces (none empty), each cut between two
 *  characters. Each window is decoded on its own, not as a stream, into one-byte strings where
 *  its characters allow: a decoder's stream, and iconv-lite, give two-byte strings even for
 *  ASCII, and every contact read from them then takes nearly twice the memory, in the cache too.
 *  So a windows-1252 window without a byte of 0x80–0x9F, the only ones where it differs from
 *  Latin-1 (Outlook's files are mostly ASCII), is decoded as Latin-1. */
export function* decodeWindows(
  bytes: ByteSource,
  charset: ImportCharset,
  windowBytes = WINDOW_BYTES,
): Generator<string> {
  const from = bomLength(bytes, charset);
  const label = charset === "windows-1252" ? "latin1" : charset;
  // As decodeBytes does, the first window loses a byte order mark once more; a later one that
  // happens to start with U+FEFF keeps it (a decoder drops it at each call unless told not to).
  const firstDecoder = new TextDecoder(label);
  // (Latin-1 has no byte order mark, and Node 20 decodes ÿ to nothing there under ignoreBOM.)
  const laterDecoder = charset === "windows-1252" ? firstDecoder : new TextDecoder(label, { ignoreBOM: true });
  let stripped = false; // decodeBytes' replace: the first U+FEFF left at the start of the text
  for (let at = from; at < bytes.length; ) {
    const end = cutNear(bytes, at, at + windowBytes, charset);
    const window = bytes.subarray(at, end);
    let text =
      charset === "windows-1252" && window.some((b) => b >= 0x80 && b <= 0x9f)
        ? iconv.decode(window, "windows-1252")
        : (at === from ? firstDecoder : laterDecoder).decode(window);
    if (!stripped && text) {
      text = text.replace(/^\ufeff/, "");
      stripped = true;
    }
    at = end;
    if (text) yield text;
  }
}

/** Text as bytes in an export charset; windows-1252 writes "?" for what it cannot hold. */
export function encodeText(text: string, charset: "utf-8" | "windows-1252"): Uint8Array {
  return charset === "utf-8" ? new TextEncoder().encode(text) : iconv.encode(text, "windows-1252");
}
