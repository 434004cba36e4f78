// EWS Contact XML ⇄ Contact.
// Contact element (ContactItemType, [MS-OXWSCONT] §2.2.4.3):
//   https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/contact
// EmailAddresses / PhysicalAddresses / PhoneNumbers / ImAddresses are dictionaries of
// <t:Entry Key="...">; UpdateItem addresses one entry with <t:IndexedFieldURI>:
//   https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/updateitem-operation-contact
// ExtendedProperty / ExtendedFieldURI:
//   https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/extendedproperty
import { XMLParser } from "fast-xml-parser";
import {
  contactSchema,
  phoneTypes,
  type Address,
  type Contact,
  type Extra,
  type PhoneType,
} from "../../contact/contact";
import { escapeXml } from "../xml-escape";
import { concordPropertySetId, concordUidPropertyName } from "./graph-contact";
import {
  dateToOutlookInstant,
  dropUndefined,
  mergeFromOutlook,
  outlookInstantToDate,
  splitForOutlook,
  type OutlookCapacity,
  type OutlookOverflow,
} from "./outlook-merge";

// Entry Key values of PhoneNumbers (Entry (PhoneNumber), PhoneNumberKeyType).
const phoneKeys: Record<PhoneType, string> = {
  assistant: "AssistantPhone",
  business: "BusinessPhone",
  business2: "BusinessPhone2",
  businessFax: "BusinessFax",
  callback: "Callback",
  car: "CarPhone",
  company: "CompanyMainPhone",
  home: "HomePhone",
  home2: "HomePhone2",
  homeFax: "HomeFax",
  isdn: "Isdn",
  mobile: "MobilePhone",
  other: "OtherTelephone",
  otherFax: "OtherFax",
  pager: "Pager",
  primary: "PrimaryPhone",
  radio: "RadioPhone",
  telex: "Telex",
  tty: "TtyTddPhone",
};

const addressKeys = { business: "Business", home: "Home", other: "Other" } as const;
// PhysicalAddressDictionaryEntryType children, in schema order.
const addressParts = [
  ["street", "Street"],
  ["city", "City"],
  ["region", "State"],
  ["country", "CountryOrRegion"],
  ["postalCode", "PostalCode"],
] as const;

// Every Outlook phone kind has its own EWS key; a second business or home number
// of the same kind fills BusinessPhone2/HomePhone2 when the contact has room.
export const ewsCapacity: OutlookCapacity = {
  emails: 3,
  phoneGroups: [
    ["business", "business2"],
    ["home", "home2"],
    ...phoneTypes.filter((t) => !["business", "business2", "home", "home2"].includes(t)).map((t) => [t]),
  ],
  im: 3,
  urls: 1,
  anniversary: true,
  extraSource: "ews",
};

// Writable ContactItemType elements Contact does not model; kept as extra
// (source "ews"): the element's text, or a JSON array for the String lists.
const extraStrings = ["Initials", "Mileage", "Profession", "SpouseName"] as const;
const extraLists = ["Children", "Companies"] as const;

// PidTagDisplayNamePrefix ([MS-OXPROPS] 2.675, 0x3A45): the title ("Dr.").
// CompleteName/Title shows it but CompleteName is read-only, so we write the tag.
const prefixFieldUri = `<t:ExtendedFieldURI PropertyTag="0x3A45" PropertyType="String"/>`;
const uidFieldUri = `<t:ExtendedFieldURI PropertySetId="${concordPropertySetId}" PropertyName="${concordUidPropertyName}" PropertyType="String"/>`;

/** ItemShape for GetItem/FindItem so the reply carries what this mapping reads. */
export const ewsContactItemShape =
  `<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:BodyType>Text</t:BodyType>` +
  `<t:AdditionalProperties>${uidFieldUri}${prefixFieldUri}</t:AdditionalProperties></m:ItemShape>`;

// ---------------------------------------------------------------- reading

type Node = { [key: string]: unknown };
export type EwsContactNode = Node;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  isArray: (name) => ["Contact", "Entry", "String", "ExtendedProperty"].includes(name),
});

