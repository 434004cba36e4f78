// "Sync now" for the pane: each book in turn, into the Outlook folder it is paired with (paired on
// its first sync, see folder-pairs.ts). One book's failure is reported on that book and the others
// still sync; an expired session stops all.
import type { Book, ServerApi } from "../server-api";
import { ServerApiError } from "../server-api";
import {
  syncPair,
  type ConfirmedDeletes,
  type OutlookConnection,
  type SyncOutcome,
  type SyncProgress,
} from "../sync/sync-session";
import { defaultFolderNames, folderFor, pairedFolders } from "./folder-pairs";
import { isEnabled, pairSettingsOf, type PairSettings, type PaneSettings } from "./pane-settings";
import { plainError } from "./plain-words";
import { pairId } from "../sync/pair-state";

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
  /** `index` of `count`: "book 2 of 4". */
  onProgress?: (bookId: string, progress: SyncProgress, overall: { index: number; count: number }) => void;
  /** Cancel: true stops after the current chunk of the current book; later books are not started. */
  shouldStop?: () => boolean;
  /** A book was paired with a folder: save it before anything is written to the folder. */
  onPaired?: (bookId: string, pair: PairSettings) => Promise<void> | void;
};

export type SyncBooksRun = {
  results: BookResult[];
  sessionExpired: boolean;
  pairs: Record<string, PairSettings>;
  stopped: boolean;
};

/** The books that sync: those the user switched on in the setup step (or paired before it existed). */
export const enabledBooks = (books: Book[], settings: PaneSettings): Book[] =>
  books.filter((b) => isEnabled(settings.pairs[b.id]));

export async function syncBooks(request: SyncBooksRequest): Promise<SyncBooksRun> {
  const now = request.now ?? (() => new Date());
  const results: BookResult[] = [];
  const pairs: Record<string, PairSettings> = {};
  const listed = request.allBooks ?? request.books;
  const names = defaultFolderNames(listed, request.username);
  const taken = pairedFolders(request.settings, listed);
  const books = enabledBooks(request.books, request.settings);
  for (const [index, book] of books.entries()) {
    if (request.shouldStop?.()) return { results, sessionExpired: false, pairs, stopped: true };
    let pair: string | undefined;
    try {
      const settings = { ...request.settings, pairs: { ...request.settings.pairs, ...pairs } };
      const folder = await folderFor(request.outlook.store, settings, book, names.get(book.id) ?? book.name, taken);
      if (folder.newPair) {
        pairs[book.id] = folder.newPair;
        taken.set(folder.folderId, book);
        await request.onPaired?.(book.id, folder.newPair);
      }
      pair = pairId(book.id, folder.folderId);
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
        onProgress: (progress) => request.onProgress?.(book.id, progress, { index: index + 1, count: books.length }),
        shouldStop: request.shouldStop,
      });
      results.push({ bookId: book.id, outcome, at: now().toISOString() });
      if (outcome.kind === "synced" || outcome.kind === "stopped")
        await reportSync(request, book, pair, outcome.kind, outcomeCounts(outcome));
      if (outcome.kind === "stopped") return { results, sessionExpired: false, pairs, stopped: true };
    } catch (error) {
      results.push({ bookId: book.id, error: plainError(error), at: now().toISOString() });
      if (error instanceof ServerApiError && error.kind === "session-expired")
        return { results, sessionExpired: true, pairs, stopped: false };
      if (pair) await reportSync(request, book, pair, "failed", noCounts, plainError(error));
    }
  }
  return { results, sessionExpired: false, pairs, stopped: false };
}

const noSide = { created: 0, updated: 0, deleted: 0 };
const noCounts = { outlook: noSide, server: noSide, conflicts: 0, errors: 0 };
const outcomeCounts = (outcome: SyncOutcome) => ({
  outlook: outcome.counts.outlook,
  server: outcome.counts.server,
  conflicts: outcome.conflicts.length,
  errors: outcome.errors.length,
});

/** Tells the server how the book's sync ended (its administrators' sync activity page). A report
 *  that does not arrive (an older server, a lost connection) never fails the sync. */
async function reportSync(
  request: SyncBooksRequest,
  book: Book,
  pair: string,
  result: "synced" | "stopped" | "failed",
  counts: typeof noCounts,
  message?: string,
) {
  const now = request.now ?? (() => new Date());
  const report = { device: request.deviceId, pair, book: book.id, finishedAt: now().toISOString(), result, counts };
  await request.api
    .reportSync(message === undefined ? report : { ...report, message: message.slice(0, 1000) })
    .catch(() => undefined);
}
