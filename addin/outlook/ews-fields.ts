// Prepares the wire form of a contact (a <t:Contact> element) for CreateItem and
// finds the Concord uid on items Exchange returns. Field mapping, and the
// SetItemField/DeleteItemField list of an update, belong to core/formats/outlook/ews-contact.
import { concordPropertySetId, concordUidPropertyName } from "../../core/formats/outlook/graph-contact";
import {
  attribute,
  buildTypesXml,
  child,
  children,
  elementName,
  escapeXml,
  parseXml,
  text,
  type XmlNode,
} from "./ews-xml";

// The Concord uid is a named string property in Concord's own property set,
// defined once in core/formats/outlook/graph-contact so that Graph and EWS address the same property.
export { concordPropertySetId, concordUidPropertyId } from "../../core/formats/outlook/graph-contact";

// ExtendedFieldURI (learn.microsoft.com/exchange/client-developer/web-service-reference/extendedfielduri):
// a named property is PropertySetId (GUID) + PropertyName + PropertyType.
export const concordUidFieldUri = `<t:ExtendedFieldURI PropertySetId="${concordPropertySetId}" PropertyName="${concordUidPropertyName}" PropertyType="String"/>`;

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

// Elements Exchange sets itself; sending them in CreateItem/UpdateItem is an error.
const readOnly = new Set([
  "MimeContent",
  "ItemId",
  "ParentFolderId",
  "ItemClass",
  "DateTimeReceived",
  "Size",
  "IsSubmitted",
  "IsDraft",
  "IsFromMe",
  "IsResend",
  "IsUnmodified",
  "DateTimeSent",
  "DateTimeCreated",
  "ResponseObjects",
  "DisplayCc",
  "DisplayTo",
  "HasAttachments",
  "EffectiveRights",
  "LastModifiedName",
  "LastModifiedTime",
  "IsAssociated",
  "WebClientReadFormQueryString",
  "WebClientEditFormQueryString",
  "ConversationId",
  "UniqueBody",
  "InstanceKey",
  "CompleteName",
  "HasPicture",
  "Attachments",
  "Culture",
  "DirectoryId",
]);

// ItemType's sequence (Types.xsd): ExtendedProperty comes after these and before the contact fields.
const itemBaseElements = new Set([
  "Subject",
  "Sensitivity",
  "Body",
  "Categories",
  "Importance",
  "ReminderDueBy",
  "ReminderIsSet",
  "ReminderMinutesBeforeStart",
  "InReplyTo",
  "InternetMessageHeaders",
  "ExtendedProperty",
]);

export function parseContact(wire: string): XmlNode {
  const contact = parseXml(wire).find((node) => elementName(node) === "Contact");
  if (!contact) throw new Error("EWS wire form must be a <t:Contact> element");
  return contact;
}

function uidProperty(uid: string): XmlNode {
  return parseXml(
    `<ExtendedProperty>${concordUidFieldUri.replace(/t:/g, "")}<Value>${escapeXml(uid)}</Value></ExtendedProperty>`,
  )[0]!;
}

/** The wire without read-only elements, with the Concord uid property in its schema position. */
export function contactForCreate(wire: string, concordUid: string): string {
  const fields = children(parseContact(wire)).filter(
    (c) => !readOnly.has(elementName(c)!) && !(elementName(c) === "ExtendedProperty" && isConcordUidProperty(c)),
  );
  const lastBase = fields.reduce((last, c, i) => (itemBaseElements.has(elementName(c)!) ? i : last), -1);
  fields.splice(lastBase + 1, 0, uidProperty(concordUid));
  return buildTypesXml([{ Contact: fields }]);
}
