// Sync reports, maintenance runs and book sizes in memory, answering as the database store does.
import { byNewest, checkReportRoom, keptActivity } from "../activity";
import type { Activity, BookSize, BookStore, ContactRecovery, ContactStore, JobRun, SyncActivity } from "../contract";

export function createMemoryActivity(books: BookStore, contacts: ContactStore & ContactRecovery): Activity {
  const reports = new Map<string, SyncActivity>();
  const runs = new Map<string, JobRun>();

  async function sizeOf(book: string): Promise<BookSize> {
    const size = { book, contacts: 0, tombstones: 0 };
    let cursor: string | undefined;
    do {
      const page = await contacts.listContacts(book, cursor, 1000);
      size.contacts += page.contacts.length;
      cursor = page.cursor ?? undefined;
    } while (cursor);
    do {
      const page = await contacts.deletedItems(book, 1000, cursor);
      size.tombstones += page.deleted.length;
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return size;
  }

  return {
    async reportSync(user, report) {
      const key = JSON.stringify([user, report.device, report.pair]);
      const kept = reports.get(key);
      if (!kept) checkReportRoom([...reports.values()].filter((r) => r.user === user).length);
      reports.set(key, keptActivity(kept, user, report));
    },
    async forgetUser(user) {
      for (const [key, r] of reports) if (r.user === user) reports.delete(key);
    },
    async syncActivity(user) {
      return [...reports.values()].filter((r) => !user || r.user === user).sort(byNewest);
    },
    async recordJobRun(run) {
      runs.set(run.job, { ...run });
    },
    async jobRuns() {
      return [...runs.values()].sort((a, b) => a.job.localeCompare(b.job));
    },
    async bookSizes() {
      const sizes = await Promise.all((await books.allBookIds()).map(sizeOf));
      return sizes
        .filter((s) => s.contacts + s.tombstones > 0)
        .sort((a, b) => b.contacts - a.contacts || a.book.localeCompare(b.book));
    },
  };
}
