// Microsoft Graph contact JSON ⇄ Contact.
// Resource: https://learn.microsoft.com/en-us/graph/api/resources/contact (v1.0)
// physicalAddress: https://learn.microsoft.com/en-us/graph/api/resources/physicaladdress
import { z } from "zod";
import { contactSchema, type Address, type Contact, type Extra, type Phone } from "../../contact/contact";
import {
  dateToOutlookInstant,
  dropUndefined,
  mergeFromOutlook,
  outlookInstantToDate,
  splitForOutlook,
  type OutlookCapacity,
  type OutlookOverflow,
} from "./outlook-merge";

const text = z.string().nullish();

const graphAddressSchema = z.looseObject({
  street: text,
  city: text,
  state: text,
  countryOrRegion: text,
  postalCode: text,
});

export const graphContactSchema = z.looseObject({
  id: text,
  changeKey: text,
  displayName: text,
  givenName: text,
  middleName: text,
  surname: text,
  title: text,
  generation: text,
  nickName: text,
  fileAs: text,
  companyName: text,
  department: text,
  jobTitle: text,
  officeLocation: text,
  manager: text,
  assistantName: text,
  businessHomePage: text,
  birthday: text,
  personalNotes: text,
  mobilePhone: text,
  emailAddresses: z.array(z.looseObject({ address: text, name: text })).nullish(),
  businessPhones: z.array(z.string()).nullish(),
  homePhones: z.array(z.string()).nullish(),
  imAddresses: z.array(z.string()).nullish(),
  categories: z.array(z.string()).nullish(),
  homeAddress: graphAddressSchema.nullish(),
  businessAddress: graphAddressSchema.nullish(),
  otherAddress: graphAddressSchema.nullish(),
  // Relationship, present with $expand (singleValueLegacyExtendedProperty: { id, value }).
  singleValueExtendedProperties: z.array(z.looseObject({ id: z.string(), value: text })).nullish(),
});

export type GraphContact = z.infer<typeof graphContactSchema>;
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A POST/PATCH body for /me/contactFolders/{id}/contacts; unmodelled properties ride along. */
export type GraphContactBody = { [property: string]: Json };

// Graph answers 400 above these ("The multi value property EmailAddresses has
// 4 entries, that exceeds the max allowed value of 3", microsoft-graph-docs
// #15276; same for BusinessPhones above 2). imAddresses follows EWS's ImAddress1..3.
export const graphCapacity: OutlookCapacity = {
  emails: 3,
  phoneGroups: [["business", "business2"], ["home", "home2"], ["mobile"]],
  im: 3,
  urls: 1,
  anniversary: false,
  extraSource: "graph",
};

// The Concord uid lives on the Outlook item as a named MAPI property in our own
// property set; Graph and EWS address the same property (GUID + name).
export const concordPropertySetId = "5b3c7f0e-2d41-4a8e-9c6b-1f0a7d2e9c34";
export const concordUidPropertyName = "ConcordUid";
// singleValueLegacyExtendedProperty id format "String {guid} Name name":
// https://learn.microsoft.com/en-us/graph/api/resources/singlevaluelegacyextendedproperty
export const concordUidPropertyId = `String {${concordPropertySetId}} Name ${concordUidPropertyName}`;
/** Query string value for GET: `?$expand=${concordUidExpand}`. */
export const concordUidExpand = `singleValueExtendedProperties($filter=id eq '${concordUidPropertyId}')`;

export function concordUidOf(graph: GraphContact): string | undefined {
  const property = graph.singleValueExtendedProperties?.find(
    (p) => p.id.toLowerCase() === concordUidPropertyId.toLowerCase(),
  );
  return property?.value ?? undefined;
}

export function withConcordUid(body: GraphContactBody, uid: string): GraphContactBody {
  return { ...body, singleValueExtendedProperties: [{ id: concordUidPropertyId, value: uid }] };
}

// Properties that identify or version the item, or are relationships: never
// content, never written back.
const bookkeeping = new Set([
  "id",
  "changeKey",
  "parentFolderId",
  "createdDateTime",
  "lastModifiedDateTime",
  "singleValueExtendedProperties",
  "multiValueExtendedProperties",
  "extensions",
  "photo",
]);
const mapped = new Set(Object.keys(graphContactSchema.shape));
const isOwnProperty = (name: string) =>
  mapped.has(name) || bookkeeping.has(name) || name.startsWith("@odata.") || name.includes("@odata.");

const addressKeys = { business: "businessAddress", home: "homeAddress", other: "otherAddress" } as const;

const present = (value: string | null | undefined) => (value?.trim() ? value : undefined);

function addressFromGraph(type: Address["type"], a: z.infer<typeof graphAddressSchema> | null | undefined): Address[] {
  // Graph sends an empty physicalAddress object for an address the contact lacks.
  const address = dropUndefined({
    type,
    street: present(a?.street),
    city: present(a?.city),
    region: present(a?.state),
    postalCode: present(a?.postalCode),
    country: present(a?.countryOrRegion),
  });
  return Object.keys(address).length > 1 ? [address] : [];
}

function phonesFromGraph(graph: GraphContact): Phone[] {
  const list = (numbers: string[] | null | undefined, types: Phone["type"][]) =>
    (numbers ?? [])
      .filter((n) => n.trim())
      .slice(0, types.length)
      .map((number, i) => ({ type: types[i], number }));
  return [
    ...list(graph.businessPhones, ["business", "business2"]),
    ...list(graph.homePhones, ["home", "home2"]),
    ...list(graph.mobilePhone ? [graph.mobilePhone] : [], ["mobile"]),
  ];
}

