// Rewrites a vCard 2.1 content line (or any line carrying quoted-printable,
// CHARSET or undecoded bytes) into vCard 3.0 syntax, so ical.js can parse it.
import ICAL from "ical.js";
import iconv from "iconv-lite";
import libqp from "libqp";
import { headOf } from "./content-lines";
import { escapeText } from "./text-value";
import { VCardError } from "./vcard-error";
import type { ContentLine } from "./content-lines";

const vcard3 = ICAL.design.vcard3;

// vCard 2.1 §2.4: a parameter may be written as its bare value; these are ENCODING values.
const bareEncodings = new Set(["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"]);
// Values that vCard 3.0 reads as comma-separated lists (RFC 2426 §3.1.4, §3.6.1).
const listProperties = new Set(["CATEGORIES", "NICKNAME"]);

interface Param {
  name: string;
  value: string;
}

/** Splits on `separator` outside double quotes (RFC 6350 §3.3 param-value). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === separator && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function paramOf(raw: string): Param {
  const eq = raw.indexOf("=");
  if (eq !== -1) return { name: raw.slice(0, eq).toUpperCase(), value: raw.slice(eq + 1) };
  const value = raw.toUpperCase();
  return { name: bareEncodings.has(value) ? "ENCODING" : "TYPE", value: raw };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Text from bytes: the declared CHARSET, else UTF-8 when valid, else windows-1252 (Outlook's ANSI default). */
export function decodeBytes(bytes: Uint8Array, charset: string | undefined, line: number): string {
  if (charset) {
    if (!iconv.encodingExists(charset)) throw new VCardError(line, `unknown CHARSET ${charset}`);
    return iconv.decode(bytes, charset);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return iconv.decode(bytes, "windows-1252");
  }
}

export const bytesOfBinaryString = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

// vCard 2.1 §2.3: only ';' inside compound values is escaped, with a backslash.
function escape21(name: string, text: string): string {
  const design = vcard3.property[name.toLowerCase()];
  if (design?.structuredValue) {
    return text
      .split(/(?<!\\);/)
      .map((part) => escapeText(part.replace(/\\;/g, ";")))
      .join(";");
  }
  if (design && design.defaultType !== "text") return text.replace(/\r\n|\r|\n/g, "\\n");
  if (listProperties.has(name)) return text.split(",").map(escapeText).join(",");
  return escapeText(text);
}

export function needsRewrite(text: string, version: string, binary: boolean): boolean {
  if (version === "2.1" || binary) return true;
  return /;(ENCODING=)?QUOTED-PRINTABLE\b|;CHARSET=/i.test(headOf(text) ?? "");
}

/**
 * `binary`: the text holds one char per input byte, not yet decoded.
 * Property names stay as written; only parameters and the value change.
 */
export function rewriteLegacyLine({ text, line }: ContentLine, version: string, binary: boolean): string {
  const head = headOf(text) as string;
  const [name, ...rawParams] = splitOutsideQuotes(head, ";");
  const params = rawParams.filter((p) => p !== "").map(paramOf);
  const encoding = params.find((p) => p.name === "ENCODING")?.value.toUpperCase();
  const charset = params.find((p) => p.name === "CHARSET")?.value;
  const rawValue = text.slice(head.length + 1);

  let value: string;
  if (encoding === "QUOTED-PRINTABLE") value = decodeBytes(libqp.decode(rawValue), charset, line);
  else if (binary && encoding !== "BASE64" && encoding !== "B")
    value = decodeBytes(bytesOfBinaryString(rawValue), charset, line);
  else value = rawValue;

  const baseName = name.slice(name.lastIndexOf(".") + 1).toUpperCase();
  if (encoding === "BASE64" || encoding === "B") value = value.replace(/\s+/g, "");
  else if (version === "2.1") value = escape21(baseName, value);
  else value = value.replace(/\r\n|\r|\n/g, "\\n");

  const kept = params
    .filter((p) => p.name !== "CHARSET" && !(p.name === "ENCODING" && encoding === "QUOTED-PRINTABLE"))
    // RFC 2426 §5: vCard 3.0 spells base64 as ENCODING=b.
    .map((p) => (p.name === "ENCODING" && encoding === "BASE64" ? { name: "ENCODING", value: "b" } : p));
  return [name, ...kept.map((p) => `${p.name}=${p.value}`)].join(";") + ":" + value;
}
