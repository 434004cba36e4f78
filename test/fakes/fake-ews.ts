// A fake Exchange EWS endpoint, faithful to the parts Concord's add-in uses:
// FindFolder, CreateFolder, FindItem (IndexedPageItemView), GetItem, CreateItem,
// UpdateItem and MoveItem, as documented under
// learn.microsoft.com/exchange/client-developer/web-service-reference/<operation>-operation.
// It also plays the add-in sandbox: operations outside "EWS operations that
// add-ins support" (learn.microsoft.com/office/dev/add-ins/outlook/web-services),
// such as DeleteItem and SyncFolderItems, are refused with ErrorInvalidRequest,
// and a request or response over 1 MB of characters is refused ("Limits for
// activation and JavaScript API for Outlook add-ins").
import express from "express";
import {
  attribute,
  buildTypesXml,
  child,
  children,
  descendants,
  elementName,
  escapeXml,
  parseXml,
  text,
  type XmlNode,
} from "../../addin/outlook/ews-xml";

export const fakeMessageLimit = 1_000_000;

type FakeFolder = { id: string; name: string; parentId?: string };
type Extended = { uri: XmlNode; value: string };
type FakeItem = {
  id: string;
  changeKey: string;
  folderId: string;
  created: number;
  lastModified: string;
  fields: XmlNode[];
  extended: Map<string, Extended>;
};

const supported = new Set([
  "FindFolder",
  "GetFolder",
  "CreateFolder",
  "FindItem",
  "GetItem",
  "CreateItem",
  "UpdateItem",
  "MoveItem",
]);
const idPrefix =
  "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e9AAAAAAEO";
const readOnlyOnCreate = new Set([
  "ItemId",
  "ParentFolderId",
  "DateTimeCreated",
  "LastModifiedTime",
  "Size",
  "ChangeKey",
]);

function extendedKey(uri: XmlNode): string {
  const set =
    attribute(uri, "PropertySetId")?.replace(/[{}]/g, "").toLowerCase() ?? attribute(uri, "DistinguishedPropertySetId");
  return `${set}|${attribute(uri, "PropertyName") ?? attribute(uri, "PropertyId") ?? attribute(uri, "PropertyTag")}`;
}

class EwsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly backOffMs?: number,
  ) {
    super(message);
  }
}

class ItemError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let mailboxes = 0;

export class FakeMailbox {
  readonly contactsFolderId = "contacts-root";
  readonly deletedItemsFolderId = "deleteditems-root";
  readonly folders = new Map<string, FakeFolder>([
    [this.contactsFolderId, { id: this.contactsFolderId, name: "Contacts" }],
    [this.deletedItemsFolderId, { id: this.deletedItemsFolderId, name: "Deleted Items" }],
  ]);
  readonly items = new Map<string, FakeItem>();
  /** Every request: operation and size in characters, and the size of the answer. */
  readonly log: { operation: string; requestChars: number; responseChars: number; status: number }[] = [];
  private counter = 0;
  // An EWS ItemId encodes the mailbox's store, so two mailboxes never hand out one id.
  private readonly tag = (++mailboxes).toString(36).padStart(4, "A");
  private clock = Date.UTC(2025, 0, 1);
  private busy = { count: 0, backOffMs: 0 };
  private itemFailures: string[] = [];
  private pageHooks: (() => void)[] = [];

