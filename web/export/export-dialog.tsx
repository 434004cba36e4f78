// "Export contacts": the whole book as one file, in the format and character set the user picks,
// saved by the browser. Any book the user can read.
import { useState } from "react";
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
} from "@fluentui/react-components";
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
  ["windows-1252", "Western European (Windows-1252), for Outlook in English or a Western European language"],
];

export function ExportDialog({ book }: { book: Book }) {
  const run = useImportApi();
  const [open, setOpen] = useState(false);
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
      setOpen(false);
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={(_e, data) => setOpen(data.open)}>
      <DialogTrigger disableButtonEnhancement>
        <Button size="small">Export contacts</Button>
      </DialogTrigger>
      <DialogSurface aria-label={`Export ${book.name}`}>
        <DialogBody>
          <DialogTitle>Export {book.name}</DialogTitle>
          <DialogContent style={{ display: "grid", gap: 12 }}>
            <p style={{ margin: 0 }}>Every contact of the address book is saved in one file.</p>
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
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button>Cancel</Button>
            </DialogTrigger>
            <Button appearance="primary" disabled={busy} onClick={download}>
              {busy ? "Preparing the file…" : "Download"}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
