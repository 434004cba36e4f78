// Outlook writes dates in the Windows short-date format of the exporting
// machine (en-US "5/17/1980", de-DE "17.05.1980", fr-FR "17/05/1980") and
// "0/0/00" for none; Google writes ISO "1980-05-17" or year-less "--05-17".
export type DateOrder = "MDY" | "DMY";

const pad = (n: number) => String(n).padStart(2, "0");

// February 29 is allowed without a year (and for leap years only with one).
function validDay(month: number, day: number, year?: number): boolean {
  const leap = year === undefined || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** Outlook's placeholder for an empty date field. */
export function isEmptyDate(text: string): boolean {
  return /^0?0[./-]0?0[./-](00|0000)$/.test(text.trim());
}

/** A Contact date ("YYYY-MM-DD" or "--MM-DD"), or undefined when the text is not a date we can read. */
export function parseCsvDate(text: string, order: DateOrder): string | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(t);
  if (iso) return validDay(+iso[2], +iso[3], +iso[1]) ? `${iso[1]}-${iso[2]}-${iso[3]}` : undefined;
  const yearless = /^--(\d{2})-?(\d{2})$/.exec(t);
  if (yearless) return validDay(+yearless[1], +yearless[2]) ? `--${yearless[1]}-${yearless[2]}` : undefined;
  const local = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(t);
  if (!local) return undefined;
  const [first, second] = [+local[1], +local[2]];
  // A first part above 12 can only be a day, whatever the locale said.
  const [month, day] = order === "MDY" && first <= 12 ? [first, second] : [second, first];
  return validDay(month, day, +local[3]) ? `${local[3]}-${pad(month)}-${pad(day)}` : undefined;
}

/** en-US Outlook's M/D/YYYY; year-less dates have no Outlook form and give "". */
export function formatOutlookDate(date: string | undefined): string {
  const m = date && /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(date);
  return m ? `${+m[2]}/${+m[3]}/${m[1]}` : "";
}

/** Google's ISO form, keeping year-less dates as "--MM-DD". */
export function formatIsoDate(date: string | undefined): string {
  if (!date) return "";
  const full = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(date);
  if (full) return `${full[1]}-${full[2]}-${full[3]}`;
  const yearless = /^--(\d{2})-?(\d{2})$/.exec(date);
  return yearless ? `--${yearless[1]}-${yearless[2]}` : "";
}
