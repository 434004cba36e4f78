import { Caption1, MessageBar, MessageBarBody, ProgressBar, Text } from "@fluentui/react-components";
import type { Book } from "../server-api";
import type { SyncProgress } from "../sync/sync-session";
import type { BookResult } from "./sync-books";
import { describeCounts, describeRefusal, describeUnsynced } from "./plain-words";

const phaseLabel: Record<SyncProgress["phase"], string> = {
  loading: "Loading the last sync",
  "reading-outlook": "Reading Outlook",
  "reading-server": "Reading the server",
  planning: "Comparing",
  writing: "Writing",
  saving: "Saving progress",
};

export function progressText(bookName: string, progress: SyncProgress): string {
  const counts = progress.total !== undefined ? ` ${progress.done} of ${progress.total}` : progress.done ? ` (${progress.done})` : "";
  return `${bookName}: ${phaseLabel[progress.phase]}${counts}`;
}

export function SyncProgressView({ bookName, progress }: { bookName: string; progress: SyncProgress }) {
  const value = progress.total ? progress.done / progress.total : undefined;
  return (
    <div>
      <Caption1>{progressText(bookName, progress)}</Caption1>
      <ProgressBar value={value} thickness="large" />
    </div>
  );
}

const show = (value: unknown) => (value === undefined || value === null || value === "" ? "(empty)" : typeof value === "string" ? value : JSON.stringify(value));

const unsyncedOf = (result: BookResult) => result.outcome?.plan?.unsynced ?? [];

export function SyncResults({ results, books }: { results: BookResult[]; books: Book[] }) {
  const nameOf = (id: string) => books.find((b) => b.id === id)?.name ?? id;
  return (
    <section style={{ display: "flex", flexDirection: "column", gap: 8 }} aria-label="Sync results">
      {results.map((result) => (
        <div key={result.bookId} data-result={result.bookId}>
          <Text weight="semibold">{nameOf(result.bookId)}</Text>
          {result.error && (
            <MessageBar intent="error">
              <MessageBarBody>{result.error}</MessageBarBody>
            </MessageBar>
          )}
          {result.outcome && (
            <div>
              {result.outcome.kind === "preview" && <Caption1>Preview only: nothing was changed.</Caption1>}
              {result.outcome.kind === "needs-confirmation" && <Caption1>Waiting for your confirmation: {result.outcome.refusals.map(describeRefusal).join(" ")}</Caption1>}
              <div>Outlook: {describeCounts(result.outcome.counts.outlook)}</div>
              <div>Server: {describeCounts(result.outcome.counts.server)}</div>
              {result.outcome.conflicts.map((c, i) => (
                <div key={i}>
                  Conflict in {c.name}, {c.field}: Outlook had “{show(c.outlook)}”, the server had “{show(c.server)}”; {c.winner === "outlook" ? "Outlook" : "the server"} won.
                </div>
              ))}
              {unsyncedOf(result).length > 0 && <div data-unsynced>{describeUnsynced(unsyncedOf(result))}</div>}
              {result.outcome.errors.map((e, i) => (
                <div key={`e${i}`}>Not synced ({e.side === "outlook" ? "Outlook" : "server"}): {e.message}</div>
              ))}
            </div>
          )}
        </div>
      ))}
    </section>
  );
}
