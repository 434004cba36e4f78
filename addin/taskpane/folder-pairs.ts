// Which Outlook folder each book syncs with. A book is paired with a folder once, by the folder's
// id, recorded in the pane settings; from then on the id is used, never the name. Folder names are
// not unique (every mailbox's own book is "Contacts", so a colleague's shared "Contacts" has the
// same name as the user's), which is why default names say whose book it is and why two books
// are never paired with one folder.
import type { Book } from "../server-api";
import type { OutlookContactStore } from "../outlook/outlook-store";
import { pairSettingsOf, type PairSettings, type PaneSettings } from "./pane-settings";

/** Distinct default folder names: own books keep their name, a shared book names its owner. */
export function defaultFolderNames(books: Book[], username: string): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const book of books) {
    const base = baseName(book, username);
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    used.add(name.toLowerCase());
    names.set(book.id, name);
  }
  return names;
}

function baseName(book: Book, username: string): string {
  if (book.kind === "gab") return "Global Address Book";
  if (book.kind !== "pab" || book.owner === null || book.owner === username) return book.name;
  return `${book.name} (${book.ownerName || book.owner})`;
}

export class FolderTakenError extends Error {
  constructor(folderName: string, otherBook: string) {
    super(
      `The Outlook folder “${folderName}” already syncs with ${otherBook}; two address books cannot share one folder. Choose another folder name for this book.`,
    );
    this.name = "FolderTakenError";
  }
}

export type FolderChoice = { folderId: string; newPair?: PairSettings };

/**
 * The folder a book syncs with: its paired folder, or else the folder of the chosen (or default)
 * name, created when missing, as a new pair. `taken` maps each paired folder id to its book.
 */
export async function folderFor(
  store: Pick<OutlookContactStore<unknown>, "ensureFolder">,
  settings: PaneSettings,
  book: Book,
  defaultName: string,
  taken: Map<string, PairedBook>,
): Promise<FolderChoice> {
  const pair = pairSettingsOf(settings, book.id);
  const claimedBy = (folderId: string) => {
    const other = taken.get(folderId);
    return other && other.id !== book.id ? other : undefined;
  };
  if (pair.folderId) {
    const other = claimedBy(pair.folderId);
    if (other) throw new FolderTakenError(pair.folderName ?? defaultName, other.name);
    return { folderId: pair.folderId };
  }
  const folder = await store.ensureFolder(pair.folderName?.trim() || defaultName);
  const other = claimedBy(folder.id);
  if (other) throw new FolderTakenError(folder.name, other.name);
  return { folderId: folder.id, newPair: { ...pair, folderId: folder.id, folderName: folder.name } };
}

export type PairedBook = { id: string; name: string };

/** Folder id → the book paired with it. A book no longer listed keeps its folder: it holds its contacts. */
export function pairedFolders(settings: PaneSettings, books: Book[]): Map<string, PairedBook> {
  const taken = new Map<string, PairedBook>();
  for (const [id, pair] of Object.entries(settings.pairs)) {
    if (pair.folderId && !taken.has(pair.folderId))
      taken.set(pair.folderId, { id, name: books.find((b) => b.id === id)?.name ?? id });
  }
  return taken;
}