function findContacts(value: unknown): Node[] {
  if (Array.isArray(value)) return value.flatMap(findContacts);
  if (!value || typeof value !== "object") return [];
  return Object.entries(value as Node).flatMap(([key, child]) =>
    key === "Contact" ? (child as Node[]) : findContacts(child),
  );
}

/** Every <t:Contact> in a GetItem/FindItem response, or in a bare <t:Contact> element. */
export function parseEwsContacts(xml: string): EwsContactNode[] {
  return findContacts(parser.parse(xml));
}

function textOf(node: unknown): string | undefined {
  const raw = typeof node === "string" ? node : node && typeof node === "object" ? (node as Node)["#text"] : undefined;
  return typeof raw === "string" && raw.trim() ? raw.trim() : undefined;
}

const entries = (dictionary: unknown): Node[] => ((dictionary as Node | undefined)?.Entry as Node[] | undefined) ?? [];
const entryText = (dictionary: unknown, key: string) => textOf(entries(dictionary).find((e) => e["@_Key"] === key));
const strings = (list: unknown): string[] =>
  (((list as Node | undefined)?.String as unknown[] | undefined) ?? []).map(textOf).filter((s): s is string => !!s);

function extendedValue(item: Node, matches: (uri: Node) => boolean): string | undefined {
  const property = ((item.ExtendedProperty as Node[] | undefined) ?? []).find((p) =>
    matches((p.ExtendedFieldURI as Node) ?? {}),
  );
  return property && textOf(property.Value);
}

const isUidUri = (uri: Node) =>
  String(uri["@_PropertySetId"] ?? "").toLowerCase() === concordPropertySetId &&
  uri["@_PropertyName"] === concordUidPropertyName;
const isPrefixUri = (uri: Node) => Number(uri["@_PropertyTag"]) === 0x3a45;

export function ewsConcordUid(item: string | EwsContactNode): string | undefined {
  const node = typeof item === "string" ? parseEwsContacts(item)[0] : item;
  return node && extendedValue(node, isUidUri);
}

// We ask for BodyType Text; should an HTML body come anyway, keep its text.
function notesOf(body: unknown): string | undefined {
  const value = textOf(body);
  if (!value || (body as Node)?.["@_BodyType"] !== "HTML") return value;
  return textOf(
    value
      .replace(/<(br|\/p|\/div)\b[^>]*>/gi, "\n")
      .replace(/<[^>]*>/g, "")
      .replace(/\n{3,}/g, "\n\n"),
  );
}

function addressesOf(item: Node): Address[] {
  return (Object.entries(addressKeys) as [Address["type"], string][]).flatMap(([type, key]) => {
    const entry = entries(item.PhysicalAddresses).find((e) => e["@_Key"] === key);
    if (!entry) return [];
    // The GetItem sample in the EWS reference shows <t:Country>; the schema says CountryOrRegion.
    const parts = dropUndefined(
      Object.fromEntries(
        addressParts.map(([field, element]) => [
          field,
          textOf(entry[element]) ?? (field === "country" ? textOf(entry.Country) : undefined),
        ]),
      ),
    );
    return Object.keys(parts).length ? [{ type, ...parts }] : [];
  });
}

function extrasOf(item: Node): Extra[] {
  return [
    ...extraStrings.flatMap((name) =>
      textOf(item[name]) ? [{ source: "ews", name, value: textOf(item[name])! }] : [],
    ),
    ...extraLists.flatMap((name) =>
      strings(item[name]).length ? [{ source: "ews", name, value: JSON.stringify(strings(item[name])) }] : [],
    ),
  ];
}

const slotKeys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

