// The setup step: before anything syncs, the user sees each book (whose it is, what they may do
// with it), switches it on or off and picks its Outlook folder from the folders that exist, or a new
// folder with a suggested name no existing folder has. Nothing here touches Outlook or the server:
// the pane lists the folders, these functions decide what to show and what to save.
import type { ContactFolder, OutlookContactStore } from "../outlook/outlook-store";
import type { Book } from "../server-api";
import { defaultFolderNames } from "./folder-pairs";
import { isDecided, pairSettingsOf, type PairSettings, type PaneSettings } from "./pane-settings";

export type FolderPick = { kind: "existing"; folderId: string; name: string } | { kind: "new"; name: string };
/** `newName`: the new folder the picker offers this book, whatever is picked now. */
export type SetupRow = { bookId: string; enabled: boolean; folder: FolderPick; newName: string };

/** "Contacts — Bob Berg, shared with you, read-only": whose book, and what the user may do with it. */
export function describeBook(book: Book, username: string): string {
  return `${book.name} — ${ownerWords(book, username)}, ${book.access === "write" ? "read & write" : "read-only"}`;
}

export function ownerWords(book: Book, username: string): string {
  if (book.kind === "gab") return "everyone's, from your organisation";
  if (book.kind === "directory") return "the server's user directory";
  if (book.owner === null || book.owner === username) return "yours";
  return `${book.ownerName || book.owner}, shared with you`;
}

/** A name no existing folder and no other new folder has, case-insensitively. */
function distinctName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n})`;
  used.add(name.toLowerCase());
  return name;
}

/**
 * The rows of the setup step for `books` (those the user has not decided on, or one whose folder
 * they change): switched on, each into a new folder of a distinct name. A new folder, never an
 * existing one of the same name, is the default: an old folder may hold contacts of an earlier
 * install, and pairing it is a choice the user makes by picking it.
 */
export function initialSetup(books: Book[], allBooks: Book[], folders: ContactFolder[], username: string): SetupRow[] {
  const defaults = defaultFolderNames(allBooks, username);
  const used = new Set(folders.map((f) => f.name.toLowerCase()));
  return books.map((book) => {
    const newName = distinctName(defaults.get(book.id) ?? book.name, used);
    return { bookId: book.id, enabled: true, folder: { kind: "new", name: newName }, newName };
  });
}

/** The folders the setup offers: the main Contacts folder (when the store can name it), then its subfolders. */
export async function foldersForSetup(
  store: Pick<OutlookContactStore<unknown>, "listFolders" | "mainFolder">,
): Promise<ContactFolder[]> {
  const [main, subfolders] = await Promise.all([store.mainFolder(), store.listFolders()]);
  return main ? [{ ...main, main: true }, ...subfolders.filter((f) => f.id !== main.id)] : subfolders;
}

/** Books the setup step asks about: every listed book nobody decided on yet. */
export const undecidedBooks = (books: Book[], settings: PaneSettings): Book[] =>
  books.filter((book) => !isDecided(settings.pairs[book.id]));

export type FolderOption = { value: string; label: string; pick: FolderPick };

/**
 * What the folder picker of one row offers: its new folder, then the existing folders no other
 * book syncs with (the pairs saved, and the other rows' picks), the main Contacts folder first
 * (the pane lists it with its subfolders: foldersForSetup). A first sync into a folder that holds
 * contacts matches them instead of duplicating them, and its result says how many.
 */
export function folderOptions(
  row: SetupRow,
  rows: SetupRow[],
  folders: ContactFolder[],
  settings: PaneSettings,
): FolderOption[] {
  const takenByOthers = new Set<string>();
  for (const [bookId, pair] of Object.entries(settings.pairs)) {
    if (bookId !== row.bookId && pair.folderId && pair.enabled !== false) takenByOthers.add(pair.folderId);
  }
  for (const other of rows)
    if (other.bookId !== row.bookId && other.enabled && other.folder.kind === "existing")
      takenByOthers.add(other.folder.folderId);
  const options: FolderOption[] = [
    { value: "new", label: `New folder “${row.newName}”`, pick: { kind: "new", name: row.newName } },
  ];
  for (const folder of folders) {
    if (!takenByOthers.has(folder.id))
      options.push({
        value: folder.id,
        label: folder.main ? `${folder.name} (your main Outlook contacts)` : folder.name,
        pick: { kind: "existing", folderId: folder.id, name: folder.name },
      });
  }
  return options;
}

/** The pairs the setup saves on "Start syncing": an existing folder by id; a new one by name, made on its first sync. */
export function pairsFromSetup(rows: SetupRow[], settings: PaneSettings): Record<string, PairSettings> {
  const pairs: Record<string, PairSettings> = {};
  for (const row of rows) {
    const { policy } = pairSettingsOf(settings, row.bookId);
    if (!row.enabled) pairs[row.bookId] = { policy, enabled: false };
    else if (row.folder.kind === "existing")
      pairs[row.bookId] = { policy, enabled: true, folderId: row.folder.folderId, folderName: row.folder.name };
    else pairs[row.bookId] = { policy, enabled: true, folderName: row.folder.name };
  }
  return pairs;
}

/** What stops "Start syncing": two books in one folder. */
export function setupProblem(rows: SetupRow[], books: Book[]): string | undefined {
  const seen = new Map<string, string>();
  for (const row of rows) {
    if (!row.enabled) continue;
    const key = row.folder.kind === "existing" ? `id:${row.folder.folderId}` : `name:${row.folder.name.toLowerCase()}`;
    const name = books.find((b) => b.id === row.bookId)?.name ?? row.bookId;
    const other = seen.get(key);
    if (other)
      return `${other} and ${name} cannot share the folder “${row.folder.name}”. Pick another folder for one of them.`;
    seen.set(key, name);
  }
  return undefined;
}
