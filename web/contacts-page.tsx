// The Contacts page: the books on the left, the chosen book's contacts in the middle, and on the
// right the open contact (its URL is /books/:book/contacts/:uid), a new one (/books/:book/new),
// the book's recently deleted contacts (/books/:book/deleted) or its settings (/books/:book/manage).
// Narrower than 1000 px, the right side takes the list's place while something is open.
import { useCallback, useEffect, useState } from "react";
import { Button, MessageBar, MessageBarBody, Spinner, Subtitle1, tokens } from "@fluentui/react-components";
import { Link, useNavigate, useParams } from "react-router";
import { messageOf, type Book, type StoredContact } from "./api";
import { BookNav } from "./book-nav";
import { BookSettings, NewBookForm } from "./book-settings";
import { ContactDetails } from "./contact-details";
import { ContactEditor } from "./contact-editor";
import { ContactList } from "./contact-list";
import { DeletedView } from "./deleted-view";
import { DuplicatesView } from "./duplicates-view";
import { SelectionBar, type Outcome } from "./selection-bar";
import { useSession } from "./session";
import { useMedia } from "./use-media";
import { readOnlyReason } from "./words";

const newUid = () => crypto.randomUUID();

export function ContactsPage() {
  const { book: bookId = "gab", uid, view } = useParams();
  const { call } = useSession();
  const navigate = useNavigate();
  const narrow = useMedia("(max-width: 999px)");
  const [books, setBooks] = useState<Book[]>();
  const [error, setError] = useState<string>();
  // Bumped after a write, so the list and the counts read the book again.
  const [version, setVersion] = useState(0);
  const [ticked, setTicked] = useState(new Map<string, StoredContact>());
  const [outcome, setOutcome] = useState<Outcome>();
  // A selection belongs to one book.
  // biome-ignore lint/correctness/useExhaustiveDependencies: cleared when the book changes
  useEffect(() => setTicked(new Map()), [bookId]);

  const loadBooks = useCallback(async () => {
    try {
      setBooks(await call((api) => api.listBooks()));
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, [call]);
  // Read again after a write, for the counts.
  useEffect(() => {
    void version;
    loadBooks();
  }, [loadBooks, version]);

  if (error && !books)
    return (
      <MessageBar layout="multiline" intent="error">
        <MessageBarBody>{error}</MessageBarBody>
      </MessageBar>
    );
  if (!books) return <Spinner label="Loading address books…" />;
  const book = books.find((b) => b.id === bookId);
  const bookPath = `/books/${encodeURIComponent(bookId)}`;
  const changed = () => setVersion((v) => v + 1);
  const open = uid !== undefined || view !== undefined;

  const side = (() => {
    if (!book) return <p style={{ padding: 16 }}>No address book {bookId} is visible to you.</p>;
    if (view === "deleted") return <DeletedView book={book} onRestored={changed} />;
    if (view === "duplicates") return <DuplicatesView book={book} onMerged={changed} />;
    if (view === "manage")
      return (
        <BookSettings
          book={book}
          onChanged={async (gone) => {
            await loadBooks();
            changed();
            if (gone) navigate("/books/gab");
          }}
        />
      );
    if (view === "new-book")
      return (
        <NewBookForm
          onCreated={async (created) => {
            await loadBooks();
            navigate(`/books/${encodeURIComponent(created.id)}`);
          }}
        />
      );
    if (view === "new")
      return (
        <ContactEditor
          key="new"
          book={book.id}
          newUid={newUid()}
          onSaved={(saved) => {
            changed();
            navigate(`${bookPath}/contacts/${encodeURIComponent(saved)}`);
          }}
          onCancel={() => navigate(bookPath)}
        />
      );
    if (uid)
      return (
        <OpenContact
          key={`${book.id}/${uid}/${version}`}
          book={book}
          uid={uid}
          onChanged={changed}
          bookPath={bookPath}
        />
      );
    return (
      <p style={{ padding: 16 }}>
        {book.access === "write" ? "Choose a contact, or add one." : `Choose a contact. ${readOnlyReason(book)}.`}
      </p>
    );
  })();

  return (
    <div
      style={{
        display: "grid",
        gridTemplateColumns: narrow ? "200px minmax(0, 1fr)" : "240px 340px minmax(0, 1fr)",
        height: "100%",
      }}
    >
      <div style={{ borderRight: `1px solid ${tokens.colorNeutralStroke2}`, overflowY: "auto" }}>
        <BookNav books={books} current={bookId} />
        <div style={{ padding: 8 }}>
          <Button onClick={() => navigate(`${bookPath}/new-book`)}>New address book</Button>
        </div>
      </div>
      {(!narrow || !open) && book && (
        <div
          style={{
            borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
            minHeight: 0,
            display: "flex",
            flexDirection: "column",
          }}
        >
          <div style={{ display: "flex", gap: 8, padding: "8px 8px 0", flexWrap: "wrap", alignItems: "center" }}>
            <Subtitle1 as="h2" style={{ margin: 0, flexBasis: "100%" }}>
              {book.name}
            </Subtitle1>
            {book.access === "write" && <Link to={`${bookPath}/new`}>New contact</Link>}
            {book.access === "write" && <Link to={`${bookPath}/deleted`}>Recently deleted</Link>}
            <Link to={`${bookPath}/duplicates`}>Find duplicates</Link>
            {book.kind === "pab" && <Link to={`${bookPath}/manage`}>Book settings</Link>}
          </div>
          {ticked.size > 0 && (
            <SelectionBar
              book={book}
              books={books}
              selected={[...ticked.values()]}
              onClear={() => setTicked(new Map())}
              onDone={(done) => {
                setTicked(new Map());
                setOutcome(done);
                changed();
              }}
            />
          )}
          {outcome && ticked.size === 0 && (
            <MessageBar layout="multiline" intent={outcome.partial ? "warning" : "success"} style={{ margin: 8 }}>
              <MessageBarBody>{outcome.text}</MessageBarBody>
            </MessageBar>
          )}
          <div style={{ flex: 1, minHeight: 0 }}>
            <ContactList
              key={book.id}
              book={book.id}
              count={book.count}
              selected={uid}
              version={version}
              ticked={ticked}
              onTick={(row, on) => {
                setOutcome(undefined);
                setTicked((old) => {
                  const next = new Map(old);
                  if (on) next.set(row.uid, row);
                  else next.delete(row.uid);
                  return next;
                });
              }}
            />
          </div>
        </div>
      )}
      {(!narrow || open) && (
        <div style={{ overflowY: "auto", minHeight: 0 }}>
          {narrow && open && (
            <div style={{ padding: "8px 16px 0" }}>
              <Link to={bookPath}>Back to the list</Link>
            </div>
          )}
          {side}
        </div>
      )}
    </div>
  );
}

function OpenContact(props: { book: Book; uid: string; bookPath: string; onChanged(): void }) {
  const { book, uid, bookPath, onChanged } = props;
  const { call } = useSession();
  const navigate = useNavigate();
  const [stored, setStored] = useState<StoredContact>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    call((api) => api.getContact(book.id, uid))
      .then(setStored)
      .catch((failure) => setError(messageOf(failure)));
  }, [book.id, uid, call]);
  if (error)
    return (
      <MessageBar layout="multiline" intent="error">
        <MessageBarBody>{error}</MessageBarBody>
      </MessageBar>
    );
  if (!stored) return <Spinner label="Loading the contact…" />;
  if (editing)
    return (
      <ContactEditor
        book={book.id}
        opened={stored}
        newUid={uid}
        onSaved={() => {
          setEditing(false);
          onChanged();
        }}
        onCancel={() => setEditing(false)}
      />
    );
  return (
    <ContactDetails
      book={book}
      stored={stored}
      onEdit={() => setEditing(true)}
      onDeleted={() => {
        onChanged();
        navigate(bookPath);
      }}
    />
  );
}
