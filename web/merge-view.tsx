// Two versions of one contact side by side, field by field, and the user's choice for each field
// that differs. Core's three-way merge (core/contact/merge.ts) proposes the choices: a field only
// one side changed since `base` keeps that change, and lists it merged element by element are
// offered merged. Nothing is saved until the user says so.
import { useMemo, useState } from "react";
import { Button, Caption1, Radio, RadioGroup, Subtitle1, Text, tokens } from "@fluentui/react-components";
import type { Contact } from "../core/contact/contact";
import { fieldLabel, fieldWords } from "../core/contact/field-labels";
import { canonicalText, mergeContacts } from "../core/contact/merge";

/** The fields compared: every field and name part of the model, in its order (the name as a whole is its parts). */
const fields = Object.keys(fieldWords).filter((field) => field !== "name");

type Side = "mine" | "theirs" | "merged";

const read = (contact: Contact, field: string): unknown =>
  field.startsWith("name.")
    ? contact.name?.[field.slice(5) as keyof NonNullable<Contact["name"]>]
    : contact[field as keyof Contact];

function write(contact: Contact, field: string, value: unknown): void {
  if (field.startsWith("name.")) {
    const name: Record<string, unknown> = { ...contact.name };
    if (value === undefined) delete name[field.slice(5)];
    else name[field.slice(5)] = value;
    contact.name = name as Contact["name"];
  } else (contact as Record<string, unknown>)[field] = value;
}

/** A value as one line of text, for reading: lists joined, objects by their values. */
export function describe(value: unknown): string {
  if (value === undefined || value === null || value === "") return "(empty)";
  if (Array.isArray(value)) return value.length === 0 ? "(empty)" : value.map(describe).join("; ");
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("hash" in o || "data" in o) return `${o.mediaType ?? "image"} photo`;
    const { type, ...rest } = o;
    const text = Object.values(rest).filter(Boolean).join(", ");
    return type ? `${text} (${type})` : text;
  }
  return String(value);
}

export type MergeRow = { field: string; mine: unknown; theirs: unknown; merged: unknown; proposed: Side };

/** The fields where the two versions differ, each with core's merged value and a proposed side. */
export function differences(base: Contact | undefined, mine: Contact, theirs: Contact): MergeRow[] {
  const merged = mergeContacts(base, mine, theirs, "server").contact;
  return fields
    .filter((f) => canonicalText(read(mine, f)) !== canonicalText(read(theirs, f)))
    .map((field) => {
      const m = canonicalText(read(merged, field));
      const proposed: Side =
        m === canonicalText(read(mine, field))
          ? "mine"
          : m === canonicalText(read(theirs, field))
            ? "theirs"
            : "merged";
      return { field, mine: read(mine, field), theirs: read(theirs, field), merged: read(merged, field), proposed };
    });
}

/** Their version with the chosen values written over it (their uid, their untouched fields). */
export function resolve(theirs: Contact, rows: MergeRow[], choices: Record<string, Side>): Contact {
  const out: Contact = structuredClone(theirs);
  for (const row of rows) write(out, row.field, row[choices[row.field] ?? row.proposed]);
  return out;
}

type Props = {
  base: Contact | undefined;
  mine: Contact;
  theirs: Contact;
  mineLabel?: string;
  theirsLabel?: string;
  onSave(merged: Contact): void;
  onCancel(): void;
  saveLabel?: string;
};

export function MergeView({
  base,
  mine,
  theirs,
  mineLabel = "Your version",
  theirsLabel = "Saved meanwhile",
  ...p
}: Props) {
  const rows = useMemo(() => differences(base, mine, theirs), [base, mine, theirs]);
  const [choices, setChoices] = useState<Record<string, Side>>({});
  return (
    <section aria-label="Merge two versions" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h3">Choose, field by field, what to keep</Subtitle1>
      {rows.length === 0 && <Text>The two versions hold the same fields.</Text>}
      {rows.map((row) => (
        <div
          key={row.field}
          data-merge-field={row.field}
          style={{ border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: 4, padding: 8 }}
        >
          <RadioGroup
            aria-label={fieldLabel(row.field)}
            value={choices[row.field] ?? row.proposed}
            onChange={(_e, d) => setChoices((c) => ({ ...c, [row.field]: d.value as Side }))}
          >
            <Caption1 as="p" style={{ margin: 0 }}>
              {fieldLabel(row.field)}
            </Caption1>
            <Radio value="mine" label={`${mineLabel}: ${describe(row.mine)}`} />
            <Radio value="theirs" label={`${theirsLabel}: ${describe(row.theirs)}`} />
            {row.proposed === "merged" && <Radio value="merged" label={`Both, merged: ${describe(row.merged)}`} />}
          </RadioGroup>
        </div>
      ))}
      <div style={{ display: "flex", gap: 8 }}>
        <Button appearance="primary" onClick={() => p.onSave(resolve(theirs, rows, choices))}>
          {p.saveLabel ?? "Save merged contact"}
        </Button>
        <Button onClick={p.onCancel}>Cancel</Button>
      </div>
    </section>
  );
}
