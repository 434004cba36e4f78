// Every user's address books (admins only): each user's PABs, a new PAB for a user, and each PAB's
// shares. Books a deleted user left behind are listed under their old owner's name, to give away.
import { Button, Field, Input, Select, Subtitle1, Subtitle2, Text } from "@fluentui/react-components";
import { useCallback, useState } from "react";
import type { Share, User } from "../api";
import type { AdminBook } from "./admin-api";
import { plural } from "../words";
import { card, NoteBar, useAdmin, useLoaded } from "./parts";

type Act = ReturnType<typeof useLoaded>["act"];

export function BooksPage() {
  const { run, call } = useAdmin();
  const load = useCallback(async () => {
    const [books, users] = await Promise.all([run((api) => api.allBooks()), call((api) => api.users())]);
    return { books: books.filter((b) => b.kind === "pab"), users };
  }, [run, call]);
  const { data, note, act } = useLoaded(load);
  const [filter, setFilter] = useState("");
  const users = data?.users ?? [];
  const owners = [...new Set([...users.map((u) => u.username), ...(data?.books ?? []).map((b) => b.owner ?? "")])];
  const wanted = filter.trim().toLowerCase();
  const userNamed = new Map(users.map((u) => [u.username, u]));
  const shown = owners.filter(
    (o) => o && (!wanted || `${o} ${userNamed.get(o)?.displayName ?? ""}`.toLowerCase().includes(wanted)),
  );
  return (
    <section aria-label="Address books" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Every user's address books</Subtitle1>
      <NoteBar note={note} />
      <NewBookForm
        users={users}
        onCreate={(owner, name) =>
          act(() => run((api) => api.createBookFor(owner, name)), `${name} was created for ${owner}.`)
        }
      />
      <Field label="Find a user's books">
        <Input value={filter} onChange={(_e, d) => setFilter(d.value)} />
      </Field>
      {shown.map((owner) => (
        <section key={owner} aria-label={`Books of ${owner}`} data-owner={owner} style={{ display: "grid", gap: 8 }}>
          <Subtitle2 as="h3">
            {userNamed.get(owner)?.displayName || owner} ({owner}){userNamed.has(owner) ? "" : " · deleted user"}
          </Subtitle2>
          {(data?.books ?? [])
            .filter((b) => b.owner === owner)
            .map((book) => (
              <BookCard key={book.id} book={book} users={users} act={act} />
            ))}
        </section>
      ))}
    </section>
  );
}

function NewBookForm({ users, onCreate }: { users: User[]; onCreate(owner: string, name: string): void }) {
  const [owner, setOwner] = useState("");
  const [name, setName] = useState("");
  return (
    <form
      aria-label="Create an address book for a user"
      style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }}
      onSubmit={(event) => {
        event.preventDefault();
        onCreate(owner, name.trim());
        setName("");
      }}
    >
      <Field label="Owner">
        <Select value={owner} onChange={(_e, d) => setOwner(d.value)}>
          <option value="">Choose a user</option>
          {users.map((u) => (
            <option key={u.username} value={u.username}>
              {u.displayName ? `${u.displayName} (${u.username})` : u.username}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Book name">
        <Input value={name} onChange={(_e, d) => setName(d.value)} />
      </Field>
      <Button type="submit" disabled={!owner || !name.trim()}>
        Create book
      </Button>
    </form>
  );
}

function BookCard({ book, users, act }: { book: AdminBook; users: User[]; act: Act }) {
  const { run } = useAdmin();
  const [open, setOpen] = useState(false);
  const [giveTo, setGiveTo] = useState("");
  const orphan = !users.some((u) => u.username === book.owner);
  return (
    <div style={card} data-book={book.id}>
      <div style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "center" }}>
        <Text weight="semibold" style={{ flex: 1 }}>
          {book.name}
          {book.count !== undefined && (
            <Text weight="regular" data-count={book.id}>
              {" "}
              · {plural(book.count, "contact")}
            </Text>
          )}
        </Text>
        <Button aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? `Hide shares of ${book.name}` : `Shares of ${book.name}`}
        </Button>
      </div>
      {orphan && (
        <form
          aria-label={`Give ${book.name} to a user`}
          style={{ display: "flex", gap: 8, alignItems: "end" }}
          onSubmit={(event) => {
            event.preventDefault();
            act(() => run((api) => api.giveBook(book.id, giveTo)), `${book.name} now belongs to ${giveTo}.`);
          }}
        >
          <Field label={`New owner of ${book.name}`}>
            <Select value={giveTo} onChange={(_e, d) => setGiveTo(d.value)}>
              <option value="">Choose a user</option>
              {users.map((u) => (
                <option key={u.username} value={u.username}>
                  {u.username}
                </option>
              ))}
            </Select>
          </Field>
          <Button type="submit" disabled={!giveTo}>
            Give it
          </Button>
        </form>
      )}
      {open && <Shares book={book} />}
    </div>
  );
}

/** The book's shares, through the same routes the owner uses; the access policy lets an administrator too. */
function Shares({ book }: { book: AdminBook }) {
  const { call } = useAdmin();
  const load = useCallback(() => call((api) => api.shares(book.id)), [call, book.id]);
  const { data: shares, note, act } = useLoaded(load);
  const [username, setUsername] = useState("");
  const [access, setAccess] = useState<Share["access"]>("read");
  return (
    <div style={{ display: "grid", gap: 8 }}>
      <NoteBar note={note} />
      {shares?.length === 0 && <Text>{book.name} is not shared.</Text>}
      <ul aria-label={`Shares of ${book.name}`} style={{ margin: 0, paddingLeft: 16, display: "grid", gap: 4 }}>
        {shares?.map((s) => (
          <li key={s.username}>
            <span style={{ marginRight: 8 }}>
              {s.username}: {s.access === "write" ? "read & write" : "read-only"}
            </span>
            <Button
              size="small"
              onClick={() =>
                act(() => call((api) => api.unshare(book.id, s.username)), `${s.username} no longer sees ${book.name}.`)
              }
            >
              Stop sharing with {s.username}
            </Button>
          </li>
        ))}
      </ul>
      <form
        aria-label={`Share ${book.name}`}
        style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }}
        onSubmit={(event) => {
          event.preventDefault();
          const who = username.trim().toLowerCase();
          act(() => call((api) => api.share(book.id, who, access)), `${book.name} is shared with ${who}.`);
          setUsername("");
        }}
      >
        <Field label={`Share ${book.name} with (user name)`}>
          <Input value={username} onChange={(_e, d) => setUsername(d.value)} />
        </Field>
        <Field label="Access">
          <Select value={access} onChange={(_e, d) => setAccess(d.value as Share["access"])}>
            <option value="read">read-only</option>
            <option value="write">read &amp; write</option>
          </Select>
        </Field>
        <Button type="submit" disabled={!username.trim()}>
          Share
        </Button>
      </form>
    </div>
  );
}
