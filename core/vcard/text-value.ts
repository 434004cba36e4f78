// RFC 6350 §3.4 / RFC 2426 §5 text escaping, done by ical.js's own value types.
import ICAL from "ical.js";

const text = ICAL.design.vcard3.value.text;

// ical.js escapes ';' only when told it is the structured-value separator; RFC 2426 §5
// escapes it in every text value, so we always pass it. A lone CR would end the
// content line, so line breaks become LF first and then "\n".
export const escapeText = (value: string): string => text.toICAL(value.replace(/\r\n?/g, "\n"), ";");

export const unescapeText = (value: string): string => text.fromICAL(value, ";");
