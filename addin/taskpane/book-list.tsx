import { Badge, Caption1, Card, Dropdown, Field, Input, Option, Text } from "@fluentui/react-components";
import type { ConflictPolicy } from "../../core/sync-types";
import type { Book } from "../server-api";
import { modeFor } from "../sync/sync-session";
import { conflictPolicies, pairSettingsOf, type PairSettings, type PaneSettings } from "./pane-settings";
import { modeLabel } from "./plain-words";

const policyLabel: Record<ConflictPolicy, string> = { "server-wins": "Server wins", "outlook-wins": "Outlook wins", "newest-wins": "Newest wins" };

export function accessBadge(book: Book, admin: boolean): { text: string; color: "success" | "informative" | "important" } {
  if (modeFor(book, admin) === "publish") return { text: "Publish (admin)", color: "important" };
  return book.access === "write" ? { text: "Read & write", color: "success" } : { text: "Read-only", color: "informative" };
}

export type BookListProps = {
  books: Book[];
  admin: boolean;
  settings: PaneSettings;
  onPairChange(bookId: string, pair: PairSettings): void;
};

export function BookList({ books, admin, settings, onPairChange }: BookListProps) {
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 8 }}>
      {books.map((book) => {
        const pair = pairSettingsOf(settings, book.id);
        const mode = modeFor(book, admin);
        const badge = accessBadge(book, admin);
        return (
          <Card key={book.id} data-book={book.id}>
            <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: 8 }}>
              <Text weight="semibold">{book.name}</Text>
              <Badge appearance="tint" color={badge.color}>{badge.text}</Badge>
            </div>
            <Caption1>{modeLabel[mode]}</Caption1>
            <Field label="Outlook folder" size="small">
              <Input size="small" value={pair.folderName ?? book.name} onChange={(_e, d) => onPairChange(book.id, { ...pair, folderName: d.value })} />
            </Field>
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
          </Card>
        );
      })}
    </div>
  );
}