  private tick(): string {
    this.clock += 1_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  private nextId(): string {
    return `${idPrefix}${this.tag}${(++this.counter).toString(36).padStart(10, "A")}AAA=`;
  }

  private touch(item: FakeItem): void {
    // ChangeKey identifies a version: it changes on every write (…/itemid).
    item.changeKey = `CQAAABYAAAB${(++this.counter).toString(36)}`;
    item.lastModified = this.tick();
  }

  // ——— what a user does in Outlook ———

  addFolder(name: string, parentId = this.contactsFolderId): string {
    const id = `folder-${++this.counter}`;
    this.folders.set(id, { id, name, parentId });
    return id;
  }

  addContact(folderId: string, contactXml: string): string {
    const contact = parseXml(contactXml).find((n) => elementName(n) === "Contact");
    if (!contact) throw new Error("addContact needs a <Contact> element");
    const item: FakeItem = {
      id: this.nextId(),
      changeKey: "",
      folderId,
      created: this.counter,
      lastModified: "",
      fields: [],
      extended: new Map(),
    };
    this.assignFields(item, children(contact));
    this.touch(item);
    this.items.set(item.id, item);
    return item.id;
  }

  /** Replaces the contact's ordinary fields as an Outlook edit would; extended properties stay. */
  editContact(id: string, contactXml: string): void {
    const item = this.mustGet(id);
    const contact = parseXml(contactXml).find((n) => elementName(n) === "Contact")!;
    item.fields = [];
    this.assignFields(item, children(contact));
    this.touch(item);
  }

  /** Delete in Outlook: the contact moves to Deleted Items under a new id. */
  deleteContact(id: string): string {
    return this.move(this.mustGet(id), this.deletedItemsFolderId);
  }

  throttleNext(count: number, backOffMs: number): void {
    this.busy = { count, backOffMs };
  }

  /**
   * Runs `change` (a user's edit in Outlook) right after the next `times` FindItem pages that are
   * not the last one, i.e. between two pages of one listing.
   */
  betweenFindItemPages(change: () => void, times = 1): void {
    for (let i = 0; i < times; i++) this.pageHooks.push(change);
  }

  stopPageChanges(): void {
    this.pageHooks = [];
  }

  afterFindItemPage(last: boolean): void {
    if (!last) this.pageHooks.shift()?.();
  }

  /** The next item-level response message fails with this ResponseCode. */
  failNextItem(code: string): void {
    this.itemFailures.push(code);
  }

  idsIn(folderId: string): string[] {
    return this.sorted(folderId).map((item) => item.id);
  }

  /** The stored contact as GetItem would return it with every extended property. */
  contactXml(id: string): string {
    const item = this.mustGet(id);
    return this.render(item, [...item.extended.keys()]);
  }

  extendedValue(id: string, uriKey: string): string | undefined {
    return this.mustGet(id).extended.get(uriKey)?.value;
  }

  // ——— internals ———

  mustGet(id: string): FakeItem {
    const item = this.items.get(id);
    if (!item) throw new ItemError("ErrorItemNotFound", "The specified object was not found in the store.");
    return item;
  }

  private assignFields(item: FakeItem, fields: XmlNode[]): void {
    for (const field of fields) {
      const name = elementName(field)!;
      if (name === "ExtendedProperty") {
        const uri = child(field, "ExtendedFieldURI")!;
        item.extended.set(extendedKey(uri), { uri, value: text(child(field, "Value")) });
      } else if (readOnlyOnCreate.has(name)) {
        throw new ItemError("ErrorInvalidPropertySet", `${name} is read-only and cannot be set.`);
      } else {
        item.fields.push(field);
      }
    }
  }

  sorted(folderId: string): FakeItem[] {
    return [...this.items.values()].filter((i) => i.folderId === folderId).sort((a, b) => a.created - b.created);
  }

  move(item: FakeItem, folderId: string): string {
    // A moved item gets a new ItemId in its new folder.
    this.items.delete(item.id);
    item.id = this.nextId();
    item.folderId = folderId;
    this.touch(item);
    this.items.set(item.id, item);
    return item.id;
  }

  size(item: FakeItem): number {
    return buildTypesXml(item.fields).length + [...item.extended.values()].reduce((n, e) => n + e.value.length, 0);
  }

  renderExtended(item: FakeItem, extendedKeys: string[]): string {
    return extendedKeys
      .map((key) => item.extended.get(key))
      .filter((e): e is Extended => e !== undefined)
      .map(
        (e) =>
          `<t:ExtendedProperty>${buildTypesXml([e.uri])}<t:Value>${escapeXml(e.value)}</t:Value></t:ExtendedProperty>`,
      )
      .join("");
  }

  render(item: FakeItem, extendedKeys: string[]): string {
    const extended = this.renderExtended(item, extendedKeys);
    return (
      `<t:Contact><t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/><t:ParentFolderId Id="${item.folderId}"/>` +
      `<t:ItemClass>IPM.Contact</t:ItemClass><t:Size>${this.size(item)}</t:Size>${extended}` +
      `<t:LastModifiedTime>${item.lastModified}</t:LastModifiedTime>${buildTypesXml(item.fields)}</t:Contact>`
    );
  }

  renderIdOnly(item: FakeItem, fieldUris: (string | undefined)[]): string {
    return (
      `<t:Contact><t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/>` +
      (fieldUris.includes("item:ParentFolderId") ? `<t:ParentFolderId Id="${item.folderId}"/>` : "") +
      (fieldUris.includes("item:Size") ? `<t:Size>${this.size(item)}</t:Size>` : "") +
      (fieldUris.includes("item:LastModifiedTime")
        ? `<t:LastModifiedTime>${item.lastModified}</t:LastModifiedTime>`
        : "") +
      `</t:Contact>`
    );
  }

  consumeBusy(): number | undefined {
    if (this.busy.count <= 0) return undefined;
    this.busy.count--;
    return this.busy.backOffMs;
  }

  consumeItemFailure(): string | undefined {
    return this.itemFailures.shift();
  }

  resolveFolder(node: XmlNode | undefined): FakeFolder {
    const ref = node && children(node)[0];
    const id = ref && attribute(ref, "Id");
    const resolved =
      elementName(ref ?? {}) === "DistinguishedFolderId"
        ? { contacts: this.contactsFolderId, deleteditems: this.deletedItemsFolderId }[id ?? ""]
        : id;
    const folder = resolved ? this.folders.get(resolved) : undefined;
    if (!folder) throw new ItemError("ErrorFolderNotFound", "The specified folder could not be found in the store.");
    return folder;
  }

  newFolderId(): string {
    return `folder-${++this.counter}`;
  }

  touchItem(item: FakeItem): void {
    this.touch(item);
  }
}

// ——— SOAP ———

const ok = (op: string, inner: string) =>
  `<m:${op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${op}ResponseMessage>`;
const failed = (op: string, code: string, message: string) =>
  `<m:${op}ResponseMessage ResponseClass="Error"><m:MessageText>${escapeXml(message)}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:${op}ResponseMessage>`;
const idOnly = (item: FakeItem) => `<t:Contact><t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/></t:Contact>`;

function soapEnvelope(body: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">` +
    `<s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>` +
    `<s:Body>${body}</s:Body></s:Envelope>`
  );
}

