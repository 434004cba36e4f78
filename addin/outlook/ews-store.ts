// The Outlook contact store over EWS, for Exchange on-premises. It uses only
// operations add-ins may call through makeEwsRequestAsync (FindFolder,
// CreateFolder, FindItem, GetItem, CreateItem, UpdateItem, MoveItem; "EWS
// operations that add-ins support", learn.microsoft.com/office/dev/add-ins/outlook/web-services).
// Not DeleteItem and not SyncFolderItems: removal moves to Deleted Items, and
// change detection compares ChangeKeys (see ews-state.ts).
// Every request and every expected response stays under the 1 MB limit.
import type { ContactFolder, FolderRead, OutlookContactStore, OutlookItem } from "./outlook-store";
import { callEws, defaultCallOptions, errorOf, EwsError, type CallOptions, type ResponseMessage } from "./ews-soap";
import {
  contactToEwsUpdates,
  ewsContactItemShape,
  ewsContactXmlToContact,
} from "../../core/formats/outlook/ews-contact";
import { concordUidFieldUri, concordUidOf, contactForCreate } from "./ews-fields";
import { decodeState, encodeState, changeKeyHash } from "./ews-state";
import type { EwsTransport } from "./ews-transport";
import { createWriteLog } from "./written-since";
import { attribute, buildTypesXml, child, descendants, escapeXml, text, type XmlNode } from "./ews-xml";

export { concordPropertySetId, concordUidFieldUri } from "./ews-fields";

export type EwsStoreOptions = {
  transport: EwsTransport;
  sleep?: (ms: number) => Promise<void>;
  maxRetries?: number;
  /** Characters allowed per request and per response (makeEwsRequestAsync: 1 MB). */
  messageLimit?: number;
  /** FindItem page size. Exchange caps FindItem at EWSFindCountLimit (1,000 by default). */
  pageSize?: number;
};

export type EwsContactStore = OutlookContactStore<string> & {
  /**
   * CreateItem in as few requests as the size limit allows; one result per input, in order.
   * Unlike `create`, it does not look for an item already carrying the uid first.
   */
  createMany(
    folderId: string,
    items: { wire: string; concordUid: string }[],
  ): Promise<(OutlookItem<string> | EwsError)[]>;
};

type Listed = { id: string; changeKey: string; size: number };

// Per-item room for the XML around a contact's properties in a GetItem response.
const responseOverheadPerItem = 4_096;
const maxItemsPerRequest = 100;
// Ids per IdOnly GetItem: about 300 characters each way per item, far under the 1 MB limit.
const probeBatch = 500;

const folderId = (id: string) => `<t:FolderId Id="${escapeXml(id)}"/>`;
const itemId = (id: string, changeKey?: string) =>
  `<t:ItemId Id="${escapeXml(id)}"${changeKey ? ` ChangeKey="${escapeXml(changeKey)}"` : ""}/>`;

function successOrThrow(message: ResponseMessage): ResponseMessage {
  const error = errorOf(message);
  if (error) throw error;
  return message;
}

function contactsIn(message: ResponseMessage): XmlNode[] {
  return descendants([message.node], "Contact");
}

function idOf(contact: XmlNode): { id: string; changeKey: string } {
  const node = child(contact, "ItemId");
  return { id: attribute(node ?? {}, "Id") ?? "", changeKey: attribute(node ?? {}, "ChangeKey") ?? "" };
}

function toFolder(folder: XmlNode): ContactFolder {
  return { id: attribute(child(folder, "FolderId") ?? {}, "Id") ?? "", name: text(child(folder, "DisplayName")) };
}