export function ewsContactXmlToContact(itemXml: string | EwsContactNode, uid?: string): Contact {
  const item = typeof itemXml === "string" ? parseEwsContacts(itemXml)[0] : itemXml;
  if (!item) throw new Error("no <t:Contact> element in the EWS XML");
  const id = uid ?? extendedValue(item, isUidUri);
  if (!id) throw new Error("EWS contact carries no Concord uid and none was given");
  const complete = (item.CompleteName as Node | undefined) ?? {};
  const name = dropUndefined({
    prefix: extendedValue(item, isPrefixUri) ?? textOf(complete.Title),
    given: textOf(item.GivenName),
    middle: textOf(item.MiddleName),
    family: textOf(item.Surname),
    suffix: textOf(item.Generation) ?? textOf(complete.Suffix),
    nickname: textOf(item.Nickname),
    fileAs: textOf(item.FileAs),
  });
  const url = textOf(item.BusinessHomePage);
  return contactSchema.parse(
    dropUndefined({
      uid: id,
      displayName: textOf(item.DisplayName) ?? "",
      name: Object.keys(name).length ? name : undefined,
      emails: slotKeys("EmailAddress", 3).flatMap((key) => {
        const address = entryText(item.EmailAddresses, key)?.replace(/^smtp:/i, "");
        return address ? [{ type: "other" as const, address }] : [];
      }),
      // In Outlook's kind order, whatever order the reply lists the entries in.
      phones: phoneTypes.flatMap((type) => {
        const number = entryText(item.PhoneNumbers, phoneKeys[type]);
        return number ? [{ type, number }] : [];
      }),
      addresses: addressesOf(item),
      company: textOf(item.CompanyName),
      department: textOf(item.Department),
      jobTitle: textOf(item.JobTitle),
      office: textOf(item.OfficeLocation),
      manager: textOf(item.Manager),
      assistant: textOf(item.AssistantName),
      birthday: outlookInstantToDate(textOf(item.Birthday)),
      anniversary: outlookInstantToDate(textOf(item.WeddingAnniversary)),
      urls: url ? [{ type: "work" as const, url }] : [],
      im: slotKeys("ImAddress", 3).flatMap((key) => {
        const address = entryText(item.ImAddresses, key);
        return address ? [{ address }] : [];
      }),
      categories: strings(item.Categories),
      notes: notesOf(item.Body),
      extra: extrasOf(item),
    }),
  );
}

// ---------------------------------------------------------------- writing

// ItemType's elements come first (Body, Categories, ExtendedProperty), then
// ContactItemType's, each sequence in schema order.
const schemaOrder = [
  "Body",
  "Categories",
  "ExtendedProperty",
  "FileAs",
  "DisplayName",
  "GivenName",
  "Initials",
  "MiddleName",
  "Nickname",
  "CompanyName",
  "EmailAddresses",
  "PhysicalAddresses",
  "PhoneNumbers",
  "AssistantName",
  "Birthday",
  "BusinessHomePage",
  "Children",
  "Companies",
  "Department",
  "Generation",
  "ImAddresses",
  "JobTitle",
  "Manager",
  "Mileage",
  "OfficeLocation",
  "Profession",
  "SpouseName",
  "Surname",
  "WeddingAnniversary",
] as const;
type Element = (typeof schemaOrder)[number];

/** One settable/deletable EWS property: its path and its content. */
interface EwsField {
  key: string;
  element: Element;
  path: string;
  /** The element inside <t:Contact> (or inside the dictionary entry) carrying the value. */
  content: string;
  entry?: string;
  /** For PhysicalAddresses: the address sub-element inside the entry. */
  part?: string;
}

const leaf = (element: string, value: string) => `<t:${element}>${escapeXml(value)}</t:${element}>`;
const stringList = (element: string, values: string[]) =>
  `<t:${element}>${values.map((v) => leaf("String", v)).join("")}</t:${element}>`;
const extendedProperty = (uri: string, value: string) =>
  `<t:ExtendedProperty>${uri}${leaf("Value", value)}</t:ExtendedProperty>`;

function plain(element: Element, value: string | undefined, uriName = `contacts:${element}`): EwsField[] {
  return value
    ? [{ key: element, element, path: `<t:FieldURI FieldURI="${uriName}"/>`, content: leaf(element, value) }]
    : [];
}

function indexed(element: Element, uri: string, entry: string, value: string | undefined): EwsField[] {
  if (!value) return [];
  return [
    {
      key: `${uri}:${entry}`,
      element,
      entry,
      path: `<t:IndexedFieldURI FieldURI="${uri}" FieldIndex="${entry}"/>`,
      content: `<t:Entry Key="${entry}">${escapeXml(value)}</t:Entry>`,
    },
  ];
}

