// Turns the wire form of a contact (a <t:Contact> element) into what CreateItem
// and UpdateItem need. The wire is the whole contact as Concord wants it, so an
// update sets every field it holds and deletes every *managed* field it lacks.
// Fields outside `managedFields` are never deleted, so Outlook data Concord does
// not model (spouse, mileage, custom extended properties) survives an update.
import { concordPropertySetId, concordUidPropertyName } from "../../core/graph-contact";
import { attribute, buildTypesXml, child, children, elementName, escapeXml, parseXml, text, type XmlNode } from "./ews-xml";

// The Concord uid is a named string property in Concord's own property set,
// defined once in core/graph-contact so that Graph and EWS address the same property.
export { concordPropertySetId, concordUidPropertyId } from "../../core/graph-contact";

// ExtendedFieldURI (learn.microsoft.com/exchange/client-developer/web-service-reference/extendedfielduri):
// a named property is PropertySetId (GUID) + PropertyName + PropertyType.
export const concordUidFieldUri =
  `<t:ExtendedFieldURI PropertySetId="${concordPropertySetId}" PropertyName="${concordUidPropertyName}" PropertyType="String"/>`;

export function isConcordUidProperty(extendedProperty: XmlNode): boolean {
  const uri = child(extendedProperty, "ExtendedFieldURI");
  if (!uri || attribute(uri, "PropertyName") !== concordUidPropertyName) return false;
  // GUIDs compare case-insensitively; Exchange may echo them upper-cased or braced.
  return attribute(uri, "PropertySetId")?.replace(/[{}]/g, "").toLowerCase() === concordPropertySetId.toLowerCase();
}

export function concordUidOf(contact: XmlNode): string | undefined {
  const property = children(contact).find((c) => elementName(c) === "ExtendedProperty" && isConcordUidProperty(c));
  return property ? text(child(property, "Value")) : undefined;
}

// Dictionary FieldURIs (learn.microsoft.com/exchange/client-developer/web-service-reference/fielduri).
const itemFields: Record<string, string> = { Subject: "item:Subject", Sensitivity: "item:Sensitivity", Body: "item:Body", Categories: "item:Categories", Importance: "item:Importance" };
const contactFields = [
  "FileAs", "FileAsMapping", "DisplayName", "GivenName", "Initials", "MiddleName", "Nickname", "CompanyName", "AssistantName",
  "Birthday", "BusinessHomePage", "Children", "Companies", "Department", "Generation", "JobTitle", "Manager", "Mileage",
  "OfficeLocation", "PostalAddressIndex", "Profession", "SpouseName", "Surname", "WeddingAnniversary",
];
const fieldUris: Record<string, string> = { ...itemFields, ...Object.fromEntries(contactFields.map((f) => [f, `contacts:${f}`])) };

// IndexedFieldURI (…/indexedfielduri): the dictionaries and their keys.
const dictionaries = {
  EmailAddresses: { uri: "contacts:EmailAddress", keys: ["EmailAddress1", "EmailAddress2", "EmailAddress3"] },
  ImAddresses: { uri: "contacts:ImAddress", keys: ["ImAddress1", "ImAddress2", "ImAddress3"] },
  PhoneNumbers: {
    uri: "contacts:PhoneNumber",
    keys: [
      "AssistantPhone", "BusinessFax", "BusinessPhone", "BusinessPhone2", "Callback", "CarPhone", "CompanyMainPhone", "HomeFax",
      "HomePhone", "HomePhone2", "Isdn", "MobilePhone", "OtherFax", "OtherTelephone", "Pager", "PrimaryPhone", "RadioPhone", "Telex", "TtyTddPhone",
    ],
  },
} as const;
const addressKeys = ["Business", "Home", "Other"] as const;
const addressParts = ["Street", "City", "State", "CountryOrRegion", "PostalCode"] as const;

/** Simple fields an update deletes when the wire lacks them: the ones the Contact model carries. */
export const managedFields = [
  "GivenName", "MiddleName", "Surname", "Generation", "Nickname", "CompanyName", "Department", "JobTitle", "OfficeLocation",
  "Manager", "AssistantName", "Birthday", "WeddingAnniversary", "BusinessHomePage", "Body", "Categories",
];

// Elements Exchange sets itself; sending them in CreateItem/UpdateItem is an error.
const readOnly = new Set([
  "MimeContent", "ItemId", "ParentFolderId", "ItemClass", "DateTimeReceived", "Size", "IsSubmitted", "IsDraft", "IsFromMe",
  "IsResend", "IsUnmodified", "DateTimeSent", "DateTimeCreated", "ResponseObjects", "DisplayCc", "DisplayTo", "HasAttachments",
  "EffectiveRights", "LastModifiedName", "LastModifiedTime", "IsAssociated", "WebClientReadFormQueryString", "WebClientEditFormQueryString",
  "ConversationId", "UniqueBody", "InstanceKey", "CompleteName", "HasPicture", "Attachments", "Culture", "DirectoryId",
]);