// Throttling and refused requests come back as SOAP faults ("EWS throttling in Exchange").
function faultEnvelope(fault: EwsFault): string {
  const backOff =
    fault.backOffMs === undefined
      ? ""
      : `<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:Value Name="BackOffMilliseconds">${fault.backOffMs}</t:Value></t:MessageXml>`;
  return soapEnvelope(
    `<s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:${fault.code}</faultcode>` +
      `<faultstring xml:lang="en-US">${escapeXml(fault.message)}</faultstring><detail>` +
      `<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${fault.code}</e:ResponseCode>` +
      `<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${escapeXml(fault.message)}</e:Message>${backOff}</detail></s:Fault>`,
  );
}

type Operation = (mailbox: FakeMailbox, request: XmlNode) => string[];

function perItem(mailbox: FakeMailbox, op: string, run: () => string): string {
  const injected = mailbox.consumeItemFailure();
  if (injected) return failed(op, injected, `Injected ${injected}.`);
  try {
    return ok(op, run());
  } catch (error) {
    if (error instanceof ItemError) return failed(op, error.code, error.message);
    throw error;
  }
}

const findFolder: Operation = (mailbox, request) => {
  if (attribute(request, "Traversal") !== "Shallow")
    throw new EwsFault("ErrorInvalidRequest", "The fake implements Shallow traversal only.");
  const parent = mailbox.resolveFolder(child(request, "ParentFolderIds"));
  const folders = [...mailbox.folders.values()].filter((f) => f.parentId === parent.id);
  const xml = folders
    .map(
      (f) =>
        `<t:ContactsFolder><t:FolderId Id="${f.id}"/><t:DisplayName>${escapeXml(f.name)}</t:DisplayName></t:ContactsFolder>`,
    )
    .join("");
  return [
    ok(
      "FindFolder",
      `<m:RootFolder TotalItemsInView="${folders.length}" IncludesLastItemInRange="true"><t:Folders>${xml}</t:Folders></m:RootFolder>`,
    ),
  ];
};

// GetFolder (…/getfolder-operation): the folder named in FolderIds, by FolderId or
// DistinguishedFolderId, as a ContactsFolder with its FolderId and DisplayName. The fake answers
// for the first folder named only (the add-in asks for one).
const getFolder: Operation = (mailbox, request) => [
  perItem(mailbox, "GetFolder", () => {
    const f = mailbox.resolveFolder(child(request, "FolderIds"));
    return `<m:Folders><t:ContactsFolder><t:FolderId Id="${f.id}"/><t:DisplayName>${escapeXml(f.name)}</t:DisplayName></t:ContactsFolder></m:Folders>`;
  }),
];

