// The setup step's layout: one row per book with a switch and a folder picker, and "Start syncing".
// What it offers and saves comes from setup.ts.
import { useState } from "react";
import {
  Button,
  Caption1,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  Option,
  Switch,
  Text,
} from "@fluentui/react-components";
import type { ContactFolder } from "../outlook/outlook-store";
import type { Book } from "../server-api";
import type { PairSettings, PaneSettings } from "./pane-settings";
import { modeFor } from "../../core/sync/mode";
import { modeLabel } from "./plain-words";
import { describeBook, folderOptions, initialSetup, pairsFromSetup, setupProblem, type SetupRow } from "./setup";

export type SetupViewProps = {
  books: Book[];
  allBooks: Book[];
  folders: ContactFolder[];
  /** Why the existing folders could not be listed (only new folders are offered then). */
  foldersError?: string;
  settings: PaneSettings;
  username: string;
  onStart(pairs: Record<string, PairSettings>): void;
  onCancel?(): void;
};

export function SetupView(props: SetupViewProps) {
  const { books, allBooks, folders, foldersError, settings, username, onStart, onCancel } = props;
  const [rows, setRows] = useState<SetupRow[]>(() => initialSetup(books, allBooks, folders, username));
  const update = (index: number, row: SetupRow) => setRows(rows.map((r, i) => (i === index ? row : r)));
  const problem = setupProblem(rows, allBooks);
  return (
    <section aria-label="Choose what to sync" style={{ display: "flex", flexDirection: "column", gap: 12 }}>
      <Text weight="semibold">Choose what to sync</Text>
      <Caption1>Nothing is synced until you press Start syncing.</Caption1>
      {foldersError && (
        <MessageBar intent="warning">
          <MessageBarBody>
            Your Outlook folders could not be listed ({foldersError}); new folders are offered only.
          </MessageBarBody>
        </MessageBar>
      )}
      {rows.map((row, index) => {
        const book = books.find((b) => b.id === row.bookId)!;
        const options = folderOptions(row, rows, folders, settings);
        const selected = row.folder.kind === "new" ? "new" : row.folder.folderId;
        const label = options.find((o) => o.value === selected)?.label ?? row.folder.name;
        return (
          <div key={row.bookId} data-setup={row.bookId} style={{ display: "flex", flexDirection: "column", gap: 4 }}>
            <Switch
              checked={row.enabled}
              label={describeBook(book, username)}
              onChange={(_e, d) => update(index, { ...row, enabled: d.checked })}
            />
            <Caption1>{modeLabel[modeFor(book)]}</Caption1>
            {row.enabled && (
              <Field label="Outlook folder" size="small">
                <Dropdown
                  size="small"
                  value={label}
                  selectedOptions={[selected]}
                  style={{ minWidth: 0, width: "100%" }}
                  onOptionSelect={(_e, d) => {
                    const option = options.find((o) => o.value === d.optionValue);
                    if (option) update(index, { ...row, folder: option.pick });
                  }}
                >
                  {options.map((option) => (
                    <Option key={option.value} value={option.value}>
                      {option.label}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
            )}
          </div>
        );
      })}
      {problem && (
        <MessageBar intent="error">
          <MessageBarBody>{problem}</MessageBarBody>
        </MessageBar>
      )}
      <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
        <Button appearance="primary" disabled={!!problem} onClick={() => onStart(pairsFromSetup(rows, settings))}>
          Start syncing
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </section>
  );
}