// ItemType's sequence (Types.xsd): ExtendedProperty comes after these and before the contact fields.
const itemBaseElements = new Set([...Object.keys(itemFields), "ReminderDueBy", "ReminderIsSet", "ReminderMinutesBeforeStart", "InReplyTo", "InternetMessageHeaders", "ExtendedProperty"]);

export function parseContact(wire: string): XmlNode {
  const contact = parseXml(wire).find((node) => elementName(node) === "Contact");
  if (!contact) throw new Error("EWS wire form must be a <t:Contact> element");
  return contact;
}

function uidProperty(uid: string): XmlNode {
  return parseXml(`<ExtendedProperty>${concordUidFieldUri.replace(/t:/g, "")}<Value>${escapeXml(uid)}</Value></ExtendedProperty>`)[0]!;
}

/** The wire without read-only elements, with the Concord uid property in its schema position. */
export function contactForCreate(wire: string, concordUid: string): string {
  const fields = children(parseContact(wire)).filter((c) => !readOnly.has(elementName(c)!) && !(elementName(c) === "ExtendedProperty" && isConcordUidProperty(c)));
  const lastBase = fields.reduce((last, c, i) => (itemBaseElements.has(elementName(c)!) ? i : last), -1);
  fields.splice(lastBase + 1, 0, uidProperty(concordUid));
  return buildTypesXml([{ Contact: fields }]);
}

const setField = (uri: string, contactChild: XmlNode) => `<t:SetItemField>${uri}${buildTypesXml([{ Contact: [contactChild] }])}</t:SetItemField>`;
const deleteField = (uri: string) => `<t:DeleteItemField>${uri}</t:DeleteItemField>`;
const fieldUri = (uri: string) => `<t:FieldURI FieldURI="${uri}"/>`;
const indexedUri = (uri: string, key: string) => `<t:IndexedFieldURI FieldURI="${uri}" FieldIndex="${key}"/>`;

function entryOf(dictionary: string, entry: XmlNode): XmlNode {
  return { [dictionary]: [entry] };
}

function dictionaryUpdates(name: keyof typeof dictionaries, present: XmlNode | undefined): string[] {
  const { uri, keys } = dictionaries[name];
  const entries = present ? children(present) : [];
  return keys.map((key) => {
    const entry = entries.find((e) => attribute(e, "Key") === key);
    return entry && text(entry) !== "" ? setField(indexedUri(uri, key), entryOf(name, entry)) : deleteField(indexedUri(uri, key));
  });
}

function addressUpdates(present: XmlNode | undefined): string[] {
  const entries = present ? children(present) : [];
  return addressKeys.flatMap((key) => {
    const entry = entries.find((e) => attribute(e, "Key") === key);
    return addressParts.map((part) => {
      const uri = indexedUri(`contacts:PhysicalAddress:${part}`, key);
      const value = entry && child(entry, part);
      if (!value || text(value) === "") return deleteField(uri);
      return setField(uri, { PhysicalAddresses: [{ Entry: [value], ":@": { Key: key } }] });
    });
  });
}

/**
 * The <t:Updates> children for UpdateItem (…/updateitem-operation): SetItemField for
 * every field the wire holds, DeleteItemField for every managed field it lacks.
 * Dictionaries are handled entry by entry, so dropping the mobile number from
 * the wire deletes exactly contacts:PhoneNumber[MobilePhone].
 */
export function contactUpdates(wire: string, concordUid: string): string[] {
  const fields = children(parseContact(wire));
  const byName = (name: string) => fields.find((c) => elementName(c) === name);
  const simple = fields.flatMap((c) => {
    const name = elementName(c)!;
    if (name === "ExtendedProperty") {
      if (isConcordUidProperty(c)) return [];
      const uri = child(c, "ExtendedFieldURI");
      return uri ? [setField(buildTypesXml([uri]), c)] : [];
    }
    const uri = fieldUris[name];
    return uri && !readOnly.has(name) ? [setField(fieldUri(uri), c)] : [];
  });
  const deletes = managedFields.filter((name) => !byName(name)).map((name) => deleteField(fieldUri(fieldUris[name]!)));
  const indexed = [
    ...(Object.keys(dictionaries) as (keyof typeof dictionaries)[]).flatMap((name) => dictionaryUpdates(name, byName(name))),
    ...addressUpdates(byName("PhysicalAddresses")),
  ];
  const uid = setField(concordUidFieldUri, uidProperty(concordUid));
  return [...simple, ...deletes, ...indexed, uid];
}
