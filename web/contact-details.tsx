// One contact, every field of the model (core/contact/contact.ts), its photo and categories, a vCard
// download, and, in a writable book, Edit and Delete. A read-only book says why. Opened after the
// view that had focus went away (the editor saved, a narrow page's list), the name's heading takes
// focus; Delete asks in place, its "Keep" focused, and Escape keeps the contact too.
import { useEffect, useRef, useState } from "react";
import { Badge, Button, Caption1, MessageBar, MessageBarBody, Spinner, Text, tokens } from "@fluentui/react-components";
import type { Contact } from "../core/contact/contact";
import { fieldLabel } from "../core/contact/field-labels";
import { messageOf, type Book, type StoredContact } from "./api";
import { focusLost, useFocusWhenLost } from "./keyboard";
import { useSession } from "./session";
import { readOnlyReason, shownName } from "./words";

// The name parts in the words of core's one table, as the editor and the merge view word them.
const nameParts = (["prefix", "given", "middle", "family", "suffix", "nickname", "fileAs"] as const).map(
  (key) => [key, fieldLabel(`name.${key}`)] as const,
);
const scalars = [
  ["company", "Company"],
  ["department", "Department"],
  ["jobTitle", "Job title"],
  ["office", "Office"],
  ["manager", "Manager"],
  ["assistant", "Assistant"],
  ["birthday", "Birthday"],
  ["anniversary", "Anniversary"],
] as const;

/** The label and text of every filled field, in the model's order; shared with the merge view. */
export function fieldRows(contact: Contact): [string, string][] {
  const rows: [string, string][] = [["Display name", contact.displayName]];
  for (const [key, label] of nameParts) rows.push([label, contact.name?.[key] ?? ""]);
  for (const [key, label] of scalars) rows.push([label, contact[key] ?? ""]);
  for (const e of contact.emails) rows.push([`E-mail (${e.type})`, e.address]);
  for (const p of contact.phones) rows.push([`Phone (${p.type})`, p.number]);
  for (const a of contact.addresses)
    rows.push([
      `Address (${a.type})`,
      [a.poBox, a.street, a.city, a.region, a.postalCode, a.country].filter(Boolean).join(", "),
    ]);
  for (const u of contact.urls) rows.push([`Web page (${u.type})`, u.url]);
  for (const i of contact.im) rows.push([`IM${i.type ? ` (${i.type})` : ""}`, i.address]);
  if (contact.notes) rows.push(["Notes", contact.notes]);
  for (const x of contact.extra) rows.push([`${x.name} (from ${x.source})`, x.value]);
  return rows.filter(([, value]) => value !== "");
}

type Props = {
  book: Book;
  stored: StoredContact;
  onEdit(): void;
  onDeleted(): void;
};

export function ContactDetails({ book, stored, onEdit, onDeleted }: Props) {
  const { call } = useSession();
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const { contact } = stored;
  const writable = book.access === "write";
  const heading = useRef<HTMLHeadingElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  useFocusWhenLost(heading);
  useEffect(() => {
    if (confirming) keepButton.current?.focus();
    else if (focusLost()) deleteButton.current?.focus();
  }, [confirming]);

  const download = async () => {
    try {
      const blob = await call((api) => api.vcard(book.id, stored.uid));
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `${shownName(contact).replace(/[\\/:*?"<>|]+/g, "_")}.vcf`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const remove = async () => {
    try {
      await call((api) => api.deleteContact(book.id, stored.uid, stored.etag));
      onDeleted();
    } catch (failure) {
      setError(messageOf(failure));
      setConfirming(false);
    }
  };

  return (
    <article aria-label={`Contact ${shownName(contact)}`} style={{ display: "grid", gap: 12, padding: 16 }}>
      <div style={{ display: "flex", gap: 12, alignItems: "center" }}>
        {contact.photo && <Photo book={book.id} uid={stored.uid} name={shownName(contact)} />}
        <Text as="h2" size={500} weight="semibold" ref={heading} tabIndex={-1} style={{ margin: 0 }}>
          {shownName(contact)}
        </Text>
      </div>
      {contact.categories.length > 0 && (
        <ul aria-label="Categories" style={{ display: "flex", gap: 4, flexWrap: "wrap", margin: 0, padding: 0 }}>
          {contact.categories.map((c) => (
            <li key={c} style={{ listStyle: "none" }}>
              <Badge appearance="outline">{c}</Badge>
            </li>
          ))}
        </ul>
      )}
      <dl style={{ display: "grid", gridTemplateColumns: "minmax(8em, max-content) 1fr", gap: "4px 16px", margin: 0 }}>
        {fieldRows(contact).map(([label, value], i) => (
          <div key={i} style={{ display: "contents" }}>
            <dt>
              <Caption1>{label}</Caption1>
            </dt>
            <dd style={{ margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              <Text>{value}</Text>
            </dd>
          </div>
        ))}
      </dl>
      {error && (
        <MessageBar layout="multiline" intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {!writable && (
        <MessageBar layout="multiline" intent="info">
          <MessageBarBody>{readOnlyReason(book)}</MessageBarBody>
        </MessageBar>
      )}
      <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
        <Button onClick={download}>Download vCard</Button>
        {writable && (
          <Button appearance="primary" onClick={onEdit}>
            Edit
          </Button>
        )}
        {writable && !confirming && (
          <Button ref={deleteButton} onClick={() => setConfirming(true)}>
            Delete
          </Button>
        )}
        {writable && confirming && (
          <fieldset
            aria-label={`Delete ${shownName(contact)}?`}
            style={{ display: "flex", gap: 8, border: "none", margin: 0, padding: 0 }}
            onKeyDown={(event) => {
              if (event.key !== "Escape") return;
              event.preventDefault();
              setConfirming(false);
            }}
          >
            <Button appearance="primary" style={{ background: tokens.colorPaletteRedBackground3 }} onClick={remove}>
              Delete {shownName(contact)}
            </Button>
            <Button ref={keepButton} onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </fieldset>
        )}
      </div>
    </article>
  );
}

function Photo({ book, uid, name }: { book: string; uid: string; name: string }) {
  const { call } = useSession();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let made: string | undefined;
    call((api) => api.photo(book, uid))
      .then((blob) => setUrl((made = URL.createObjectURL(blob))))
      .catch(() => setUrl(undefined));
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [book, uid, call]);
  if (!url) return <Spinner size="tiny" label="Loading photo" />;
  return <img src={url} alt={name} width={72} height={72} style={{ objectFit: "cover", borderRadius: "50%" }} />;
}
