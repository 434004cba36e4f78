// A personal address book's settings: rename, share with a user (read-only or read-write), unshare,
// and delete, whose confirmation states how many contacts go with it. And the form for a new one.
import { useCallback, useEffect, useState } from "react";
import { Button, Field, Input, MessageBar, MessageBarBody, Select, Subtitle1, Text } from "@fluentui/react-components";
import { messageOf, type Book, type Share } from "./api";
import { useSession } from "./session";
import { plural } from "./words";

type Note = { intent: "error" | "success" | "warning"; text: string } | undefined;

function Note({ note }: { note: Note }) {
  if (!note) return null;
  return (
    <MessageBar layout="multiline" intent={note.intent}>
      <MessageBarBody>{note.text}</MessageBarBody>
    </MessageBar>
  );
}

export function NewBookForm({ onCreated }: { onCreated(book: Book): void }) {
  const { call } = useSession();
  const [name, setName] = useState("");
  const [note, setNote] = useState<Note>();
  return (
    <form
      aria-label="New address book"
      style={{ display: "grid", gap: 8, padding: 16 }}
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          onCreated(await call((api) => api.createBook(name.trim())));
        } catch (failure) {
          setNote({ intent: "error", text: messageOf(failure) });
        }
      }}
    >
      <Subtitle1 as="h2">New address book</Subtitle1>
      <Field label="Name of the new address book" required>
        <Input value={name} onChange={(_e, d) => setName(d.value)} />
      </Field>
      <Note note={note} />
      <Button appearance="primary" type="submit" disabled={!name.trim()}>
        Create
      </Button>
    </form>
  );
}

export function BookSettings({ book, onChanged }: { book: Book; onChanged(gone?: boolean): void }) {
  const { call } = useSession();
  const writable = book.access === "write";
  const [name, setName] = useState(book.name);
  const [note, setNote] = useState<Note>();
  const [shares, setShares] = useState<Share[]>([]);
  const [shareWith, setShareWith] = useState("");
  const [level, setLevel] = useState<Share["access"]>("read");
  const [deleteCount, setDeleteCount] = useState<number>();

  const loadShares = useCallback(async () => {
    if (!writable) return;
    setShares(await call((api) => api.shares(book.id)).catch(() => []));
  }, [book.id, writable, call]);
  useEffect(() => {
    loadShares();
  }, [loadShares]);

  const attempt = async (work: () => Promise<void>, done: string) => {
    try {
      await work();
      setNote({ intent: "success", text: done });
    } catch (failure) {
      setNote({ intent: "error", text: messageOf(failure) });
    }
  };
  const countContacts = async () => {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await call((api) => api.searchContacts(book.id, { limit: 1000, cursor }));
      count += page.contacts.length;
      cursor = page.cursor ?? undefined;
    } while (cursor);
    setDeleteCount(count);
  };

  if (!writable)
    return (
      <section style={{ padding: 16 }}>
        <Text>
          {book.name} is shared with you read-only by {book.ownerName ?? book.owner}: only its owner changes its
          settings.
        </Text>
      </section>
    );
  return (
    <section aria-label="Book settings" style={{ display: "grid", gap: 16, padding: 16 }}>
      <Subtitle1 as="h2">Settings of {book.name}</Subtitle1>
      <Note note={note} />
      <form
        style={{ display: "flex", gap: 8, alignItems: "end" }}
        onSubmit={(event) => {
          event.preventDefault();
          attempt(async () => {
            await call((api) => api.renameBook(book.id, name.trim()));
            onChanged();
          }, `Renamed to ${name.trim()}.`);
        }}
      >
        <Field label="Book name" style={{ flex: 1 }}>
          <Input value={name} onChange={(_e, d) => setName(d.value)} />
        </Field>
        <Button type="submit" disabled={!name.trim() || name.trim() === book.name}>
          Rename
        </Button>
      </form>
      <section aria-label="Shares" style={{ display: "grid", gap: 8 }}>
        <Subtitle1 as="h3">Shared with</Subtitle1>
        {shares.length === 0 && <Text>Nobody else.</Text>}
        <ul style={{ margin: 0, padding: 0, listStyle: "none", display: "grid", gap: 4 }}>
          {shares.map((s) => (
            <li key={s.username} style={{ display: "flex", gap: 8, alignItems: "center" }}>
              <Text style={{ flex: 1 }}>
                {s.username} ({s.access === "read" ? "read-only" : "read-write"})
              </Text>
              <Button
                aria-label={`Unshare ${s.username}`}
                onClick={() =>
                  attempt(async () => {
                    await call((api) => api.unshare(book.id, s.username));
                    await loadShares();
                  }, `No longer shared with ${s.username}.`)
                }
              >
                Unshare
              </Button>
            </li>
          ))}
        </ul>
        <form
          style={{ display: "flex", gap: 8, alignItems: "end", flexWrap: "wrap" }}
          onSubmit={(event) => {
            event.preventDefault();
            const who = shareWith.trim().toLowerCase();
            attempt(async () => {
              await call((api) => api.share(book.id, who, level));
              setShareWith("");
              await loadShares();
            }, `Shared with ${who}.`);
          }}
        >
          <Field label="Share with user">
            <Input value={shareWith} onChange={(_e, d) => setShareWith(d.value)} />
          </Field>
          <Field label="Access">
            <Select value={level} onChange={(_e, d) => setLevel(d.value as Share["access"])}>
              <option value="read">read-only</option>
              <option value="write">read-write</option>
            </Select>
          </Field>
          <Button type="submit" disabled={!shareWith.trim()}>
            Share
          </Button>
        </form>
      </section>
      <section aria-label="Delete this book" style={{ display: "grid", gap: 8 }}>
        {deleteCount === undefined ? (
          <Button onClick={() => attempt(countContacts, "").then(() => setNote(undefined))}>Delete this book</Button>
        ) : (
          <>
            <MessageBar layout="multiline" intent="warning">
              <MessageBarBody>
                Delete {book.name} and the {plural(deleteCount, "contact")} in it? Every Outlook paired with it stops
                syncing it.
              </MessageBarBody>
            </MessageBar>
            <div style={{ display: "flex", gap: 8 }}>
              <Button
                appearance="primary"
                onClick={() =>
                  attempt(async () => {
                    await call((api) => api.deleteBook(book.id));
                    onChanged(true);
                  }, `${book.name} was deleted.`)
                }
              >
                Delete {book.name} and {plural(deleteCount, "contact")}
              </Button>
              <Button onClick={() => setDeleteCount(undefined)}>Keep it</Button>
            </div>
          </>
        )}
      </section>
    </section>
  );
}
