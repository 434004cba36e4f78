// The Local Directory exactly as users see it: read through the same contacts route every user reads
// it with (GET /api/books/directory/contacts), showing what any user's address book shows, nothing more.
import { Button, Field, Input, Subtitle1, Text } from "@fluentui/react-components";
import { useCallback, useDeferredValue, useState } from "react";
import { messageOf, type StoredContact } from "../api";
import { cell, NoteBar, rowLine, useAdmin, useLoaded } from "./parts";

export function DirectoryPage() {
  const { call } = useAdmin();
  const [query, setQuery] = useState("");
  const q = useDeferredValue(query.trim());
  const load = useCallback(() => call((api) => api.searchContacts("directory", { q: q || undefined })), [call, q]);
  const { data, note, setNote } = useLoaded(load);
  // Later pages, for the query they were read for: a new query starts from its first page again.
  const [more, setMore] = useState<{ q: string; contacts: StoredContact[]; cursor: string | null }>();
  const later = more?.q === q ? more : undefined;
  const contacts: StoredContact[] = [...(data?.contacts ?? []), ...(later?.contacts ?? [])];
  const cursor = later ? later.cursor : data?.cursor;
  const showMore = async () => {
    try {
      const page = await call((api) => api.searchContacts("directory", { q: q || undefined, cursor: cursor! }));
      setMore({ q, contacts: [...(later?.contacts ?? []), ...page.contacts], cursor: page.cursor });
    } catch (failure) {
      setNote({ intent: "error", text: messageOf(failure) });
    }
  };
  return (
    <section aria-label="Local Directory as users see it" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Local Directory as users see it</Subtitle1>
      <Text>
        Every user reads these entries: the users and mailing lists listed in the Local Directory, read-only. Hide
        someone on the Users or Mailing lists page and they leave it.
      </Text>
      <NoteBar note={note} />
      <Field label="Search the directory">
        <Input value={query} onChange={(_e, d) => setQuery(d.value)} />
      </Field>
      <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label="Local Directory entries">
        <thead>
          <tr>
            {["Name", "E-mail", "Phone", "Job title", "Department"].map((h) => (
              <th key={h} style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {contacts.map(({ uid, contact }) => (
            <tr key={uid} style={rowLine}>
              <td style={cell}>{contact.displayName}</td>
              <td style={cell}>{contact.emails.map((e) => e.address).join(", ")}</td>
              <td style={cell}>{contact.phones.map((p) => p.number).join(", ")}</td>
              <td style={cell}>{contact.jobTitle}</td>
              <td style={cell}>{contact.department}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && (
        <Text>
          {contacts.length === 1 ? "1 entry" : `${contacts.length} entries`}
          {cursor ? " shown; more follow" : ""}
        </Text>
      )}
      {cursor && <Button onClick={showMore}>Show more entries</Button>}
    </section>
  );
}
