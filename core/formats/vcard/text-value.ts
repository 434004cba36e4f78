// RFC 6350 §3.4 / RFC 2426 §5 text escaping, done by ical.js's own value types.
import ICAL from "ical.js";

const text = ICAL.design.vcard3.value.text;

// ical.js escapes ';' only when told it is the structured-value separator; RFC 2426 §5
// escapes it in every text value, so we always pass it. A lone CR would end the
// content line, so line breaks become LF first and then "\n".
export const escapeText = (value: string): string => text.toICAL(value.replace(/\r\n?/g, "\n"), ";");

export const unescapeText = (value: string): string => text.fromICAL(value, ";");

/**
 * Splits at `separator` where it is not escaped, i.e. after an even number of
 * backslashes. ical.js looks at one preceding character only, so it reads the
 * escaped backslash in a\\;b as escaping the ';'.
 */
export function splitUnescaped(value: string, separator: "," | ";"): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === "\\") i++;
    else if (value[i] === separator) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/** A comma-separated text list (CATEGORIES, NICKNAME), each item unescaped. */
export const unescapeTextList = (value: string): string[] => splitUnescaped(value, ",").map(unescapeText);

/** The components of a structured value (N, ADR, ORG), each unescaped; a component's own list stays comma-joined. */
export const unescapeStructured = (value: string): string[] => splitUnescaped(value, ";").map(unescapeText);
