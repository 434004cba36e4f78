// Google Contacts exports. The current export ("Google CSV", since 2023) labels
// entries with "E-mail 1 - Label"; the legacy one (before the 2023 redesign)
// with "E-mail 1 - Type" and adds "Name", "Given Name", "Group Membership".
// Both join several values of one labelled group with " ::: ".
const fixedTargets: Record<string, string> = {
  // current export
  "First Name": "name.given",
  "Middle Name": "name.middle",
  "Last Name": "name.family",
  "Organization Name": "company",
  "Organization Title": "jobTitle",
  "Organization Department": "department",
  "Labels": "categories",
  // legacy export
  "Name": "displayName",
  "Given Name": "name.given",
  "Additional Name": "name.middle",
  "Family Name": "name.family",
  "Group Membership": "categories",
  // both
  "Name Prefix": "name.prefix",
  "Name Suffix": "name.suffix",
  "Nickname": "name.nickname",
  "File As": "name.fileAs",
  "Birthday": "birthday",
  "Notes": "notes",
};

const addressParts: Record<string, string> = {
  "Formatted": "formatted",
  "Street": "street",
  // Google's second address line; joined under the street like Outlook's "Street 2".
  "Extended Address": "street",
  "City": "city",
  "PO Box": "poBox",
  "Region": "region",
  "Postal Code": "postalCode",
  "Country": "country",
};

const valueProps: Record<string, { list: string; value: string }> = {
  "E-mail": { list: "emails", value: "address" },
  "Phone": { list: "phones", value: "number" },
  "Website": { list: "urls", value: "url" },
  "Event": { list: "events", value: "date" },
  "Relation": { list: "relations", value: "name" },
  "IM": { list: "im", value: "address" },
};

const legacyOrganization: Record<string, string> = {
  Name: "company",
  Title: "jobTitle",
  Department: "department",
  Location: "office",
};

/** The mapping target of a Google Contacts header, or undefined to keep the column in extra. */
export function googleTarget(header: string): string | undefined {
  if (fixedTargets[header]) return fixedTargets[header];
  const numbered = /^(.+?) (\d+) - (.+)$/.exec(header);
  if (!numbered) return undefined;
  const [, group, n, part] = numbered;
  const index = Number(n) - 1;
  if (group === "Address") {
    if (part === "Label" || part === "Type") return `addresses[${index}].type`;
    return addressParts[part] && `addresses[${index}].${addressParts[part]}`;
  }
  // Google's IM "Service" (Skype, Jabber…) is what Contact.im calls the type;
  // its "Label"/"Type" (Home, Work) stays in extra.
  if (group === "IM")
    return part === "Service" ? `im[${index}].type` : part === "Value" ? `im[${index}].address` : undefined;
  if (group === "Organization" && index === 0) return legacyOrganization[part];
  const spec = valueProps[group];
  if (!spec) return undefined;
  if (part === "Label" || part === "Type") return `${spec.list}[${index}].type`;
  return part === "Value" ? `${spec.list}[${index}].${spec.value}` : undefined;
}

/** Headers only the current export has (its entry labels). */
export function isCurrentGoogleHeader(header: string): boolean {
  return (
    /^(E-mail|Phone|Address|Website|Relation|Event) \d+ - Label$/.test(header) ||
    ["Organization Name", "Labels", "Phonetic First Name"].includes(header)
  );
}

/** Headers only the legacy export has. */
export function isLegacyGoogleHeader(header: string): boolean {
  return (
    /^(E-mail|Phone|Address|Website|Relation|Event|IM|Organization) \d+ - Type$/.test(header) ||
    ["Given Name", "Family Name", "Group Membership", "Additional Name"].includes(header)
  );
}
