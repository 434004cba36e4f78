// Splits vCard text into cards of logical content lines, remembering the
// physical line each one starts on. ical.js unfolds too, but it cannot report
// line numbers and does not know vCard 2.1's quoted-printable soft breaks or
// its blank-line-terminated BASE64 blocks.
import { MAX_VCARD_PROPERTIES } from "../../contact/limits";
import { VCardError } from "./vcard-error";

export interface ContentLine {
  text: string;
  line: number;
}

export interface CardLines {
  version: string;
  beginLine: number;
  lines: ContentLine[];
}

type Mode = "plain" | "quoted-printable" | "base64-21";

interface Pending extends ContentLine {
  mode: Mode;
}

const isBegin = (text: string) => /^BEGIN:VCARD\s*$/i.test(text);
const isEnd = (text: string) => /^END:VCARD\s*$/i.test(text);

/** The part before the value: property name and parameters. */
export function headOf(text: string): string | undefined {
  const colon = valueColon(text);
  return colon === -1 ? undefined : text.slice(0, colon);
}

// RFC 6350 §3.3: a parameter value may be quoted and then hold ':'.
export function valueColon(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === ":" && !quoted) return i;
  }
  return -1;
}

function modeOf(text: string, version: string): Mode {
  const head = headOf(text) ?? "";
  if (/;(ENCODING=)?QUOTED-PRINTABLE\b/i.test(head)) return "quoted-printable";
  // vCard 2.1 §2.1.3: BASE64 data runs over indented lines and ends with a blank line.
  if (version === "2.1" && /;(ENCODING=)?BASE64\b/i.test(head)) return "base64-21";
  return "plain";
}

function versionAfter(physical: string[], begin: number): string {
  for (let i = begin + 1; i < physical.length && !isEnd(physical[i]); i++) {
    const match = /^VERSION:\s*(\S+)\s*$/i.exec(physical[i]);
    if (match) return match[1];
  }
  return "3.0";
}

/** `maxLineChars`: the longest unfolded content line taken (limits.ts maxVCardLineChars). */
export function splitCards(text: string, maxLineChars = Number.POSITIVE_INFINITY): CardLines[] {
  const physical = text.split(/\r\n|\n|\r/);
  const cards: CardLines[] = [];
  let card: CardLines | undefined;
  let pending: Pending | undefined;

  const finish = () => {
    if (!pending) return;
    const done = pending;
    pending = undefined;
    if (isEnd(done.text)) {
      if (!card) throw new VCardError(done.line, "END:VCARD without BEGIN:VCARD");
      cards.push(card);
      card = undefined;
      return;
    }
    if (!card) throw new VCardError(done.line, "content outside BEGIN:VCARD … END:VCARD");
    // Each property costs its own parse (ical.js): a card's size is bounded before any is parsed.
    if (done.text.length > maxLineChars)
      throw new VCardError(done.line, `a content line over ${maxLineChars} characters`);
    if (card.lines.length === MAX_VCARD_PROPERTIES)
      throw new VCardError(done.line, `more than ${MAX_VCARD_PROPERTIES} properties in one card`);
    if (valueColon(done.text) === -1) throw new VCardError(done.line, `no ':' in "${done.text.slice(0, 60)}"`);
    card.lines.push({ text: done.text, line: done.line });
  };

  physical.forEach((raw, index) => {
    const lineNo = index + 1;
    if (pending?.mode === "quoted-printable" && pending.text.endsWith("=")) {
      // RFC 2045 §6.7 rule 5: "=" at the end of an encoded line is a soft line break.
      pending.text = pending.text.slice(0, -1) + raw;
      return;
    }
    if (pending?.mode === "base64-21") {
      if (raw.trim() === "") return finish();
      if (/^[ \t]/.test(raw) || !raw.includes(":")) {
        pending.text += raw.trim();
        return;
      }
    }
    // A folded line may hold only the spaces a value ends with.
    if (/^[ \t]/.test(raw) && (pending || raw.trim() !== "")) {
      if (!pending) throw new VCardError(lineNo, "continuation line without a property before it");
      // vCard 2.1 §2.1.3 keeps the folding whitespace; RFC 6350 §3.2 drops one character.
      pending.text += card?.version === "2.1" ? raw : raw.slice(1);
      return;
    }
    finish();
    if (raw.trim() === "") return;
    if (isBegin(raw)) {
      if (card) throw new VCardError(card.beginLine, "BEGIN:VCARD without END:VCARD");
      card = { version: versionAfter(physical, index), beginLine: lineNo, lines: [] };
      return;
    }
    pending = { text: raw, line: lineNo, mode: card ? modeOf(raw, card.version) : "plain" };
  });
  finish();
  if (card) throw new VCardError(card.beginLine, "BEGIN:VCARD without END:VCARD");
  return cards;
}
