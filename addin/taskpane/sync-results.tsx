import { Button, Caption1, MessageBar, MessageBarBody, ProgressBar, Text } from "@fluentui/react-components";
import type { Book } from "../server-api";
import type { SyncProgress } from "../sync/sync-session";
import type { BookResult } from "./sync-books";
import {
  contactText,
  previewLines,
  describeCounts,
  describeMatched,
  describeRefusal,
  describeReverted,
  describeUnsynced,
  fieldLabel,
} from "./plain-words";

const phaseLabel: Record<SyncProgress["phase"], string> = {
  loading: "Loading the last sync",
  "reading-outlook": "Reading Outlook",
  "reading-server": "Reading the server",
  planning: "Comparing",
  writing: "Writing",
  saving: "Saving progress",
};

export function progressText(bookName: string, progress: SyncProgress): string {
  const counts =
    progress.total !== undefined
      ? ` ${progress.done} of ${progress.total}`
      : progress.done
        ? ` (${progress.done})`
        : "";
  return `${bookName}: ${phaseLabel[progress.phase]}${counts}`;
}

export type Overall = { index: number; count: number };

/** Overall ("Book 2 of 4") and per book, with Cancel, which stops after the chunk being written. */
export function SyncProgressView(props: {
  bookName: string;
  progress: SyncProgress;
  overall?: Overall;
  stopping?: boolean;
  onCancel?(): void;
}) {
  const { bookName, progress, overall, stopping, onCancel } = props;
  const value = progress.total ? progress.done / progress.total : undefined;
  return (
    <div data-progress style={{ display: "flex", flexDirection: "column", gap: 4 }}>
      {overall && overall.count > 1 && (
        <Caption1>
          Book {overall.index} of {overall.count}
        </Caption1>
      )}
      <Caption1>{progressText(bookName, progress)}</Caption1>
      <ProgressBar value={value} thickness="large" />
      {onCancel && (
        <Button size="small" disabled={stopping} onClick={onCancel} style={{ alignSelf: "flex-start" }}>
          {stopping ? "Stopping after this step…" : "Cancel"}
        </Button>
      )}
    </div>
  );
}

function Reverted({ edits }: { edits: NonNullable<BookResult["outcome"]>["reverted"] }) {
  if (!edits.length) return null;
  return (
    <div data-reverted>
      <MessageBar intent="warning">
        <MessageBarBody>{describeReverted(edits.map((e) => e.name))}</MessageBarBody>
      </MessageBar>
      {edits.slice(0, 50).map((edit) => (
        <div key={edit.uid} style={{ marginTop: 4 }}>
          <pre style={{ whiteSpace: "pre-wrap", margin: 0, fontSize: 12 }}>{contactText(edit.contact)}</pre>
          <Button size="small" onClick={() => void navigator.clipboard?.writeText(contactText(edit.contact))}>
            Copy {edit.name}
          </Button>
        </div>
      ))}
    </div>
  );
}

const show = (value: unknown) =>
  value === undefined || value === null || value === ""
    ? "(empty)"
    : typeof value === "string"
      ? value
      : JSON.stringify(value);

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
              {result.outcome.kind === "preview" &&
                previewLines(result.outcome.plan).map((line) => (
                  <div key={`${line.side}-${line.change}`} data-preview={`${line.side}-${line.change}`}>
                    {line.text}
                  </div>
                ))}
              {result.outcome.kind === "stopped" && (
                <Caption1>Cancelled: what was written is kept; the rest syncs next time.</Caption1>
              )}
              {result.outcome.kind === "needs-confirmation" && (
                <Caption1>
                  Waiting for your confirmation: {result.outcome.refusals.map(describeRefusal).join(" ")}
                </Caption1>
              )}
              <div>Outlook: {describeCounts(result.outcome.counts.outlook)}</div>
              <div>Server: {describeCounts(result.outcome.counts.server)}</div>
              {result.outcome.conflicts.map((c, i) => (
                <div key={i}>
                  Conflict in {c.name}, {fieldLabel(c.field)}: Outlook had “{show(c.outlook)}”, the server had “
                  {show(c.server)}”; {c.winner === "outlook" ? "Outlook" : "the server"} won.
                </div>
              ))}
              {(result.outcome.matched ?? 0) > 0 && <div data-matched>{describeMatched(result.outcome.matched)}</div>}
              <Reverted edits={result.outcome.reverted ?? []} />
              {unsyncedOf(result).length > 0 && <div data-unsynced>{describeUnsynced(unsyncedOf(result))}</div>}
              {result.outcome.errors.map((e, i) => (
                <div key={`e${i}`}>
                  Not synced ({e.side === "outlook" ? "Outlook" : "server"}): {e.message}
                </div>
              ))}
            </div>
          )}
        </div>
      ))}
    </section>
  );
}
