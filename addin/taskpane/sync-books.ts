// "Sync now" for the pane: each book in turn, into the Outlook folder it is paired with (paired on
// its first sync, see folder-pairs.ts). One book's failure is reported on that book and the others
// still sync; an expired session stops all.
import type { Book, ServerApi } from "../server-api";
import { ServerApiError } from "../server-api";
import { syncPair, type ConfirmedDeletes, type OutlookConnection, type SyncOutcome, type SyncProgress } from "../sync/sync-session";
import { defaultFolderNames, folderFor, pairedFolders } from "./folder-pairs";
import { pairSettingsOf, type PairSettings, type PaneSettings } from "./pane-settings";
import { plainError } from "./plain-words";

export type BookResult = { bookId: string; outcome?: SyncOutcome; error?: string; at: string };

export type SyncBooksRequest = {
  api: ServerApi;
  outlook: OutlookConnection;
  deviceId: string;
  admin: boolean;
  /** The signed-in user: books they own keep their name as folder name, others name their owner. */
  username: string;
  books: Book[];
  /** Every book the pane lists, for distinct default folder names (default: `books`). */
  allBooks?: Book[];
  settings: PaneSettings;
  dryRun?: boolean;
  /** "Replace the GAB with this folder" (admins, one book). */
  mode?: "publish";
  /** The deletions the user confirmed in the dialog (one book). */
  confirmedDeletes?: ConfirmedDeletes;
  now?: () => Date;
  onProgress?: (bookId: string, progress: SyncProgress) => void;
  /** A book was paired with a folder: save it before anything is written to the folder. */
  onPaired?: (bookId: string, pair: PairSettings) => Promise<void> | void;
};

export type SyncBooksRun = { results: BookResult[]; sessionExpired: boolean; pairs: Record<string, PairSettings> };

export async function syncBooks(request: SyncBooksRequest): Promise<SyncBooksRun> {
  const now = request.now ?? (() => new Date());
  const results: BookResult[] = [];
  const pairs: Record<string, PairSettings> = {};
  const listed = request.allBooks ?? request.books;
  const names = defaultFolderNames(listed, request.username);
  const taken = pairedFolders(request.settings, listed);
  for (const book of request.books) {
    try {
      const settings = { ...request.settings, pairs: { ...request.settings.pairs, ...pairs } };
      const folder = await folderFor(request.outlook.store, settings, book, names.get(book.id) ?? book.name, taken);
      if (folder.newPair) {
        pairs[book.id] = folder.newPair;
        taken.set(folder.folderId, book);
        await request.onPaired?.(book.id, folder.newPair);
      }
      const outcome = await syncPair({
        api: request.api,
        outlook: request.outlook,
        deviceId: request.deviceId,
        book,
        admin: request.admin,
        folderId: folder.folderId,
        mode: request.mode,
        policy: pairSettingsOf(settings, book.id).policy,
        dryRun: request.dryRun,
        confirmedDeletes: request.confirmedDeletes,
        onProgress: (progress) => request.onProgress?.(book.id, progress),
      });
      results.push({ bookId: book.id, outcome, at: now().toISOString() });
    } catch (error) {
      results.push({ bookId: book.id, error: plainError(error), at: now().toISOString() });
      if (error instanceof ServerApiError && error.kind === "session-expired") return { results, sessionExpired: true, pairs };
    }
  }
  return { results, sessionExpired: false, pairs };
}