const createFolder: Operation = (mailbox, request) => {
  const parent = mailbox.resolveFolder(child(request, "ParentFolderId"));
  return children(child(request, "Folders")!).map((folder) =>
    perItem(mailbox, "CreateFolder", () => {
      const name = text(child(folder, "DisplayName"));
      if ([...mailbox.folders.values()].some((f) => f.parentId === parent.id && f.name === name)) {
        throw new ItemError("ErrorFolderExists", "A folder with the specified name already exists.");
      }
      const id = mailbox.newFolderId();
      mailbox.folders.set(id, { id, name, parentId: parent.id });
      return `<m:Folders><t:ContactsFolder><t:FolderId Id="${id}"/></t:ContactsFolder></m:Folders>`;
    }),
  );
};

// Restriction (…/restriction) with IsEqualTo (…/isequalto) on an ExtendedFieldURI and a Constant:
// the only search the add-in sends (the item carrying a Concord uid). Exchange compares strings
// without regard to case, so the caller checks the exact value it gets back.
function restrictionOf(restriction: XmlNode | undefined): (item: FakeItem) => boolean {
  if (!restriction) return () => true;
  const test = children(restriction)[0];
  const uri = test && child(test, "ExtendedFieldURI");
  const constant = test && descendants([test], "Constant")[0];
  if (!test || elementName(test) !== "IsEqualTo" || !uri || !constant) {
    throw new EwsFault("ErrorInvalidRequest", "The fake implements IsEqualTo on an extended property only.");
  }
  const key = extendedKey(uri);
  const value = (attribute(constant, "Value") ?? "").toLowerCase();
  return (item) => item.extended.get(key)?.value.toLowerCase() === value;
}

// FindItem with IndexedPageItemView (…/indexedpageitemview): Offset from the Beginning, at most
// MaxEntriesReturned (and never more than EWSFindCountLimit, 1,000). Each request evaluates the
// view afresh and addresses items by position: a contact deleted or added before the offset
// between two requests shifts every later item by one, and TotalItemsInView counts the folder
// as it is at that request. IndexedPagingOffset is the offset for the next page;
// IncludesLastItemInRange says whether this page reached the end (…/rootfolder-finditemresponsemessage).
const findItem: Operation = (mailbox, request) => {
  const folder = mailbox.resolveFolder(child(request, "ParentFolderIds"));
  const view = child(request, "IndexedPageItemView");
  if (!view || attribute(view, "BasePoint") !== "Beginning")
    throw new EwsFault("ErrorInvalidRequest", "The fake implements IndexedPageItemView from the Beginning only.");
  const offset = Number(attribute(view, "Offset") ?? 0);
  const max = Math.min(Number(attribute(view, "MaxEntriesReturned") ?? 1_000), 1_000);
  const all = mailbox.sorted(folder.id).filter(restrictionOf(child(request, "Restriction")));
  const page = all.slice(offset, offset + max);
  const wanted = descendants([child(request, "ItemShape")!], "FieldURI").map((f) => attribute(f, "FieldURI"));
  const extendedKeys = descendants([child(request, "ItemShape")!], "ExtendedFieldURI").map(extendedKey);
  const xml = page
    .map(
      (item) =>
        `<t:Contact><t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/>` +
        (wanted.includes("item:Size") ? `<t:Size>${mailbox.size(item)}</t:Size>` : "") +
        (wanted.includes("item:LastModifiedTime")
          ? `<t:LastModifiedTime>${item.lastModified}</t:LastModifiedTime>`
          : "") +
        mailbox.renderExtended(item, extendedKeys) +
        `</t:Contact>`,
    )
    .join("");
  const next = offset + page.length;
  mailbox.afterFindItemPage(next >= all.length);
  return [
    ok(
      "FindItem",
      `<m:RootFolder IndexedPagingOffset="${next}" TotalItemsInView="${all.length}" IncludesLastItemInRange="${next >= all.length}"><t:Items>${xml}</t:Items></m:RootFolder>`,
    ),
  ];
};