function isEmptyJson(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.values(value).every(isEmptyJson);
}

// spouseName, children, profession, initials, yomi* and anything Graph adds later.
function extrasFromGraph(graph: GraphContact): Extra[] {
  return Object.entries(graph)
    .filter(([name, value]) => !isOwnProperty(name) && !isEmptyJson(value))
    .map(([name, value]) => ({ source: "graph", name, value: JSON.stringify(value) }));
}

export function graphToContact(input: GraphContact, uid: string): Contact {
  const graph = graphContactSchema.parse(input);
  const name = dropUndefined({
    prefix: present(graph.title),
    given: present(graph.givenName),
    middle: present(graph.middleName),
    family: present(graph.surname),
    suffix: present(graph.generation),
    nickname: present(graph.nickName),
    fileAs: present(graph.fileAs),
  });
  return contactSchema.parse(
    dropUndefined({
      uid,
      displayName: graph.displayName ?? "",
      name: Object.keys(name).length ? name : undefined,
      emails: (graph.emailAddresses ?? []).flatMap((e) =>
        present(e.address) ? [{ type: "other" as const, address: e.address!.trim() }] : [],
      ),
      phones: phonesFromGraph(graph),
      addresses: [
        ...addressFromGraph("business", graph.businessAddress),
        ...addressFromGraph("home", graph.homeAddress),
        ...addressFromGraph("other", graph.otherAddress),
      ],
      company: present(graph.companyName),
      department: present(graph.department),
      jobTitle: present(graph.jobTitle),
      office: present(graph.officeLocation),
      manager: present(graph.manager),
      assistant: present(graph.assistantName),
      birthday: outlookInstantToDate(graph.birthday),
      urls: present(graph.businessHomePage) ? [{ type: "work", url: graph.businessHomePage! }] : [],
      im: (graph.imAddresses ?? []).filter((a) => a.trim()).map((address) => ({ address })),
      categories: graph.categories ?? [],
      notes: present(graph.personalNotes),
      extra: extrasFromGraph(graph),
    }),
  );
}

function addressToGraph(a: Address): Json {
  // All five fields, so that a PATCH clears what the contact no longer has.
  return {
    street: a.street ?? null,
    city: a.city ?? null,
    state: a.region ?? null,
    countryOrRegion: a.country ?? null,
    postalCode: a.postalCode ?? null,
  };
}

function fullBody(contact: Contact): { body: GraphContactBody; overflow: OutlookOverflow } {
  const { view, overflow } = splitForOutlook(contact, graphCapacity);
  const [business, home, mobile] = view.phoneSlots.map((slot) => slot.map((p) => p.number));
  const n = contact.name ?? {};
  const body: { [property: string]: Json | undefined } = {
    displayName: contact.displayName || undefined,
    givenName: n.given,
    middleName: n.middle,
    surname: n.family,
    title: n.prefix,
    generation: n.suffix,
    nickName: n.nickname,
    fileAs: n.fileAs,
    companyName: contact.company,
    department: contact.department,
    jobTitle: contact.jobTitle,
    officeLocation: contact.office,
    manager: contact.manager,
    assistantName: contact.assistant,
    businessHomePage: view.urls[0]?.url,
    birthday: dateToOutlookInstant(contact.birthday),
    personalNotes: contact.notes,
    mobilePhone: mobile[0],
    // emailAddress.name is what Outlook shows as "Display as".
    emailAddresses: view.emails.map((e) => ({ address: e.address, name: contact.displayName || e.address })),
    businessPhones: business,
    homePhones: home,
    imAddresses: view.im.map((i) => i.address),
    categories: contact.categories,
  };
  for (const a of view.addresses) body[addressKeys[a.type]] = addressToGraph(a);
  for (const e of view.extra) {
    const value = parseJson(e.value);
    if (!isOwnProperty(e.name) && value !== undefined) body[e.name] = value;
  }
  return { body: dropEmpty(body), overflow };
}

function parseJson(value: string): Json | undefined {
  try {
    return JSON.parse(value) as Json;
  } catch {
    return undefined;
  }
}

function dropEmpty(body: { [property: string]: Json | undefined }): GraphContactBody {
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, Json] => !isEmptyJson(entry[1])));
}

const sameJson = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

function clearing(previousValue: Json): Json {
  if (Array.isArray(previousValue)) return [];
  if (previousValue !== null && typeof previousValue === "object")
    return Object.fromEntries(Object.keys(previousValue).map((k) => [k, null]));
  return null;
}

/**
 * The body to POST (no `previous`) or PATCH (`previous` = the contact as last
 * written to Outlook: only what changed, with explicit clears), and what the
 * Outlook item cannot hold. The uid property is added by `withConcordUid`.
 */
export function contactToGraph(
  contact: Contact,
  previous?: Contact,
): { body: GraphContactBody; overflow: OutlookOverflow } {
  const next = fullBody(contact);
  if (!previous) return next;
  const before = fullBody(previous).body;
  const body: GraphContactBody = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(next.body)])) {
    if (sameJson(before[key], next.body[key])) continue;
    body[key] = key in next.body ? next.body[key] : clearing(before[key]);
  }
  return { body, overflow: next.overflow };
}

/** The server's contact with what Outlook (via Graph) can hold taken from the item. */
export function mergeFromGraph(server: Contact, graph: GraphContact): Contact {
  return mergeFromOutlook(server, graphToContact(graph, server.uid), graphCapacity);
}
