// The one interface the task pane's sync uses for the Outlook side. Two
// implementations: Microsoft Graph (Microsoft 365, Exchange Online) and EWS via
// Office.context.mailbox.makeEwsRequestAsync (Exchange on-premises).
// Items travel in their wire form (Graph contact JSON or EWS Contact XML); the
// mapping to the Contact model is core's job (core/graph-contact, core/ews-contact).

export type ContactFolder = { id: string; name: string };

/** One Outlook contact as the server sent it, with the id and version Outlook gave it. */
export type OutlookItem<Wire> = {
  id: string;
  changeKey: string;
  lastModified?: string;
  /** The Concord uid stored on the item as a single-value extended property, if any. */
  concordUid?: string;
  wire: Wire;
};

export type FolderRead<Wire> = {
  /** Items new or changed since `state` (every item when `full`). */
  items: OutlookItem<Wire>[];
  /** Ids deleted since `state`; empty when `full`. */
  removed: string[];
  /** true when this is a whole-folder read: ids not in `items` are gone. */
  full: boolean;
  /** Opaque state to pass to the next read (a Graph deltaLink, or EWS high-water marks). */
  state: string;
};

export type OutlookContactStore<Wire> = {
  kind: "graph" | "ews";
  listFolders(): Promise<ContactFolder[]>;
  /** The folder with this display name, created when missing. */
  ensureFolder(name: string): Promise<ContactFolder>;
  /** Reads changes since `state`, or the whole folder when state is undefined or expired. */
  readFolder(folderId: string, state?: string, onProgress?: (read: number) => void): Promise<FolderRead<Wire>>;
  create(folderId: string, wire: Wire, concordUid: string): Promise<OutlookItem<Wire>>;
  update(id: string, wire: Wire, concordUid: string, changeKey?: string): Promise<OutlookItem<Wire>>;
  remove(id: string): Promise<void>;
};
