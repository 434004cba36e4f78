// Creating and editing a contact. A save sends If-Match with the version the editor opened (or
// If-None-Match: * for a new one); when someone else saved the contact meanwhile (412), the editor
// shows both versions in the merge view instead of overwriting theirs.
import { useState } from "react";
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Subtitle1,
  Textarea,
} from "@fluentui/react-components";
import { phoneTypes, type Contact } from "../core/contact/contact";
import { isConflict, isExpired, messageOf, type StoredContact } from "./api";
import { MergeView } from "./merge-view";
import { useSession } from "./session";

type Draft = Contact;
const scalarFields = [
  ["company", "Company"],
  ["department", "Department"],
  ["jobTitle", "Job title"],
  ["office", "Office"],
  ["manager", "Manager"],
  ["assistant", "Assistant"],
  ["birthday", "Birthday (YYYY-MM-DD)"],
  ["anniversary", "Anniversary (YYYY-MM-DD)"],
] as const;
const nameFields = [
  ["given", "Given name"],
  ["middle", "Middle name"],
  ["family", "Family name"],
  ["prefix", "Prefix"],
  ["suffix", "Suffix"],
  ["nickname", "Nickname"],
  ["fileAs", "File as"],
] as const;

export function emptyContact(uid: string): Contact {
  return { uid, displayName: "", emails: [], phones: [], addresses: [], urls: [], im: [], categories: [], extra: [] };
}

/** Empty optional text becomes absent, so a cleared field is removed, not stored as "". */
function cleaned(draft: Draft): Contact {
  const out: Record<string, unknown> = { ...draft };
  for (const [key] of scalarFields) if (!draft[key]?.trim()) delete out[key];
  if (!draft.notes?.trim()) delete out.notes;
  const name = Object.fromEntries(Object.entries(draft.name ?? {}).filter(([, v]) => v?.trim()));
  if (Object.keys(name).length) out.name = name;
  else delete out.name;
  out.emails = draft.emails.filter((e) => e.address.trim());
  out.phones = draft.phones.filter((p) => p.number.trim());
  return out as Contact;
}

type Props = {
  book: string;
  /** The version opened for editing; absent for a new contact. */
  opened?: StoredContact;
  newUid: string;
  onSaved(uid: string): void;
  onCancel(): void;
};

export function ContactEditor({ book, opened, newUid, onSaved, onCancel }: Props) {
  const { call } = useSession();
  const [draft, setDraft] = useState<Draft>(() => structuredClone(opened?.contact ?? emptyContact(newUid)));
  const [categories, setCategories] = useState(draft.categories.join(", "));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<StoredContact>();
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setName = (key: string, value: string) => setDraft((d) => ({ ...d, name: { ...d.name, [key]: value } }));

  const current = (): Contact =>
    cleaned({
      ...draft,
      categories: categories
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    });

  async function save(contact: Contact, etag: string | undefined) {
    setBusy(true);
    setError(undefined);
    try {
      await call((api) => api.saveContact(book, contact, etag));
      onSaved(contact.uid);
    } catch (failure) {
      if (isConflict(failure) && opened) {
        try {
          setConflict(await call((api) => api.getContact(book, contact.uid)));
        } catch (again) {
          setError(messageOf(again));
        }
      } else if (!isExpired(failure)) setError(messageOf(failure));
      else setError("Sign in again, then save: your changes are still here.");
    } finally {
      setBusy(false);
    }
  }

  if (conflict)
    return (
      <section aria-label="Edit conflict" style={{ display: "grid", gap: 12, padding: 16 }}>
        <MessageBar layout="multiline" intent="warning">
          <MessageBarBody>
            Someone else changed this contact since you opened it. Nothing was saved: choose what to keep.
          </MessageBarBody>
        </MessageBar>
        <MergeView
          base={opened?.contact}
          mine={current()}
          theirs={conflict.contact}
          onCancel={() => setConflict(undefined)}
          onSave={(merged) => {
            setConflict(undefined);
            save(merged, conflict.etag);
          }}
        />
      </section>
    );

  return (
    <form
      aria-label={opened ? "Edit contact" : "New contact"}
      style={{ display: "grid", gap: 8, padding: 16 }}
      onSubmit={(event) => {
        event.preventDefault();
        save(current(), opened?.etag);
      }}
    >
      <Subtitle1 as="h2">{opened ? "Edit contact" : "New contact"}</Subtitle1>
      <Field label="Display name" required>
        <Input value={draft.displayName} onChange={(_e, d) => set({ displayName: d.value })} />
      </Field>
      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(180px, 1fr))", gap: 8 }}>
        {nameFields.map(([key, label]) => (
          <Field key={key} label={label}>
            <Input value={draft.name?.[key] ?? ""} onChange={(_e, d) => setName(key, d.value)} />
          </Field>
        ))}
        {scalarFields.map(([key, label]) => (
          <Field key={key} label={label}>
            <Input value={draft[key] ?? ""} onChange={(_e, d) => set({ [key]: d.value })} />
          </Field>
        ))}
      </div>
      <fieldset style={{ display: "grid", gap: 4, border: "none", padding: 0 }}>
        <legend>E-mail addresses</legend>
        {draft.emails.map((email, i) => (
          <div key={i} style={{ display: "flex", gap: 4 }}>
            <Select
              aria-label={`E-mail ${i + 1} type`}
              value={email.type}
              onChange={(_e, d) =>
                set({ emails: draft.emails.map((x, j) => (j === i ? { ...x, type: d.value as typeof x.type } : x)) })
              }
            >
              <option value="work">work</option>
              <option value="home">home</option>
              <option value="other">other</option>
            </Select>
            <Input
              aria-label={`E-mail ${i + 1}`}
              style={{ flex: 1 }}
              value={email.address}
              onChange={(_e, d) =>
                set({ emails: draft.emails.map((x, j) => (j === i ? { ...x, address: d.value } : x)) })
              }
            />
          </div>
        ))}
        <Button size="small" onClick={() => set({ emails: [...draft.emails, { type: "work", address: "" }] })}>
          Add e-mail
        </Button>
      </fieldset>
      <fieldset style={{ display: "grid", gap: 4, border: "none", padding: 0 }}>
        <legend>Phone numbers</legend>
        {draft.phones.map((phone, i) => (
          <div key={i} style={{ display: "flex", gap: 4 }}>
            <Select
              aria-label={`Phone ${i + 1} type`}
              value={phone.type}
              onChange={(_e, d) =>
                set({ phones: draft.phones.map((x, j) => (j === i ? { ...x, type: d.value as typeof x.type } : x)) })
              }
            >
              {phoneTypes.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
            <Input
              aria-label={`Phone ${i + 1}`}
              style={{ flex: 1 }}
              value={phone.number}
              onChange={(_e, d) =>
                set({ phones: draft.phones.map((x, j) => (j === i ? { ...x, number: d.value } : x)) })
              }
            />
          </div>
        ))}
        <Button size="small" onClick={() => set({ phones: [...draft.phones, { type: "mobile", number: "" }] })}>
          Add phone
        </Button>
      </fieldset>
      <Field label="Categories (separated by commas)">
        <Input value={categories} onChange={(_e, d) => setCategories(d.value)} />
      </Field>
      <Field label="Notes">
        <Textarea value={draft.notes ?? ""} onChange={(_e, d) => set({ notes: d.value })} />
      </Field>
      {error && (
        <MessageBar layout="multiline" intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <div style={{ display: "flex", gap: 8 }}>
        <Button appearance="primary" type="submit" disabled={busy || !draft.displayName.trim()}>
          Save
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
