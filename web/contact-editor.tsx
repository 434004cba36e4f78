// Creating and editing a contact. A save sends If-Match with the version the editor opened (or
// If-None-Match: * for a new one); when someone else saved the contact meanwhile (412), the editor
// shows both versions in the merge view instead of overwriting theirs.
import { useEffect, useRef, useState } from "react";
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
import { fieldLabel } from "../core/contact/field-labels";
import { defaultContactLimits } from "../core/contact/limits";
import { isConflict, isExpired, messageOf, type StoredContact } from "./api";
import { useFocusWhenLost } from "./keyboard";
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
// The name parts in the words of core's one table (the merge view and the pane use it too).
const nameFields = (["given", "middle", "family", "prefix", "suffix", "nickname", "fileAs"] as const).map(
  (key) => [key, fieldLabel(`name.${key}`)] as const,
);

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
  out.addresses = draft.addresses
    .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v?.trim())) as Address)
    .filter((a) => addressParts.some(([key]) => a[key]))
    .map((a) => ({ ...a, type: a.type ?? "business" }));
  out.urls = draft.urls.filter((u) => u.url.trim());
  out.im = draft.im.filter((m) => m.address.trim()).map((m) => (m.type?.trim() ? m : { address: m.address }));
  return out as Contact;
}

type Address = Contact["addresses"][number];
const addressParts = [
  ["street", "street"],
  ["poBox", "PO box"],
  ["city", "city"],
  ["region", "region"],
  ["postalCode", "postal code"],
  ["country", "country"],
] as const;

/** The photo file as the server takes it inline: base64 `data` and its media type, held to MAX_PHOTO_BYTES. */
async function photoOf(file: File): Promise<NonNullable<Contact["photo"]>> {
  const max = defaultContactLimits.maxPhotoBytes;
  if (file.size > max)
    throw new Error(
      `${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; a photo may be ${max / 1048576} MiB at most`,
    );
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { mediaType: file.type || "image/jpeg", data: btoa(binary) };
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
  // Opening the editor is asking to type: its first field takes focus; the merge view, when it
  // replaces the form (focus was on Save), takes it too.
  const firstField = useRef<HTMLInputElement>(null);
  const conflictView = useRef<HTMLElement>(null);
  useEffect(() => firstField.current?.focus(), []);
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
      <ConflictSection focusRef={conflictView}>
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
      </ConflictSection>
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
        <Input ref={firstField} value={draft.displayName} onChange={(_e, d) => set({ displayName: d.value })} />
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
      <fieldset style={{ display: "grid", gap: 4, border: "none", padding: 0 }}>
        <legend>Addresses</legend>
        {draft.addresses.map((address, i) => {
          const setAddress = (patch: Partial<Address>) =>
            set({ addresses: draft.addresses.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
          return (
            <div
              key={i}
              style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(140px, 1fr))", gap: 4 }}
            >
              <Select
                aria-label={`Address ${i + 1} type`}
                value={address.type}
                onChange={(_e, d) => setAddress({ type: d.value as Address["type"] })}
              >
                <option value="business">business</option>
                <option value="home">home</option>
                <option value="other">other</option>
              </Select>
              {addressParts.map(([key, label]) => (
                <Input
                  key={key}
                  aria-label={`Address ${i + 1} ${label}`}
                  placeholder={label}
                  value={address[key] ?? ""}
                  onChange={(_e, d) => setAddress({ [key]: d.value })}
                />
              ))}
            </div>
          );
        })}
        <Button size="small" onClick={() => set({ addresses: [...draft.addresses, { type: "business" }] })}>
          Add address
        </Button>
      </fieldset>
      <fieldset style={{ display: "grid", gap: 4, border: "none", padding: 0 }}>
        <legend>Web pages</legend>
        {draft.urls.map((page, i) => (
          <div key={i} style={{ display: "flex", gap: 4 }}>
            <Select
              aria-label={`Web page ${i + 1} type`}
              value={page.type}
              onChange={(_e, d) =>
                set({ urls: draft.urls.map((x, j) => (j === i ? { ...x, type: d.value as typeof x.type } : x)) })
              }
            >
              <option value="work">work</option>
              <option value="home">home</option>
              <option value="other">other</option>
            </Select>
            <Input
              aria-label={`Web page ${i + 1}`}
              type="url"
              style={{ flex: 1 }}
              value={page.url}
              onChange={(_e, d) => set({ urls: draft.urls.map((x, j) => (j === i ? { ...x, url: d.value } : x)) })}
            />
          </div>
        ))}
        <Button size="small" onClick={() => set({ urls: [...draft.urls, { type: "work", url: "" }] })}>
          Add web page
        </Button>
      </fieldset>
      <fieldset style={{ display: "grid", gap: 4, border: "none", padding: 0 }}>
        <legend>Instant messaging</legend>
        {draft.im.map((im, i) => (
          <div key={i} style={{ display: "flex", gap: 4 }}>
            <Input
              aria-label={`IM ${i + 1} service`}
              placeholder="service (e.g. xmpp)"
              style={{ width: 160 }}
              value={im.type ?? ""}
              onChange={(_e, d) => set({ im: draft.im.map((x, j) => (j === i ? { ...x, type: d.value } : x)) })}
            />
            <Input
              aria-label={`IM ${i + 1}`}
              style={{ flex: 1 }}
              value={im.address}
              onChange={(_e, d) => set({ im: draft.im.map((x, j) => (j === i ? { ...x, address: d.value } : x)) })}
            />
          </div>
        ))}
        <Button size="small" onClick={() => set({ im: [...draft.im, { address: "" }] })}>
          Add IM address
        </Button>
      </fieldset>
      <fieldset style={{ display: "grid", gap: 4, border: "none", padding: 0 }}>
        <legend>Photo</legend>
        <span>
          {draft.photo ? (draft.photo.data ? "A new photo, saved with the contact" : "Has a photo") : "No photo"}
        </span>
        <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap" }}>
          <input
            type="file"
            accept="image/*"
            aria-label="Choose a photo"
            onChange={async (event) => {
              const file = event.currentTarget.files?.[0];
              if (!file) return;
              try {
                const photo = await photoOf(file);
                setError(undefined);
                set({ photo });
              } catch (failure) {
                setError(messageOf(failure));
              }
            }}
          />
          {draft.photo && (
            <Button size="small" onClick={() => set({ photo: undefined })}>
              Remove photo
            </Button>
          )}
        </div>
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

function ConflictSection({
  focusRef,
  children,
}: {
  focusRef: React.RefObject<HTMLElement | null>;
  children: React.ReactNode;
}) {
  useFocusWhenLost(focusRef);
  return (
    <section ref={focusRef} tabIndex={-1} aria-label="Edit conflict" style={{ display: "grid", gap: 12, padding: 16 }}>
      {children}
    </section>
  );
}
