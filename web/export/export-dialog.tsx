// "Export contacts": the whole book as one file, in the format and character set the user picks,
// saved by the browser. Any book the user can read. A native modal <dialog> (Escape closes it, the
// browser keeps focus inside): a Fluent Dialog, even closed, leaves Tabster's focus sentinels in the
// page, which axe-core reports on every page the book list is on (see web/app.tsx).
import { useId, useRef, useState } from "react";
import { Button, Field, MessageBar, MessageBarBody, Select, Text, tokens } from "@fluentui/react-components";
import { messageOf, type Book } from "../api";
import { type ExportCharset, type ExportFormat, saveFile } from "../import/import-api";
import { useImportApi } from "../import/use-import-api";

const formats: [ExportFormat, string][] = [
  ["vcard3", "vCard 3.0 (Outlook, Apple Contacts, Google)"],
  ["vcard4", "vCard 4.0"],
  ["outlook-csv", "Outlook CSV"],
  ["google-csv", "Google CSV"],
  ["csv", "CSV with every field"],
];
const charsets: [ExportCharset, string][] = [
  ["utf-8", "Unicode (UTF-8), for most programs"],
  ["windows-1252", "Western European (Windows-1252), for Outlook"],
];

export function ExportDialog({ book }: { book: Book }) {
  const run = useImportApi();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [format, setFormat] = useState<ExportFormat>("vcard3");
  const [charset, setCharset] = useState<ExportCharset>("utf-8");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  async function download() {
    setBusy(true);
    setProblem(undefined);
    try {
      const file = await run((api) => api.exportBook(book.id, format, charset));
      saveFile(file.name, file.blob);
      dialog.current?.close();
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="small"
        onClick={() => {
          setProblem(undefined);
          dialog.current?.showModal();
        }}
      >
        Export contacts
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        style={{
          boxSizing: "border-box",
          width: "min(480px, calc(100vw - 32px))",
          padding: 24,
          border: `1px solid ${tokens.colorNeutralStroke1}`,
          borderRadius: tokens.borderRadiusXLarge,
          boxShadow: tokens.shadow64,
          background: tokens.colorNeutralBackground1,
          color: tokens.colorNeutralForeground1,
          fontFamily: tokens.fontFamilyBase,
        }}
      >
        <div style={{ display: "grid", gap: 12, gridTemplateColumns: "minmax(0, 1fr)" }}>
          <Text as="h2" id={titleId} size={500} weight="semibold" style={{ margin: 0 }}>
            Export {book.name}
          </Text>
          <Text>Every contact of the address book is saved in one file.</Text>
          <Field label="Format">
            <Select value={format} onChange={(_e, d) => setFormat(d.value as ExportFormat)}>
              {formats.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Character set">
            <Select value={charset} onChange={(_e, d) => setCharset(d.value as ExportCharset)}>
              {charsets.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          {problem && (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>{problem}</MessageBarBody>
            </MessageBar>
          )}
          <div style={{ display: "flex", gap: 8, justifyContent: "flex-end" }}>
            <Button onClick={() => dialog.current?.close()}>Cancel</Button>
            <Button appearance="primary" disabled={busy} onClick={download}>
              {busy ? "Preparing the file…" : "Download"}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}
