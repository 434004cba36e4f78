// The wizard's steps, each a form of its own with Back and Next; the wizard (import-wizard.tsx)
// holds the state and makes the calls.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Link } from "react-router";
import {
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Radio,
  RadioGroup,
  Select,
  Text,
  tokens,
} from "@fluentui/react-components";
import { messageOf } from "../api";
import { plural } from "../words";
import { choicesFor } from "./fields";
import type {
  DryRun,
  Duplicates,
  ImportApi,
  ImportPreview,
  ImportSettings,
  ImportStatus,
  NamedMapping,
  RowError,
} from "./import-api";
import { saveFile } from "./import-api";

function Actions({ children }: { children: ReactNode }) {
  return <div style={{ display: "flex", flexWrap: "wrap", gap: 8, justifyContent: "flex-end" }}>{children}</div>;
}

export function FileStep(props: { file?: File; sent?: number; busy: boolean; onPick(file: File): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const pick = (files: FileList | null) => files?.[0] && props.onPick(files[0]);
  return (
    <>
      <section
        aria-label="Drop the file here"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          pick(event.dataTransfer.files);
        }}
        style={{
          display: "grid",
          gap: 8,
          justifyItems: "center",
          padding: 32,
          borderRadius: 8,
          border: `2px dashed ${over ? tokens.colorBrandStroke1 : tokens.colorNeutralStroke1}`,
          background: over ? tokens.colorBrandBackground2 : undefined,
        }}
      >
        <Text>Drop the file here, or</Text>
        <input
          ref={input}
          type="file"
          aria-label="File to import"
          accept=".csv,.txt,.vcf,.vcard,.ldif,.ldi,text/csv,text/vcard"
          style={{ display: "none" }}
          onChange={(event) => {
            pick(event.target.files);
            event.target.value = "";
          }}
        />
        <Button appearance="primary" disabled={props.busy} onClick={() => input.current?.click()}>
          Choose a file
        </Button>
        <Caption1 style={{ textAlign: "center" }}>
          A CSV file from Outlook, Outlook Express, Google Contacts or Thunderbird, any CSV file with a header row, a
          vCard file (.vcf) or a Thunderbird LDIF file.
        </Caption1>
      </section>
      {props.file && props.sent !== undefined && (
        <Field
          label={`Sending ${props.file.name}`}
          validationState="none"
          validationMessage={props.sent < 1 ? `${Math.round(props.sent * 100)}% sent` : "Sent; reading the file…"}
        >
          <ProgressBar value={props.sent} max={1} />
        </Field>
      )}
    </>
  );
}

const formatNames: Record<string, string> = {
  "outlook": "Outlook CSV",
  "outlook-express": "Outlook Express or Windows Contacts CSV",
  "google": "Google Contacts CSV",
  "google-legacy": "Google Contacts CSV (older layout)",
  "thunderbird": "Thunderbird CSV",
  "csv": "Other CSV file",
  "ldif": "LDIF (Thunderbird)",
  "vcard": "vCard",
};
const charsetNames: Record<string, string> = {
  "utf-8": "Unicode (UTF-8)",
  "utf-16le": "Unicode (UTF-16, little-endian)",
  "utf-16be": "Unicode (UTF-16, big-endian)",
  "windows-1252": "Western European (Windows-1252)",
};
const delimiterNames: Record<string, string> = { ",": "Comma", ";": "Semicolon", "\t": "Tab" };

