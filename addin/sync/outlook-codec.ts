// The Contact ⇄ wire mapping of each Outlook store, so the sync session speaks Contact whichever
// store (Graph JSON or EWS <t:Contact> XML) the mailbox uses.
import type { Contact } from "../../core/contact/contact";
import { contactToEwsXml, ewsContactXmlToContact, mergeFromEws } from "../../core/formats/outlook/ews-contact";
import { contactToGraph, graphToContact, mergeFromGraph } from "../../core/formats/outlook/graph-contact";
import type { GraphContactJson } from "../outlook/graph-store";

export type OutlookCodec<Wire> = {
  /**
   * The item as a Contact. With `base` (the server's version the item was last synced with) the
   * fields Outlook cannot hold come from `base`, so they do not read as deleted in Outlook.
   */
  read(wire: Wire, uid: string, base?: Contact): Contact;
  forCreate(contact: Contact): Wire;
  /** `previous`: the contact as Outlook holds it now, so an update sends (and clears) only what changed. */
  forUpdate(contact: Contact, previous?: Contact): Wire;
};

export const graphCodec: OutlookCodec<GraphContactJson> = {
  read: (wire, uid, base) => (base ? mergeFromGraph({ ...base, uid }, wire) : graphToContact(wire, uid)),
  forCreate: (contact) => contactToGraph(contact).body,
  forUpdate: (contact, previous) => contactToGraph(contact, previous).body,
};

// EWS UpdateItem is built from the whole wanted contact (core/formats/outlook/ews-contact contactToEwsUpdates sets every
// field and deletes the rest), so an update sends the whole contact.
export const ewsCodec: OutlookCodec<string> = {
  read: (wire, uid, base) => (base ? mergeFromEws({ ...base, uid }, wire) : ewsContactXmlToContact(wire, uid)),
  forCreate: (contact) => contactToEwsXml(contact),
  forUpdate: (contact) => contactToEwsXml(contact),
};