function addressFields(address: Address): EwsField[] {
  const entry = addressKeys[address.type];
  return addressParts.flatMap(([field, part]) => {
    const value = address[field];
    const uri = `contacts:PhysicalAddress:${part}`;
    return value
      ? [
          {
            key: `${uri}:${entry}`,
            element: "PhysicalAddresses" as const,
            entry,
            part,
            path: `<t:IndexedFieldURI FieldURI="${uri}" FieldIndex="${entry}"/>`,
            content: leaf(part, value),
          },
        ]
      : [];
  });
}

function extraFields(extras: Extra[]): EwsField[] {
  return extras.flatMap((e): EwsField[] => {
    if ((extraStrings as readonly string[]).includes(e.name)) return plain(e.name as Element, e.value);
    if (!(extraLists as readonly string[]).includes(e.name)) return [];
    const values = parseStringList(e.value);
    return values.length
      ? [
          {
            key: e.name,
            element: e.name as Element,
            path: `<t:FieldURI FieldURI="contacts:${e.name}"/>`,
            content: stringList(e.name, values),
          },
        ]
      : [];
  });
}

function parseStringList(value: string): string[] {
  try {
    const list: unknown = JSON.parse(value);
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

function ewsFields(contact: Contact): { fields: EwsField[]; overflow: OutlookOverflow } {
  const { view, overflow } = splitForOutlook(contact, ewsCapacity);
  const n = contact.name ?? {};
  const phones = ewsCapacity.phoneGroups.flatMap((group, g) =>
    view.phoneSlots[g].flatMap((phone, i) =>
      indexed("PhoneNumbers", "contacts:PhoneNumber", phoneKeys[group[i]], phone.number),
    ),
  );
  const fields: EwsField[] = [
    ...(contact.notes
      ? [
          {
            key: "Body",
            element: "Body" as const,
            path: `<t:FieldURI FieldURI="item:Body"/>`,
            content: `<t:Body BodyType="Text">${escapeXml(contact.notes)}</t:Body>`,
          },
        ]
      : []),
    ...(contact.categories.length
      ? [
          {
            key: "Categories",
            element: "Categories" as const,
            path: `<t:FieldURI FieldURI="item:Categories"/>`,
            content: stringList("Categories", contact.categories),
          },
        ]
      : []),
    { key: "uid", element: "ExtendedProperty", path: uidFieldUri, content: extendedProperty(uidFieldUri, contact.uid) },
    ...(n.prefix
      ? [
          {
            key: "prefix",
            element: "ExtendedProperty" as const,
            path: prefixFieldUri,
            content: extendedProperty(prefixFieldUri, n.prefix),
          },
        ]
      : []),
    ...plain("FileAs", n.fileAs),
    ...plain("DisplayName", contact.displayName),
    ...plain("GivenName", n.given),
    ...plain("MiddleName", n.middle),
    ...plain("Nickname", n.nickname),
    ...plain("CompanyName", contact.company),
    ...view.emails.flatMap((e, i) =>
      indexed("EmailAddresses", "contacts:EmailAddress", `EmailAddress${i + 1}`, e.address),
    ),
    ...view.addresses.flatMap(addressFields),
    ...phones,
    ...plain("AssistantName", contact.assistant),
    ...plain("Birthday", dateToOutlookInstant(contact.birthday)),
    ...plain("BusinessHomePage", view.urls[0]?.url),
    ...plain("Department", contact.department),
    ...plain("Generation", n.suffix),
    ...view.im.flatMap((m, i) => indexed("ImAddresses", "contacts:ImAddress", `ImAddress${i + 1}`, m.address)),
    ...plain("JobTitle", contact.jobTitle),
    ...plain("Manager", contact.manager),
    ...plain("OfficeLocation", contact.office),
    ...plain("Surname", n.family),
    ...plain("WeddingAnniversary", dateToOutlookInstant(contact.anniversary)),
    ...extraFields(view.extra),
  ];
  return { fields, overflow };
}

function wrapInDictionary(field: EwsField, inner: string): string {
  return field.entry ? `<t:${field.element}>${inner}</t:${field.element}>` : inner;
}

function entryContent(field: EwsField): string {
  return field.part ? `<t:Entry Key="${field.entry}">${field.content}</t:Entry>` : field.content;
}

/** The <t:Contact> element for CreateItem, the Concord uid included. */
export function contactToEwsXml(contact: Contact): string {
  const { fields } = ewsFields(contact);
  const parts: string[] = [];
  for (const element of schemaOrder) {
    const group = fields.filter((f) => f.element === element);
    if (!group.length) continue;
    if (!group[0].entry) {
      parts.push(...group.map((f) => f.content));
      continue;
    }
    const byEntry = [...new Set(group.map((f) => f.entry!))].map((entry) => {
      const inEntry = group.filter((f) => f.entry === entry);
      return inEntry[0].part
        ? `<t:Entry Key="${entry}">${inEntry.map((f) => f.content).join("")}</t:Entry>`
        : inEntry.map((f) => f.content).join("");
    });
    parts.push(`<t:${element}>${byEntry.join("")}</t:${element}>`);
  }
  return `<t:Contact>${parts.join("")}</t:Contact>`;
}

// Every path a contact can occupy, so an update without a previous version can
// delete what the contact no longer has.
function allPaths(): Map<string, string> {
  const full = contactSchema.parse({
    uid: "x",
    displayName: "x",
    notes: "x",
    categories: ["x"],
    company: "x",
    department: "x",
    jobTitle: "x",
    office: "x",
    manager: "x",
    assistant: "x",
    birthday: "2000-01-01",
    anniversary: "2000-01-01",
    name: { prefix: "x", given: "x", middle: "x", family: "x", suffix: "x", nickname: "x", fileAs: "x" },
    emails: slotKeys("e", 3).map((address) => ({ address })),
    im: slotKeys("i", 3).map((address) => ({ address })),
    urls: [{ url: "x" }],
    phones: phoneTypes.map((type) => ({ type, number: "1" })),
    addresses: (["business", "home", "other"] as const).map((type) => ({
      type,
      street: "x",
      city: "x",
      region: "x",
      postalCode: "x",
      country: "x",
    })),
    extra: [...extraStrings, ...extraLists].map((name) => ({ source: "ews", name, value: '["x"]' })),
  });
  return new Map(ewsFields(full).fields.map((f) => [f.key, f.path]));
}

const setField = (f: EwsField) =>
  `<t:SetItemField>${f.path}<t:Contact>${wrapInDictionary(f, entryContent(f))}</t:Contact></t:SetItemField>`;
const deleteField = (path: string) => `<t:DeleteItemField>${path}</t:DeleteItemField>`;

/**
 * The <t:SetItemField>/<t:DeleteItemField> list for UpdateItem. With `previous`
 * (the contact as last written to Outlook) only what changed; without, every
 * field is set and every field the contact lacks is deleted.
 */
export function contactToEwsUpdates(contact: Contact, previous?: Contact): string[] {
  const next = ewsFields(contact).fields;
  const before = previous ? new Map(ewsFields(previous).fields.map((f) => [f.key, f])) : undefined;
  const nextKeys = new Set(next.map((f) => f.key));
  const sets = next.filter((f) => before?.get(f.key)?.content !== f.content).map(setField);
  const candidates = before ? [...before].map(([key, f]) => [key, f.path] as const) : [...allPaths()];
  const deletes = candidates
    .filter(([key]) => !nextKeys.has(key) && key !== "uid")
    .map(([, path]) => deleteField(path));
  return [...sets, ...deletes];
}

/** What the Outlook item cannot hold, for reporting. */
export function ewsOverflow(contact: Contact): OutlookOverflow {
  return ewsFields(contact).overflow;
}

/** The server's contact with what Outlook (via EWS) can hold taken from the item. */
export function mergeFromEws(server: Contact, ewsContact: string | EwsContactNode): Contact {
  return mergeFromOutlook(server, ewsContactXmlToContact(ewsContact, server.uid), ewsCapacity);
}
