import { Badge, Button, Caption1, Card, Dropdown, Field, Option, Text } from "@fluentui/react-components";
import type { ConflictPolicy } from "../../core/sync/sync-types";
import type { Book } from "../server-api";
import { modeFor } from "../../core/sync/mode";
import { conflictPolicies, isEnabled, pairSettingsOf, type PairSettings, type PaneSettings } from "./pane-settings";
import { modeLabel } from "./plain-words";
import { ownerWords } from "./setup";
import type { BookResult } from "./sync-books";

const policyLabel: Record<ConflictPolicy, string> = {
  "server-wins": "Server wins",
  "outlook-wins": "Outlook wins",
  "newest-wins": "Newest wins",
};

export function accessBadge(
  book: Book,
  admin: boolean,
): { text: string; color: "success" | "informative" | "important" } {
  if (book.kind === "gab" && admin && book.access === "write")
    return { text: "Read & write (admin)", color: "important" };
  return book.access === "write"
    ? { text: "Read & write", color: "success" }
    : { text: "Read-only", color: "informative" };
}

/** Only an admin may make the GAB a copy of a folder, and only by asking for it. */
export const canReplace = (book: Book, admin: boolean) => admin && book.kind === "gab" && book.access === "write";

export type BookListProps = {
  books: Book[];
  admin: boolean;
  username: string;
  settings: PaneSettings;
  busy?: boolean;
  /** The last result per book, for "Last synced". */
  results?: BookResult[];
  onPairChange(bookId: string, pair: PairSettings): void;
  /** Opens the setup step for this book: switch it on or off, pick another folder. */
  onChangeFolder?(bookId: string): void;
  /** "Replace the GAB with this folder": a dry run in publish mode, then a dialog naming what goes. */
  onReplace?(bookId: string): void;
};

export function BookList({
  books,
  admin,
  username,
  settings,
  busy,
  results = [],
  onPairChange,
  onChangeFolder,
  onReplace,
}: BookListProps) {
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 8 }}>
      {books.map((book) => {
        const pair = pairSettingsOf(settings, book.id);
        const mode = modeFor(book);
        const badge = accessBadge(book, admin);
        const enabled = isEnabled(settings.pairs[book.id]);
        const last = results.find((r) => r.bookId === book.id);
        return (
          <Card key={book.id} data-book={book.id} size="small">
            <div
              style={{
                display: "flex",
                justifyContent: "space-between",
                alignItems: "flex-start",
                gap: 8,
                flexWrap: "wrap",
              }}
            >
              <Text weight="semibold" style={{ minWidth: 0, overflowWrap: "anywhere" }}>
                {book.name}
              </Text>
              <Badge appearance="tint" color={badge.color} style={{ flexShrink: 0 }}>
                {badge.text}
              </Badge>
            </div>
            <Caption1>Owner: {ownerWords(book, username)}</Caption1>
            <Caption1>Mode: {modeLabel[mode]}</Caption1>
            <Caption1 data-folder>{folderText(enabled, pair)}</Caption1>
            {last && <Caption1 data-last>{lastSyncText(last)}</Caption1>}
            {onChangeFolder && (
              <Button
                size="small"
                appearance="subtle"
                disabled={busy}
                style={{ alignSelf: "flex-start" }}
                onClick={() => onChangeFolder(book.id)}
              >
                {enabled ? "Change folder" : "Set up syncing"}
              </Button>
            )}
            {enabled && mode === "two-way" && (
              <Field label="When both sides changed a field" size="small">
                <Dropdown
                  size="small"
                  value={policyLabel[pair.policy]}
                  selectedOptions={[pair.policy]}
                  style={{ minWidth: 0 }}
                  onOptionSelect={(_e, d) =>
                    d.optionValue && onPairChange(book.id, { ...pair, policy: d.optionValue as ConflictPolicy })
                  }
                >
                  {conflictPolicies.map((policy) => (
                    <Option key={policy} value={policy}>
                      {policyLabel[policy]}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
            )}
            {enabled && canReplace(book, admin) && onReplace && (
              <Button
                size="small"
                disabled={busy}
                style={{ alignSelf: "flex-start" }}
                onClick={() => onReplace(book.id)}
              >
                Replace the GAB with this folder
              </Button>
            )}
          </Card>
        );
      })}
    </div>
  );
}

/** The folder line of a card: paired (by id), to be made on the first sync, or not synced. */
export function folderText(enabled: boolean, pair: PairSettings): string {
  if (!enabled) return "Not synced";
  if (pair.folderId) return `Folder: “${pair.folderName ?? "(renamed)"}”`;
  return `Folder: “${pair.folderName ?? ""}” (new, made on the first sync)`;
}

/** "Last synced 10:42: 3 added, …" in the user's words, or what went wrong. */
export function lastSyncText(result: BookResult): string {
  const when = new Date(result.at).toLocaleString();
  if (result.error) return `Last sync ${when}: failed — ${result.error}`;
  const outcome = result.outcome;
  if (!outcome) return `Last sync ${when}`;
  const words: Record<typeof outcome.kind, string> = {
    synced: outcome.errors.length ? `done, ${outcome.errors.length} not synced` : "done",
    preview: "preview only, nothing changed",
    "needs-confirmation": "waiting for your confirmation",
    stopped: "cancelled, the rest syncs next time",
  };
  return `Last sync ${when}: ${words[outcome.kind]}`;
}
