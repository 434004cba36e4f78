// The one interface the task pane's sync uses for the Outlook side. Two
// implementations: Microsoft Graph (Microsoft 365, Exchange Online) and EWS via
// Office.context.mailbox.makeEwsRequestAsync (Exchange on-premises).
// Items travel in their wire form (Graph contact JSON or EWS Contact XML); the
// mapping to the Contact model is core's job (core/formats/outlook/graph-contact, core/formats/outlook/ews-contact).

/** `main`: the user's main (default) Contacts folder, which every mailbox has. */
export type ContactFolder = { id: string; name: string; main?: boolean };

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
  /**
   * Ids deleted since `state`; empty when `full`. Every id here is known gone: confirmed
   * by reading it directly (EWS GetItem), or reported deleted by the server (Graph delta).
   */
  removed: string[];
  /**
   * true when this is a whole-folder read: ids not in `items` are gone.
   * false for an incremental read, and also for a read that could not see the whole folder
   * reliably (EWS offset paging shifted by a concurrent create/delete): then `items` holds
   * what was read, `removed` only confirmed deletions (possibly none), and an id absent
   * from both says nothing — callers must not treat it as deleted.
   */
  full: boolean;
  /** Opaque state to pass to the next read (a Graph deltaLink, or EWS high-water marks). */
  state: string;
};

export type OutlookContactStore<Wire> = {
  kind: "graph" | "ews";
  /** The subfolders of the user's main (default) Contacts folder. */
  listFolders(): Promise<ContactFolder[]>;
  /**
   * The main Contacts folder itself, by its real id (items name their folder by it), so that a book
   * can be paired with it; undefined when the store cannot find it out (Graph: see graph-store.ts).
   */
  mainFolder(): Promise<ContactFolder | undefined>;
  /** The folder with this display name, created when missing. */
  ensureFolder(name: string): Promise<ContactFolder>;
  /** Reads changes since `state`, or the whole folder when state is undefined or expired. */
  readFolder(folderId: string, state?: string, onProgress?: (read: number) => void): Promise<FolderRead<Wire>>;
  /**
   * Reads these ids directly (Graph GET by id, EWS GetItem). `missing`: ids that no longer
   * exist, or that now live in another folder (moved, or in Deleted Items).
   */
  getItems(folderId: string, ids: string[]): Promise<{ items: OutlookItem<Wire>[]; missing: string[] }>;
  /**
   * Idempotent per (folder, concordUid): when the folder already holds an item carrying this
   * Concord uid (a retried or concurrent create), that item is updated with `wire` and
   * returned instead of a second one being created.
   */
  create(folderId: string, wire: Wire, concordUid: string): Promise<OutlookItem<Wire>>;
  /** Never overwrites a newer Outlook edit: with a changeKey, a conflict throws (a per-item error). */
  update(id: string, wire: Wire, concordUid: string, changeKey?: string): Promise<OutlookItem<Wire>>;
  remove(id: string): Promise<void>;
};