// GetItem (…/getitem-operation): one response message per requested ItemId, in order; an id
// that no longer exists (deleted, or moved: a move gives the item a new id) answers
// ErrorItemNotFound in its own message. Extended properties come back only when the shape asks
// for them; BaseShape IdOnly (…/baseshape) returns the ItemId plus the AdditionalProperties only.
const getItem: Operation = (mailbox, request) => {
  const shape = child(request, "ItemShape")!;
  const extendedKeys = descendants([shape], "ExtendedFieldURI").map(extendedKey);
  const idOnly = text(child(shape, "BaseShape")) === "IdOnly";
  const wanted = descendants([shape], "FieldURI").map((f) => attribute(f, "FieldURI"));
  return children(child(request, "ItemIds")!).map((ref) =>
    perItem(mailbox, "GetItem", () => {
      const item = mailbox.mustGet(attribute(ref, "Id") ?? "");
      return `<m:Items>${idOnly ? mailbox.renderIdOnly(item, wanted) : mailbox.render(item, extendedKeys)}</m:Items>`;
    }),
  );
};

const createItem: Operation = (mailbox, request) => {
  const folder = mailbox.resolveFolder(child(request, "SavedItemFolderId"));
  return children(child(request, "Items")!).map((contact) =>
    perItem(mailbox, "CreateItem", () => {
      const id = mailbox.addContact(folder.id, buildTypesXml([contact]));
      return `<m:Items>${idOnly(mailbox.mustGet(id))}</m:Items>`;
    }),
  );
};

const containers: Record<string, string> = {
  "contacts:EmailAddress": "EmailAddresses",
  "contacts:PhoneNumber": "PhoneNumbers",
  "contacts:ImAddress": "ImAddresses",
};

function entries(item: FakeItem, container: string): XmlNode[] {
  let node = item.fields.find((f) => elementName(f) === container);
  if (!node) item.fields.push((node = { [container]: [] }));
  return node[container] as XmlNode[];
}

function dropEmptyContainers(item: FakeItem): void {
  item.fields = item.fields.filter(
    (f) =>
      !["EmailAddresses", "PhoneNumbers", "ImAddresses", "PhysicalAddresses"].includes(elementName(f)!) ||
      children(f).length > 0,
  );
}

function applyChange(item: FakeItem, change: XmlNode): void {
  const kind = elementName(change)!;
  const path = children(change)[0]!;
  const pathKind = elementName(path);
  const payload = children(change).find((c) => elementName(c) === "Contact");
  const payloadField = payload && children(payload).length === 1 ? children(payload)[0] : undefined;
  const setting = kind === "SetItemField";
  if (setting && !payloadField)
    throw new ItemError(
      "ErrorIncorrectUpdatePropertyCount",
      "An object within a change description must contain one and only one property to modify.",
    );
  if (pathKind === "ExtendedFieldURI") {
    if (setting) item.extended.set(extendedKey(path), { uri: path, value: text(child(payloadField!, "Value")) });
    else item.extended.delete(extendedKey(path));
    return;
  }
  const uri = attribute(path, "FieldURI")!;
  if (pathKind === "FieldURI") {
    const name = uri.split(":")[1]!;
    item.fields = item.fields.filter((f) => elementName(f) !== name);
    if (setting) item.fields.push(payloadField!);
    return;
  }
  const key = attribute(path, "FieldIndex")!;
  if (uri.startsWith("contacts:PhysicalAddress:")) {
    const part = uri.split(":")[2]!;
    const list = entries(item, "PhysicalAddresses");
    let entry = list.find((e) => attribute(e, "Key") === key);
    if (!entry) list.push((entry = { Entry: [], ":@": { Key: key } }));
    entry.Entry = children(entry).filter((c) => elementName(c) !== part);
    if (setting) (entry.Entry as XmlNode[]).push(children(children(payloadField!)[0]!)[0]!);
    if (children(entry).length === 0) list.splice(list.indexOf(entry), 1);
  } else {
    const container = containers[uri];
    if (!container) throw new ItemError("ErrorInvalidIndexedPagingParameters", `Unknown indexed field ${uri}.`);
    const list = entries(item, container);
    const at = list.findIndex((e) => attribute(e, "Key") === key);
    if (at >= 0) list.splice(at, 1);
    if (setting) list.push(children(payloadField!)[0]!);
  }
  dropEmptyContainers(item);
}

