// Google Contacts (and most generic CSVs) give an entry's kind as a free label
// ("Work", "* Mobile"); the Contact model has closed enums. These tables map
// both ways. A leading "* " is Google's mark for the primary entry.
import type { Address, Email, PhoneType } from "../../contact/contact";

type EmailType = Email["type"];
type AddressType = Address["type"];

// Google's own phone labels where it has one; otherwise Outlook's wording, so
// that an export → import round trip keeps every one of Outlook's kinds.
export const phoneLabels: Record<PhoneType, string> = {
  assistant: "Assistant",
  business: "Work",
  business2: "Work 2",
  businessFax: "Work Fax",
  callback: "Callback",
  car: "Car",
  company: "Company Main",
  home: "Home",
  home2: "Home 2",
  homeFax: "Home Fax",
  isdn: "ISDN",
  mobile: "Mobile",
  other: "Other",
  otherFax: "Other Fax",
  pager: "Pager",
  primary: "Main",
  radio: "Radio",
  telex: "Telex",
  tty: "TTY/TDD",
};

export const emailLabels: Record<EmailType, string> = { work: "Work", home: "Home", other: "Other" };
export const addressLabels: Record<AddressType, string> = { business: "Work", home: "Home", other: "Other" };
export const urlLabels = emailLabels;

const phoneAliases: Record<string, PhoneType> = {
  cell: "mobile",
  cellular: "mobile",
  handy: "mobile",
  business: "business",
  office: "business",
  fax: "otherFax",
  "business fax": "businessFax",
  "google voice": "other",
  primary: "primary",
  "work mobile": "mobile",
  "company": "company",
  "tty/tdd phone": "tty",
};
const placeAliases: Record<string, "work" | "home" | "other"> = {
  work: "work",
  business: "work",
  office: "work",
  home: "home",
  personal: "home",
  private: "home",
  "home page": "home",
  other: "other",
};

function normalizeLabel(label: string): string {
  return label
    .trim()
    .replace(/^\*\s*/, "")
    .toLowerCase();
}

function invert<T extends string>(table: Record<T, string>): Map<string, T> {
  return new Map(Object.entries(table).map(([type, label]) => [(label as string).toLowerCase(), type as T]));
}

const phoneByLabel = invert(phoneLabels);

/** The phone kind a label names, or undefined when the label is not one we know. */
export function phoneTypeOf(label: string): PhoneType | undefined {
  const key = normalizeLabel(label);
  return phoneByLabel.get(key) ?? phoneAliases[key];
}

export function emailTypeOf(label: string): EmailType | undefined {
  return placeAliases[normalizeLabel(label)];
}

export const urlTypeOf = emailTypeOf;

export function addressTypeOf(label: string): AddressType | undefined {
  const place = placeAliases[normalizeLabel(label)];
  return place === "work" ? "business" : place;
}
