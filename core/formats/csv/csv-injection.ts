// CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts
// with = + - @, tab or carriage return as a formula. OWASP's remedy is to
// prefix such cells with a single quote, which is done for every exported cell
// with one exception: a phone number such as "+49 30 1234567". Outlook and
// Google import the quote literally, so the rule would corrupt every
// international number in the very files meant for them; and a cell made only
// of "+", digits, spaces and ( ) . / - names no function, so a spreadsheet can
// at worst show it as a number. That exemption applies to phone columns only.
const formulaStart = /^[=+\-@\t\r]/;
const plainPhoneNumber = /^\+[0-9 ()./-]+$/;

export function neutralizeCell(value: string, { isPhone = false } = {}): string {
  if (!formulaStart.test(value)) return value;
  if (isPhone && plainPhoneNumber.test(value)) return value;
  return `'${value}`;
}

/** Undoes neutralizeCell on import, so that our own exports read back unchanged. */
export function restoreNeutralizedCell(value: string): string {
  return value.startsWith("'") && formulaStart.test(value.slice(1)) ? value.slice(1) : value;
}
