// Picks the export a header row came from. Google is checked first because its
// current export shares "First Name"/"Last Name"/"Notes" with Outlook.
import { isCurrentGoogleHeader, isLegacyGoogleHeader } from "./google-columns";
import { outlookExpressOnlyHeaders } from "./outlook-express-columns";
import { outlookLanguageScores } from "./outlook-columns";

export const csvFormats = ["outlook", "outlook-express", "google", "google-legacy", "generic"] as const;
export type CsvFormat = (typeof csvFormats)[number];

// Fewer matching names than this is a hand-made file that merely shares a header or two.
const minimumOutlookHeaders = 3;
const outlookOnlyHeaders = ["Business Street 2", "E-mail 2 Address", "E-mail Display Name", "Categories"];

export function detectCsvFormat(headers: string[]): CsvFormat {
  const trimmed = headers.map((h) => h.trim());
  if (trimmed.some(isLegacyGoogleHeader)) return "google-legacy";
  if (trimmed.some(isCurrentGoogleHeader)) return "google";
  const scores = outlookLanguageScores(trimmed);
  const isExpress =
    trimmed.some((h) => outlookExpressOnlyHeaders.includes(h)) && !trimmed.some((h) => outlookOnlyHeaders.includes(h));
  if (isExpress) return "outlook-express";
  return Math.max(scores.en, scores.de, scores.fr) >= minimumOutlookHeaders ? "outlook" : "generic";
}