function Choice(props: {
  label: string;
  value: string;
  names: Record<string, string>;
  disabled?: boolean;
  onChange(value: string): void;
}) {
  return (
    <Field label={props.label}>
      <Select value={props.value} disabled={props.disabled} onChange={(_e, d) => props.onChange(d.value)}>
        {Object.entries(props.names).map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </Select>
    </Field>
  );
}

export function SettingsStep(props: {
  preview: ImportPreview;
  file: File;
  busy: boolean;
  onChange(settings: ImportSettings): void;
  onBack(): void;
  onNext(): void;
}) {
  const { preview } = props;
  const table = preview.format !== "vcard" && preview.format !== "ldif";
  return (
    <>
      <Text>
        {props.file.name}: {plural(preview.rows, "record")} found. Check what was detected; change it if the preview
        looks wrong.
      </Text>
      {preview.warnings.map((warning) => (
        <MessageBar key={warning} intent="warning">
          <MessageBarBody>{warning}</MessageBarBody>
        </MessageBar>
      ))}
      <div style={{ display: "grid", gap: 12, gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))" }}>
        <Choice
          label="Kind of file"
          value={preview.format}
          names={formatNames}
          onChange={(format) => props.onChange({ format })}
        />
        <Choice
          label="Character set"
          value={preview.charset}
          names={charsetNames}
          onChange={(charset) => props.onChange({ charset })}
        />
        {table && (
          <Choice
            label="Column separator"
            value={preview.delimiter ?? ","}
            names={delimiterNames}
            onChange={(delimiter) => props.onChange({ delimiter })}
          />
        )}
      </div>
      <PreviewTable preview={preview} />
      <Actions>
        <Button onClick={props.onBack}>Choose another file</Button>
        <Button appearance="primary" disabled={props.busy || preview.rows === 0} onClick={props.onNext}>
          Next
        </Button>
      </Actions>
    </>
  );
}

const cell = {
  padding: "4px 8px",
  borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  textAlign: "left",
} as const;

function Table({ caption, head, rows }: { caption: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ borderCollapse: "collapse", width: "100%" }}>
        <caption style={{ textAlign: "left", paddingBottom: 4 }}>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((value, j) => (
                <td key={j} style={{ ...cell, verticalAlign: "top", overflowWrap: "anywhere" }}>
                  {value}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PreviewTable({ preview }: { preview: ImportPreview }) {
  const rows = preview.preview.map(({ row, contact, error }) =>
    contact
      ? [
          row,
          contact.displayName ?? "",
          contact.emails?.[0]?.address ?? "",
          contact.phones?.[0]?.number ?? "",
          contact.company ?? "",
          contact.notes ?? "",
        ]
      : [
          row,
          <span key="e" style={{ color: tokens.colorPaletteRedForeground1 }}>
            Problem: {error}
          </span>,
          "",
          "",
          "",
          "",
        ],
  );
  return (
    <Table
      caption={`The first ${plural(rows.length, "record")} as they will be imported`}
      head={["Line", "Name", "E-mail", "Phone", "Company", "Notes"]}
      rows={rows}
    />
  );
}

export function MappingStep(props: {
  preview: ImportPreview;
  samples: string[];
  busy: boolean;
  run<T>(work: (api: ImportApi) => Promise<T>): Promise<T>;
  onProblem(text: string | undefined): void;
  onBack(): void;
  /** `mapping`: the columns' targets when the user changed any, else undefined. */
  onNext(mapping?: Record<string, string>): void;
}) {
  const { preview, run, onProblem } = props;
  const [mapping, setMapping] = useState(preview.mapping);
  const [saved, setSaved] = useState<NamedMapping[]>([]);
  const [chosen, setChosen] = useState("");
  const [name, setName] = useState("");
  const [note, setNote] = useState<string>();

  useEffect(() => {
    run((api) => api.mappings())
      .then((list) => {
        setSaved(list);
        setChosen(list[0]?.name ?? "");
      })
      .catch((error) => onProblem(messageOf(error)));
  }, [run, onProblem]);

  const changed = preview.columns.some((column) => mapping[column] !== preview.mapping[column]);
  const load = async () => {
    try {
      const named = await run((api) => api.mapping(chosen));
      const used = preview.columns.filter((column) => named.mapping[column]);
      setMapping((old) => ({ ...old, ...Object.fromEntries(used.map((c) => [c, named.mapping[c]])) }));
      setNote(`The mapping "${chosen}" is used for ${plural(used.length, "column")}.`);
    } catch (error) {
      onProblem(messageOf(error));
    }
  };
  const save = async () => {
    try {
      await run((api) => api.saveMapping(name.trim(), mapping));
      setSaved(await run((api) => api.mappings()));
      setChosen(name.trim());
      setNote(`Saved the mapping as "${name.trim()}".`);
    } catch (error) {
      onProblem(messageOf(error));
    }
  };

  return (
    <>
      <Text>
        Choose where each column of the file goes. A column sent to Notes is added to the contact's notes with the
        column's name in front.
      </Text>
      <Table
        caption="Columns of the file"
        head={["Column", "Example from the file", "Goes to"]}
        rows={preview.columns.map((column, i) => [
          column,
          props.samples[i] ?? "",
          <Select
            key={column}
            aria-label={`Where the column ${column} goes`}
            value={mapping[column]}
            onChange={(_e, d) => setMapping((old) => ({ ...old, [column]: d.value }))}
          >
            {choicesFor(column, mapping[column]).map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </Select>,
        ])}
      />
      <div style={{ display: "grid", gap: 12, gridTemplateColumns: "repeat(auto-fit, minmax(260px, 1fr))" }}>
        <div style={{ display: "flex", gap: 8, alignItems: "end" }}>
          <Field label="Saved mappings" style={{ flex: 1 }}>
            <Select value={chosen} disabled={saved.length === 0} onChange={(_e, d) => setChosen(d.value)}>
              {saved.length === 0 && <option value="">None saved yet</option>}
              {saved.map((m) => (
                <option key={`${m.shared}:${m.name}`} value={m.name}>
                  {m.shared ? `${m.name} (shared)` : m.name}
                </option>
              ))}
            </Select>
          </Field>
          <Button disabled={!chosen} onClick={load}>
            Use it
          </Button>
        </div>
        <div style={{ display: "flex", gap: 8, alignItems: "end" }}>
          <Field label="Save this mapping as" style={{ flex: 1 }}>
            <Input value={name} onChange={(_e, d) => setName(d.value)} />
          </Field>
          <Button disabled={!name.trim()} onClick={save}>
            Save mapping
          </Button>
        </div>
      </div>
      {note && (
        <MessageBar intent="success">
          <MessageBarBody>{note}</MessageBarBody>
        </MessageBar>
      )}
      <Actions>
        <Button onClick={props.onBack}>Back</Button>
        <Button appearance="primary" disabled={props.busy} onClick={() => props.onNext(changed ? mapping : undefined)}>
          Next
        </Button>
      </Actions>
    </>
  );
}

const duplicateChoices: [Duplicates, string][] = [
  ["skip", "Skip it: keep the contact already in the address book as it is"],
  ["update", "Update it: the file's details replace those of the contact in the address book"],
  ["add", "Add it anyway: the address book then holds both"],
];

export function DuplicatesStep(props: {
  value: Duplicates;
  busy: boolean;
  onChange(value: Duplicates): void;
  onBack(): void;
  onNext(): void;
}) {
  return (
    <>
      <Text id="duplicates-hint">
        A contact in the file is a duplicate when the address book already has a contact with the same vCard UID, the
        same e-mail address, or the same name and phone number.
      </Text>
      <Field label="When a contact is already in the address book">
        <RadioGroup
          value={props.value}
          aria-describedby="duplicates-hint"
          onChange={(_e, d) => props.onChange(d.value as Duplicates)}
        >
          {duplicateChoices.map(([value, label]) => (
            <Radio key={value} value={value} label={label} />
          ))}
        </RadioGroup>
      </Field>
      <Actions>
        <Button onClick={props.onBack}>Back</Button>
        <Button appearance="primary" disabled={props.busy} onClick={props.onNext}>
          {props.busy ? "Checking the file…" : "Next"}
        </Button>
      </Actions>
    </>
  );
}

function ErrorList({ errors, total }: { errors: RowError[]; total: number }) {
  if (total === 0) return null;
  const caption =
    errors.length < total ? `Rows with a problem (the first ${errors.length} of ${total})` : "Rows with a problem";
  return <Table caption={caption} head={["Line", "Problem"]} rows={errors.map((e) => [e.row, e.message])} />;
}

export function DryRunStep(props: { dryRun: DryRun; busy: boolean; onBack(): void; onImport(): void }) {
  const { dryRun } = props;
  return (
    <>
      <Text>Nothing is imported yet. This is what the import will do:</Text>
      <ul aria-label="What the import will do" style={{ margin: 0 }}>
        <li>{plural(dryRun.create, "new contact")} added</li>
        <li>{plural(dryRun.update, "contact")} updated</li>
        <li>{plural(dryRun.skip, "duplicate")} skipped</li>
        <li>{plural(dryRun.errors.length, "row")} with a problem left out</li>
      </ul>
      <ErrorList errors={dryRun.errors} total={dryRun.errors.length} />
      <Actions>
        <Button onClick={props.onBack}>Back</Button>
        <Button appearance="primary" disabled={props.busy} onClick={props.onImport}>
          Import
        </Button>
      </Actions>
    </>
  );
}

export function ProgressStep({ status, onCancel }: { status: ImportStatus; onCancel(): void }) {
  const share = status.total ? status.done / status.total : 0;
  return (
    <>
      <Field
        label="Importing"
        validationState="none"
        validationMessage={`${status.done.toLocaleString("en")} of ${plural(status.total, "row")} done`}
      >
        <ProgressBar value={share} max={1} />
      </Field>
      <Actions>
        <Button onClick={onCancel}>Cancel the import</Button>
      </Actions>
    </>
  );
}

const outcome: Record<ImportStatus["state"], string> = {
  ready: "The import has not started.",
  running: "The import is running.",
  done: "The import is finished.",
  failed: "The import failed.",
  cancelled: "The import was cancelled; what it had imported so far stays until you undo it.",
  undoing: "Undoing the import…",
  undone: "The import was undone.",
};

/** The rows with a problem as a CSV file: line and problem, RFC 4180 quoting. */
function errorsCsv(errors: RowError[]): Blob {
  const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
  const lines = ["Line,Problem", ...errors.map((e) => `${e.row},${quote(e.message)}`)];
  return new Blob([`${lines.join("\r\n")}\r\n`], { type: "text/csv" });
}

export function ResultStep(props: {
  status: ImportStatus;
  fileName: string;
  bookId: string;
  busy: boolean;
  onUndo(): void;
  onAnother(): void;
}) {
  const { status } = props;
  const undoable = status.state === "done" || status.state === "cancelled";
  return (
    <>
      <MessageBar intent={status.state === "failed" ? "error" : "success"} layout="multiline">
        <MessageBarBody>
          {outcome[status.state]}
          {status.failure ? ` ${status.failure}` : ""}
          {status.undone &&
            ` ${plural(status.undone.removed, "contact")} removed, ${plural(status.undone.restored, "contact")} put back.`}
        </MessageBarBody>
      </MessageBar>
      <ul aria-label="What the import did" style={{ margin: 0 }}>
        <li>{plural(status.created, "contact")} added</li>
        <li>{plural(status.updated, "contact")} updated</li>
        <li>{plural(status.skipped, "duplicate")} skipped</li>
        <li>{plural(status.errorCount, "row")} with a problem left out</li>
      </ul>
      <ErrorList errors={status.errors} total={status.errorCount} />
      <Actions>
        {status.errors.length > 0 && (
          <Button
            onClick={() => saveFile(`${props.fileName.replace(/\.[^.]*$/, "")} problems.csv`, errorsCsv(status.errors))}
          >
            Download the problems as CSV
          </Button>
        )}
        {undoable && (
          <Button disabled={props.busy} onClick={props.onUndo}>
            {props.busy ? "Undoing…" : "Undo import"}
          </Button>
        )}
        <Button onClick={props.onAnother}>Import another file</Button>
        <Link to={`/books/${encodeURIComponent(props.bookId)}`}>Open the address book</Link>
      </Actions>
    </>
  );
}
