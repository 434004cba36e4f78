// TEL TYPE values ⇄ Outlook's nineteen phone kinds.
// RFC 6350 §6.4.1 and RFC 2426 §3.3.1 name work, home, cell, fax, pager, car,
// isdn, voice and (4.0) textphone. Outlook's other kinds have no standard type,
// so we write them as x-names (RFC 6350 §6.10), and read the spellings other
// producers use: Apple's "main" and "iPhone", vCard 2.1's "TLX" and "TTY-TDD".
import type { PhoneType } from "../../contact/contact";

const emitted: Record<PhoneType, string[]> = {
  assistant: ["x-assistant"],
  business: ["work", "voice"],
  business2: ["work", "voice", "x-business2"],
  businessFax: ["work", "fax"],
  callback: ["x-callback"],
  car: ["car"],
  company: ["x-company"],
  home: ["home", "voice"],
  home2: ["home", "voice", "x-home2"],
  homeFax: ["home", "fax"],
  isdn: ["isdn"],
  mobile: ["cell"],
  other: ["voice"],
  otherFax: ["fax"],
  pager: ["pager"],
  primary: ["main"],
  radio: ["x-radio"],
  telex: ["x-telex"],
  tty: ["textphone"],
};

// Checked in order: a marker naming a kind outright wins over work/home/fax.
const markers: [PhoneType, string[]][] = [
  ["assistant", ["x-assistant", "assistant"]],
  ["callback", ["x-callback", "callback"]],
  ["company", ["x-company", "company"]],
  ["radio", ["x-radio", "radio"]],
  ["telex", ["x-telex", "tlx", "telex"]],
  ["tty", ["textphone", "tty-tdd", "tty", "x-tty"]],
  ["primary", ["main", "x-primary"]],
  ["business2", ["x-business2"]],
  ["home2", ["x-home2"]],
];

export function typesOfPhone(kind: PhoneType): string[] {
  return emitted[kind];
}

export function phoneKindOf(typeParams: string[]): PhoneType {
  const types = new Set(typeParams.map((t) => t.toLowerCase()));
  const marked = markers.find(([, names]) => names.some((n) => types.has(n)));
  if (marked) return marked[0];
  if (types.has("fax")) return types.has("work") ? "businessFax" : types.has("home") ? "homeFax" : "otherFax";
  if (types.has("cell") || types.has("iphone") || types.has("mobile")) return "mobile";
  if (types.has("pager")) return "pager";
  if (types.has("car")) return "car";
  if (types.has("isdn")) return "isdn";
  if (types.has("work")) return "business";
  if (types.has("home")) return "home";
  return "other";
}
