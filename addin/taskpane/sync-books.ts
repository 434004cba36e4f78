// "Sync now" for the pane: each book in turn, into its Outlook folder (created when missing).
// One book's failure is reported on that book and the others still sync; an expired session stops all.
import type { Book, ServerApi } from "../server-api";
import { ServerApiError } from "../server-api";
import { syncPair, type OutlookConnection, type SyncOutcome, type SyncProgress } from "../sync/sync-session";
import { pairSettingsOf, type PaneSettings } from "./pane-settings";
import { plainError } from "./plain-words";

export type BookResult = { bookId: string; outcome?: SyncOutcome; error?: string; at: string };

export type SyncBooksRequest = {
  api: ServerApi;
  outlook: OutlookConnection;
  deviceId: string;
  admin: boolean;
  books: Book[];
  settings: PaneSettings;
  dryRun?: boolean;
  confirmDeletes?: boolean;
  now?: () => Date;
  onProgress?: (bookId: string, progress: SyncProgress) => void;
};

export const folderNameFor = (settings: PaneSettings, book: Book) => pairSettingsOf(settings, book.id).folderName?.trim() || book.name;

export async function syncBooks(request: SyncBooksRequest): Promise<{ results: BookResult[]; sessionExpired: boolean }> {
  const now = request.now ?? (() => new Date());
  const results: BookResult[] = [];
  for (const book of request.books) {
    try {
      const folder = await request.outlook.store.ensureFolder(folderNameFor(request.settings, book));
      const outcome = await syncPair({
        api: request.api,
        outlook: request.outlook,
        deviceId: request.deviceId,
        book,
        admin: request.admin,
        folderId: folder.id,
        policy: pairSettingsOf(request.settings, book.id).policy,
        dryRun: request.dryRun,
        confirmDeletes: request.confirmDeletes,
        onProgress: (progress) => request.onProgress?.(book.id, progress),
      });
      results.push({ bookId: book.id, outcome, at: now().toISOString() });
    } catch (error) {
      results.push({ bookId: book.id, error: plainError(error), at: now().toISOString() });
      if (error instanceof ServerApiError && error.kind === "session-expired") return { results, sessionExpired: true };
    }
  }
  return { results, sessionExpired: false };
}