// UpdateItem with a ChangeKey older than the item's (ConflictResolutionType, MS-OXWSCORE 3.1.4.9.4.1,
// learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxwscore/0dc48948-2f1b-425a-9e53-0c247657ef12):
// - NeverOverwrite: "the UpdateItem operation fails and ErrorIrresolvableConflict will be returned";
// - AutoResolve: "will in most cases overwrite the existing value" — the fake overwrites;
// - AlwaysOverwrite: "will overwrite the existing property value".
// AutoResolve (the default) and NeverOverwrite need the ChangeKey (ErrorChangeKeyRequired without one).
const updateItem: Operation = (mailbox, request) => {
  const resolution = attribute(request, "ConflictResolution") ?? "AutoResolve";
  return children(child(request, "ItemChanges")!).map((change) =>
    perItem(mailbox, "UpdateItem", () => {
      const ref = child(change, "ItemId")!;
      const item = mailbox.mustGet(attribute(ref, "Id") ?? "");
      const changeKey = attribute(ref, "ChangeKey");
      if (resolution !== "AlwaysOverwrite" && !changeKey) {
        throw new ItemError("ErrorChangeKeyRequired", "ChangeKey is required for this operation.");
      }
      if (resolution === "NeverOverwrite" && changeKey !== item.changeKey)
        throw new ItemError(
          "ErrorIrresolvableConflict",
          "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
        );
      for (const update of children(child(change, "Updates")!)) applyChange(item, update);
      mailbox.touchItem(item);
      return `<m:Items>${idOnly(item)}</m:Items>`;
    }),
  );
};

const moveItem: Operation = (mailbox, request) => {
  const target = mailbox.resolveFolder(child(request, "ToFolderId"));
  return children(child(request, "ItemIds")!).map((ref) =>
    perItem(mailbox, "MoveItem", () => {
      const id = mailbox.move(mailbox.mustGet(attribute(ref, "Id") ?? ""), target.id);
      return `<m:Items>${idOnly(mailbox.mustGet(id))}</m:Items>`;
    }),
  );
};

const operations: Record<string, Operation> = {
  FindFolder: findFolder,
  GetFolder: getFolder,
  CreateFolder: createFolder,
  FindItem: findItem,
  GetItem: getItem,
  CreateItem: createItem,
  UpdateItem: updateItem,
  MoveItem: moveItem,
};

function answer(mailbox: FakeMailbox, soap: string): { status: number; body: string; operation: string } {
  const body = descendants(parseXml(soap), "Body")[0];
  const request = body && children(body)[0];
  const operation = (request && elementName(request)) ?? "(none)";
  try {
    const backOffMs = mailbox.consumeBusy();
    if (backOffMs !== undefined)
      throw new EwsFault(
        "ErrorServerBusy",
        "The server cannot service this request right now. Try again later.",
        backOffMs,
      );
    if (!supported.has(operation))
      throw new EwsFault("ErrorInvalidRequest", `The ${operation} operation isn't supported for Outlook add-ins.`);
    const messages = operations[operation]!(mailbox, request!).join("");
    const xml = `<m:${operation}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>${messages}</m:ResponseMessages></m:${operation}Response>`;
    return { status: 200, body: soapEnvelope(xml), operation };
  } catch (error) {
    if (error instanceof EwsFault) return { status: 500, body: faultEnvelope(error), operation };
    if (error instanceof ItemError)
      return { status: 500, body: faultEnvelope(new EwsFault(error.code, error.message)), operation };
    throw error;
  }
}

export function createFakeEws(options: { messageLimit?: number } = {}) {
  const limit = options.messageLimit ?? fakeMessageLimit;
  const mailbox = new FakeMailbox();
  const app = express();
  app.post("/EWS/Exchange.asmx", express.text({ type: () => true, limit: "50mb" }), (req, res) => {
    const soap = String(req.body ?? "");
    const record = (operation: string, status: number, responseChars: number) =>
      mailbox.log.push({ operation, requestChars: soap.length, responseChars, status });
    if (soap.length > limit) {
      record("(too large)", 413, 0);
      return res
        .status(413)
        .type("text/plain")
        .send("The request exceeds the 1 MB size limit. Please modify your EWS request.");
    }
    const { status, body, operation } = answer(mailbox, soap);
    if (body.length > limit) {
      record(operation, 507, body.length);
      return res.status(507).type("text/plain").send("The response exceeds the 1 MB size limit.");
    }
    record(operation, status, body.length);
    res.status(status).type("text/xml; charset=utf-8").send(body);
  });
  return { app, mailbox };
}
