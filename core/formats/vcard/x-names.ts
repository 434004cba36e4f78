// Contact fields that vCard has no standard property for. We write the first
// name listed for each field and read all of them, so that cards from other
// producers land in the field too:
//   fileAs     X-EVOLUTION-FILE-AS (GNOME Evolution), X-MS-FILE-AS
//   office     X-MS-OFFICE (ours, Outlook's OfficeLocation), X-KADDRESSBOOK-X-OFFICE (KDE)
//   manager    X-MS-MANAGER, X-MANAGER, X-EVOLUTION-MANAGER, X-KADDRESSBOOK-X-MANAGERSNAME
//   assistant  X-MS-ASSISTANT, X-ASSISTANT, X-EVOLUTION-ASSISTANT, X-KADDRESSBOOK-X-ASSISTANTSNAME
//   anniversary  ANNIVERSARY in 4.0 (RFC 6350 §6.2.6); X-ANNIVERSARY in 3.0,
//              also read X-MS-ANNIVERSARY, X-EVOLUTION-ANNIVERSARY
//   im         IMPP (RFC 4770) when the type is a URI scheme; otherwise X-MS-IMADDRESS
//              (Outlook's own), with X-SERVICE-TYPE carrying a type that is not a scheme.
//              Also read the pre-IMPP X-AIM, X-JABBER, X-ICQ, X-MSN, X-YAHOO, X-SKYPE ….
export type AliasedField = "fileAs" | "office" | "manager" | "assistant" | "anniversary" | "im";

interface Alias {
  field: AliasedField;
  /** For the pre-IMPP IM properties: the service the property name stands for. */
  service?: string;
}

export const emittedName = {
  fileAs: "X-EVOLUTION-FILE-AS",
  office: "X-MS-OFFICE",
  manager: "X-MS-MANAGER",
  assistant: "X-MS-ASSISTANT",
  anniversary3: "X-ANNIVERSARY",
  imWithoutScheme: "X-MS-IMADDRESS",
} as const;

const imServices: Record<string, string> = {
  "X-AIM": "aim",
  "X-JABBER": "xmpp",
  "X-ICQ": "icq",
  "X-MSN": "msnim",
  "X-YAHOO": "ymsgr",
  "X-SKYPE": "skype",
  "X-SKYPE-USERNAME": "skype",
  "X-GOOGLE-TALK": "xmpp",
  "X-GADUGADU": "gg",
  "X-QQ": "qq",
};

export const aliases: Record<string, Alias> = {
  "X-EVOLUTION-FILE-AS": { field: "fileAs" },
  "X-MS-FILE-AS": { field: "fileAs" },
  "X-MS-OFFICE": { field: "office" },
  "X-KADDRESSBOOK-X-OFFICE": { field: "office" },
  "X-MS-MANAGER": { field: "manager" },
  "X-MANAGER": { field: "manager" },
  "X-EVOLUTION-MANAGER": { field: "manager" },
  "X-KADDRESSBOOK-X-MANAGERSNAME": { field: "manager" },
  "X-MS-ASSISTANT": { field: "assistant" },
  "X-ASSISTANT": { field: "assistant" },
  "X-EVOLUTION-ASSISTANT": { field: "assistant" },
  "X-KADDRESSBOOK-X-ASSISTANTSNAME": { field: "assistant" },
  ANNIVERSARY: { field: "anniversary" },
  "X-ANNIVERSARY": { field: "anniversary" },
  "X-MS-ANNIVERSARY": { field: "anniversary" },
  "X-EVOLUTION-ANNIVERSARY": { field: "anniversary" },
  "X-MS-IMADDRESS": { field: "im" },
  ...Object.fromEntries(Object.entries(imServices).map(([key, service]) => [key, { field: "im", service } as Alias])),
};