export function createEwsContactStore(options: EwsStoreOptions): EwsContactStore {
  const call: CallOptions = { ...defaultCallOptions, ...options } as CallOptions;
  // At least two per page: each page after the first repeats one item of the page before (listFolder).
  const pageSize = Math.max(2, Math.min(options.pageSize ?? 500, 1_000));
  const send = (operation: string) => callEws(call, operation);
  const writes = createWriteLog();

  async function listFolders(): Promise<ContactFolder[]> {
    // FindFolder (…/findfolder-operation), Shallow: the direct subfolders of Contacts.
    const [message] = await send(
      `<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>` +
        `<t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties></m:FolderShape>` +
        `<m:IndexedPageFolderView MaxEntriesReturned="1000" Offset="0" BasePoint="Beginning"/>` +
        `<m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindFolder>`,
    );
    return descendants([successOrThrow(message!).node], "ContactsFolder").map(toFolder);
  }

  async function mainFolder(): Promise<ContactFolder> {
    // GetFolder (…/getfolder-operation) of the distinguished folder "contacts" (…/distinguishedfolderid):
    // its FolderId is the id items name as their ParentFolderId.
    const [message] = await send(
      `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>` +
        `<t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties></m:FolderShape>` +
        `<m:FolderIds><t:DistinguishedFolderId Id="contacts"/></m:FolderIds></m:GetFolder>`,
    );
    return descendants([successOrThrow(message!).node], "ContactsFolder").map(toFolder)[0]!;
  }

  async function ensureFolder(name: string): Promise<ContactFolder> {
    const existing = (await listFolders()).find((f) => f.name === name);
    if (existing) return existing;
    // CreateFolder (…/createfolder-operation) with t:ContactsFolder, so Outlook shows it as an address book.
    const [message] = await send(
      `<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderId>` +
        `<m:Folders><t:ContactsFolder><t:DisplayName>${escapeXml(name)}</t:DisplayName></t:ContactsFolder></m:Folders></m:CreateFolder>`,
    );
    const folder = descendants([successOrThrow(message!).node], "ContactsFolder")[0];
    return { id: attribute(child(folder ?? {}, "FolderId") ?? {}, "Id") ?? "", name };
  }

  // FindItem (…/finditem-operation) with IndexedPageItemView (…/indexedpageitemview):
  // ids, ChangeKeys and sizes only, page by page until IncludesLastItemInRange.
  async function listPage(folder: string, offset: number) {
    const [message] = await send(
      `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>` +
        `<t:FieldURI FieldURI="item:Size"/><t:FieldURI FieldURI="item:LastModifiedTime"/></t:AdditionalProperties></m:ItemShape>` +
        `<m:IndexedPageItemView MaxEntriesReturned="${pageSize}" Offset="${offset}" BasePoint="Beginning"/>` +
        `<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:DateTimeCreated"/></t:FieldOrder></m:SortOrder>` +
        `<m:ParentFolderIds>${folderId(folder)}</m:ParentFolderIds></m:FindItem>`,
    );
    const root = descendants([successOrThrow(message!).node], "RootFolder")[0] ?? {};
    const listed = contactsIn(message!).map((c) => ({ ...idOf(c), size: Number(text(child(c, "Size"))) || 0 }));
    return {
      listed,
      total: Number(attribute(root, "TotalItemsInView") ?? NaN),
      last: attribute(root, "IncludesLastItemInRange") === "true",
      next: Number(attribute(root, "IndexedPagingOffset") ?? offset + listed.length),
    };
  }

  // IndexedPageItemView addresses items by position (…/indexedpageitemview): a contact deleted
  // before the current position while the listing runs makes the next page skip one untouched
  // contact, one added before it repeats one — and a delete plus a create leave TotalItemsInView
  // unchanged. So each page after the first starts one item early, on the last item of the page
  // before: if that item is not there, positions moved and the listing is taken again (three
  // tries). A listing that never holds still comes back unstable: what it saw, and no claim
  // that anything it did not see is gone.
  async function listFolder(folder: string): Promise<{ listed: Listed[]; stable: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const seen = new Map<string, Listed>();
      let stable = true;
      let offset = 0;
      let lastSeen: string | undefined;
      for (;;) {
        const page = await listPage(folder, lastSeen === undefined ? offset : offset - 1);
        let fresh = page.listed;
        if (lastSeen !== undefined) {
          if (fresh[0]?.id === lastSeen) fresh = fresh.slice(1);
          else stable = false;
        }
        for (const item of fresh) seen.set(item.id, item);
        if (page.last || fresh.length === 0) break;
        offset = page.next;
        lastSeen = page.listed.at(-1)!.id;
      }
      if (stable || attempt >= 2) return { listed: [...seen.values()], stable };
    }
  }

  // GetItem (…/getitem-operation) batches sized by item:Size so each response stays under the limit.
  function getItemBatches(items: Listed[]): Listed[][] {
    const budget = call.messageLimit * 0.6;
    const batches: Listed[][] = [];
    let batch: Listed[] = [];
    let estimate = 0;
    for (const item of items) {
      const cost = item.size + responseOverheadPerItem;
      if (batch.length > 0 && (estimate + cost > budget || batch.length >= maxItemsPerRequest)) {
        batches.push(batch);
        batch = [];
        estimate = 0;
      }
      batch.push(item);
      estimate += cost;
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  }

  function toItem(contact: XmlNode): OutlookItem<string> {
    const { id, changeKey } = idOf(contact);
    const lastModified = text(child(contact, "LastModifiedTime")) || undefined;
    return { id, changeKey, lastModified, concordUid: concordUidOf(contact), wire: buildTypesXml([contact]) };
  }

  async function fetchBatch(batch: Listed[]): Promise<{ items: OutlookItem<string>[]; gone: string[] }> {
    const messages = await send(
      // The mapping's shape: AllProperties, a text body, and the extended properties it reads (the Concord uid among them).
      `<m:GetItem>${ewsContactItemShape}<m:ItemIds>${batch.map((item) => itemId(item.id)).join("")}</m:ItemIds></m:GetItem>`,
    );
    const items: OutlookItem<string>[] = [];
    const gone: string[] = [];
    messages.forEach((message, i) => {
      // Deleted between FindItem and GetItem: report it as removed, not as a failure.
      if (message.code === "ErrorItemNotFound") return gone.push(batch[i]!.id);
      items.push(...contactsIn(successOrThrow(message)).map(toItem));
    });
    return { items, gone };
  }

  // GetItem (…/getitem-operation) with IdOnly plus item:Size and item:ParentFolderId: which ids
  // still exist in this folder, and how large they are. A missing id answers ErrorItemNotFound per
  // item ("GetItem operation", response messages are one per requested id, in order); our own
  // remove and an Outlook delete both move the item to Deleted Items, under another folder.
  async function probe(folder: string, ids: string[]): Promise<{ present: Listed[]; missing: string[] }> {
    const present: Listed[] = [];
    const missing: string[] = [];
    for (let start = 0; start < ids.length; start += probeBatch) {
      const batch = ids.slice(start, start + probeBatch);
      const messages = await send(
        `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>` +
          `<t:FieldURI FieldURI="item:Size"/><t:FieldURI FieldURI="item:ParentFolderId"/>` +
          `</t:AdditionalProperties></m:ItemShape>` +
          `<m:ItemIds>${batch.map((id) => itemId(id)).join("")}</m:ItemIds></m:GetItem>`,
      );
      messages.forEach((message, i) => {
        if (message.code === "ErrorItemNotFound") return missing.push(batch[i]!);
        const contact = contactsIn(successOrThrow(message))[0] ?? {};
        const parent = attribute(child(contact, "ParentFolderId") ?? {}, "Id");
        if (parent !== folder) return missing.push(batch[i]!);
        present.push({ ...idOf(contact), size: Number(text(child(contact, "Size"))) || 0 });
      });
    }
    return { present, missing };
  }

  async function getItems(folder: string, ids: string[]): Promise<{ items: OutlookItem<string>[]; missing: string[] }> {
    const { present, missing } = await probe(folder, [...new Set(ids)]);
    const items: OutlookItem<string>[] = [];
    for (const batch of getItemBatches(present)) {
      const read = await fetchBatch(batch);
      items.push(...read.items);
      missing.push(...read.gone);
    }
    return { items, missing };
  }

  // An incremental read reports as removed only ids GetItem confirms gone (or moved out of the
  // folder): an id merely absent from the listing may have been skipped by shifting offsets, and
  // one that is still there rejoins the listing. A first read whose listing never held still is
  // not `full`: absence from it proves nothing.
  async function readFolder(
    folder: string,
    state?: string,
    onProgress?: (read: number) => void,
  ): Promise<FolderRead<string>> {
    const previous = decodeState(folder, state);
    const listing = await listFolder(folder);
    const present = new Set(listing.listed.map((item) => item.id));
    // Known ids the listing did not show: those in the state, and those this store created after
    // the read that handed the state out (written-since.ts).
    const known = new Set(previous ? [...previous.hashes.keys(), ...writes.writtenSince(folder, state)] : []);
    const unseen = [...known].filter((id) => !present.has(id));
    const confirmed = unseen.length > 0 ? await probe(folder, unseen) : { present: [], missing: [] };
    const listed = [...listing.listed, ...confirmed.present];
    const changed = previous
      ? listed.filter((item) => previous.hashes.get(item.id) !== changeKeyHash(item.changeKey))
      : listed;
    const removed = [...confirmed.missing];
    const changeKeys = new Map(listed.map((item) => [item.id, item.changeKey]));
    const items: OutlookItem<string>[] = [];
    for (const batch of getItemBatches(changed)) {
      const read = await fetchBatch(batch);
      for (const item of read.items) changeKeys.set(item.id, item.changeKey);
      for (const id of read.gone) {
        changeKeys.delete(id);
        if (known.has(id)) removed.push(id);
      }
      items.push(...read.items);
      onProgress?.(items.length);
    }
    const nextState = encodeState(folder, changeKeys);
    writes.handedOut(folder, nextState);
    return { items, removed, full: !previous && listing.stable, state: nextState };
  }

  // CreateItem (…/createitem-operation) into the folder via SavedItemFolderId, as
  // many contacts per request as fit under the limit.
  const createEnvelopeOverhead = 600;
  async function createMany(folder: string, inputs: { wire: string; concordUid: string }[]) {
    const prepared = inputs.map((input) => contactForCreate(input.wire, input.concordUid));
    const room = call.messageLimit - createEnvelopeOverhead - folder.length;
    prepared.forEach((xml, i) => {
      if (xml.length > room) {
        throw new EwsError(
          "RequestTooLarge",
          `contact ${inputs[i]!.concordUid} is ${xml.length} characters on its own (a large photo?); it cannot be sent through makeEwsRequestAsync`,
        );
      }
    });
    const results: (OutlookItem<string> | EwsError)[] = [];
    for (let start = 0; start < prepared.length; ) {
      let end = start;
      let size = 0;
      while (end < prepared.length && end - start < maxItemsPerRequest && size + prepared[end]!.length <= room)
        size += prepared[end++]!.length;
      const messages = await send(
        `<m:CreateItem><m:SavedItemFolderId>${folderId(folder)}</m:SavedItemFolderId>` +
          `<m:Items>${prepared.slice(start, end).join("")}</m:Items></m:CreateItem>`,
      );
      messages.forEach((message, i) => {
        const error = errorOf(message);
        if (error) return results.push(error);
        const { id, changeKey } = idOf(contactsIn(message)[0] ?? {});
        writes.wrote(folder, id);
        results.push({ id, changeKey, concordUid: inputs[start + i]!.concordUid, wire: prepared[start + i]! });
      });
      start = end;
    }
    return results;
  }

  // FindItem (…/finditem-operation) with a Restriction IsEqualTo (…/isequalto) on the Concord uid's
  // ExtendedFieldURI: the item in this folder already carrying the uid, if any. Exchange compares
  // strings without regard to case, so the exact value is checked here.
  async function findByUid(folder: string, concordUid: string): Promise<{ id: string; changeKey: string } | undefined> {
    const [message] = await send(
      `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>` +
        `<t:AdditionalProperties>${concordUidFieldUri}</t:AdditionalProperties></m:ItemShape>` +
        `<m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>` +
        `<m:Restriction><t:IsEqualTo>${concordUidFieldUri}` +
        `<t:FieldURIOrConstant><t:Constant Value="${escapeXml(concordUid)}"/></t:FieldURIOrConstant>` +
        `</t:IsEqualTo></m:Restriction>` +
        `<m:ParentFolderIds>${folderId(folder)}</m:ParentFolderIds></m:FindItem>`,
    );
    const match = contactsIn(successOrThrow(message!)).find((contact) => concordUidOf(contact) === concordUid);
    return match ? idOf(match) : undefined;
  }

  // Idempotent per (folder, uid): a create retried after a lost answer, or the same contact
  // created by a second Outlook of this mailbox, updates the item already there.
  async function create(folder: string, wire: string, concordUid: string) {
    const existing = await findByUid(folder, concordUid);
    if (existing) {
      writes.wrote(folder, existing.id);
      return update(existing.id, wire, concordUid, existing.changeKey);
    }
    const [result] = await createMany(folder, [{ wire, concordUid }]);
    if (result instanceof EwsError) throw result;
    return result!;
  }

  // UpdateItem (…/updateitem-operation). The wire is the whole contact as Concord
  // wants it, so core/formats/outlook/ews-contact sets every field it holds and deletes every
  // field it can map but the wire lacks (a dropped mobile number deletes
  // contacts:PhoneNumber[MobilePhone] and nothing else).
  // With a ChangeKey, NeverOverwrite: when the contact changed in Outlook since the
  // sync read it, Exchange refuses with ErrorIrresolvableConflict (MS-OXWSCORE 3.1.4.9.4.1,
  // ConflictResolutionType) and the update throws, so the sync records a per-item error
  // and merges the newer version next time. AutoResolve "will in most cases overwrite the
  // existing value" (same section): it would silently replace the user's edit.
  // Without a ChangeKey the caller has no version to defend, so AlwaysOverwrite states
  // that intent instead of failing.
  async function update(id: string, wire: string, concordUid: string, changeKey?: string) {
    const contact = { ...ewsContactXmlToContact(wire, concordUid), uid: concordUid };
    const resolution = changeKey ? "NeverOverwrite" : "AlwaysOverwrite";
    const [message] = await send(
      `<m:UpdateItem ConflictResolution="${resolution}"><m:ItemChanges><t:ItemChange>${itemId(id, changeKey)}` +
        `<t:Updates>${contactToEwsUpdates(contact).join("")}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    const updated = idOf(contactsIn(successOrThrow(message!))[0] ?? {});
    return { id: updated.id || id, changeKey: updated.changeKey, concordUid, wire };
  }

  // Add-ins cannot call DeleteItem; MoveItem (…/moveitem-operation) to Deleted
  // Items is what Outlook itself does on Delete, and the user can undo it.
  async function remove(id: string) {
    const [message] = await send(
      `<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="deleteditems"/></m:ToFolderId>` +
        `<m:ItemIds>${itemId(id)}</m:ItemIds></m:MoveItem>`,
    );
    if (message!.code === "ErrorItemNotFound") return; // already gone: the goal is met
    successOrThrow(message!);
  }

  return {
    kind: "ews",
    listFolders,
    mainFolder,
    ensureFolder,
    readFolder,
    getItems,
    create,
    createMany,
    update,
    remove,
  };
}
