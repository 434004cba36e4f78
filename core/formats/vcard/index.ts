// vCard 2.1, 3.0 and 4.0 in; 3.0 and 4.0 out. See x-names.ts and
// phone-types.ts for the conventions where vCard has no standard property.
import iconv from "iconv-lite";
import type { Contact } from "../../contact/contact";
import { type ContactLimits, maxVCardLineChars } from "../../contact/limits";
import { hashText } from "../../contact/content-hash";
import { splitCards, type CardLines } from "./content-lines";
import { readProperty } from "./properties";
import { contactFromProperties } from "./to-contact";
import { VCardError } from "./vcard-error";

export { VCardError } from "./vcard-error";
export { emitVCard, type VCardVersion } from "./from-contact";

export interface ParseOptions {
  /** The uid for a card without UID; by default a hash of the card, so re-importing a file yields the same uids. */
  uidFallback?: string;
  /** The size caps the card is read under: a longer content line is refused before it is parsed. */
  limits?: ContactLimits;
}

const supportedVersions = new Set(["2.1", "3.0", "4.0"]);
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes that are valid UTF-8 are read as UTF-8 (RFC 6350 §3.1). Otherwise, as
 * vCard 2.1 files from Outlook often are, each byte becomes one char and every
 * value is decoded on its own, by its CHARSET or else as windows-1252.
 */
function textOfInput(input: string | Uint8Array): { text: string; binary: boolean } {
  if (typeof input === "string") return { text: input, binary: false };
  try {
    return { text: utf8.decode(input), binary: false };
  } catch {
    return { text: iconv.decode(input, "latin1"), binary: true };
  }
}

function contactOf(card: CardLines, binary: boolean, uidFallback: string | undefined): Contact {
  if (!supportedVersions.has(card.version)) throw new VCardError(card.beginLine, `unsupported VERSION ${card.version}`);
  const properties = card.lines.map((line) => readProperty(line, card.version, binary));
  const fallback = uidFallback ?? hashText(card.lines.map((l) => l.text).join("\n")).slice(0, 32);
  return contactFromProperties(properties, { beginLine: card.beginLine, uidFallback: fallback });
}

export function parseVCards(input: string | Uint8Array, options: Pick<ParseOptions, "limits"> = {}): Contact[] {
  const { text, binary } = textOfInput(input);
  return splitCards(text, maxVCardLineChars(options.limits)).map((card) => contactOf(card, binary, undefined));
}

export function parseVCard(input: string | Uint8Array, options: ParseOptions = {}): Contact {
  const { text, binary } = textOfInput(input);
  const cards = splitCards(text, maxVCardLineChars(options.limits));
  if (cards.length === 0) throw new VCardError(1, "no BEGIN:VCARD");
  if (cards.length > 1) throw new VCardError(cards[1].beginLine, "more than one vCard where one was expected");
  return contactOf(cards[0], binary, options.uidFallback);
}
