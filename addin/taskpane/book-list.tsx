import { Badge, Button, Caption1, Card, Dropdown, Field, Input, Option, Text } from "@fluentui/react-components";
import type { ConflictPolicy } from "../../core/sync/sync-types";
import type { Book } from "../server-api";
import { modeFor } from "../../core/sync/mode";
import { defaultFolderNames } from "./folder-pairs";
import { conflictPolicies, pairSettingsOf, type PairSettings, type PaneSettings } from "./pane-settings";
import { modeLabel } from "./plain-words";

const policyLabel: Record<ConflictPolicy, string> = { "server-wins": "Server wins", "outlook-wins": "Outlook wins", "newest-wins": "Newest wins" };

export function accessBadge(book: Book, admin: boolean): { text: string; color: "success" | "informative" | "important" } {
  if (book.kind === "gab" && admin && book.access === "write") return { text: "Read & write (admin)", color: "important" };
  return book.access === "write" ? { text: "Read & write", color: "success" } : { text: "Read-only", color: "informative" };
}

/** Only an admin may make the GAB a copy of a folder, and only by asking for it. */
export const canReplace = (book: Book, admin: boolean) => admin && book.kind === "gab" && book.access === "write";

export type BookListProps = {
  books: Book[];
  admin: boolean;
  username: string;
  settings: PaneSettings;
  busy?: boolean;
  onPairChange(bookId: string, pair: PairSettings): void;
  /** "Replace the GAB with this folder": a dry run in publish mode, then a dialog naming what goes. */
  onReplace?(bookId: string): void;
};

export function BookList({ books, admin, username, settings, busy, onPairChange, onReplace }: BookListProps) {
  const defaults = defaultFolderNames(books, username);
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 8 }}>
      {books.map((book) => {
        const pair = pairSettingsOf(settings, book.id);
        const mode = modeFor(book);
        const badge = accessBadge(book, admin);
        return (
          <Card key={book.id} data-book={book.id}>
            <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: 8 }}>
              <Text weight="semibold">{book.name}</Text>
              <Badge appearance="tint" color={badge.color}>{badge.text}</Badge>
            </div>
            <Caption1>{modeLabel[mode]}</Caption1>
            {pair.folderId ? (
              // Paired: the folder is found by its id whatever it is called now.
              <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: 8 }}>
                <Caption1>Syncs with the Outlook folder “{pair.folderName ?? defaults.get(book.id)}”</Caption1>
                <Button size="small" appearance="subtle" onClick={() => onPairChange(book.id, { policy: pair.policy })}>
                  Use another folder
                </Button>
              </div>
            ) : (
              <Field label="Outlook folder" size="small">
                <Input
                  size="small"
                  value={pair.folderName ?? defaults.get(book.id) ?? book.name}
                  onChange={(_e, d) => onPairChange(book.id, { ...pair, folderName: d.value })}
                />
              </Field>
            )}
            {mode === "two-way" && (
              <Field label="When both sides changed a field" size="small">
                <Dropdown
                  size="small"
                  value={policyLabel[pair.policy]}
                  selectedOptions={[pair.policy]}
                  onOptionSelect={(_e, d) => d.optionValue && onPairChange(book.id, { ...pair, policy: d.optionValue as ConflictPolicy })}
                >
                  {conflictPolicies.map((policy) => (
                    <Option key={policy} value={policy}>{policyLabel[policy]}</Option>
                  ))}
                </Dropdown>
              </Field>
            )}
            {canReplace(book, admin) && onReplace && (
              <Button size="small" disabled={busy} onClick={() => onReplace(book.id)}>Replace the GAB with this folder</Button>
            )}
          </Card>
        );
      })}
    </div>
  );
}
