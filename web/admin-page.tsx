// The administration console (admins only): users (search, add, disable and enable, reset the
// password, grant and revoke admin, Local Directory visibility, delete, saying what happens to their
// books) and the audit log (filter by user, book, surface and date; export as CSV). The GAB is edited
// on the Contacts page, and the Local Directory as users see it is the Contacts page's Local Directory.
import { useCallback, useEffect, useState } from "react";
import {
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Subtitle1,
  Text,
  tokens,
} from "@fluentui/react-components";
import { Link, NavLink, useParams } from "react-router";
import { messageOf, type AuditEntry, type AuditQuery, type User } from "./api";
import { useSession } from "./session";

type Note = { intent: "error" | "success"; text: string } | undefined;

function NoteBar({ note }: { note: Note }) {
  if (!note) return null;
  return (
    <MessageBar layout="multiline" intent={note.intent}>
      <MessageBarBody>{note.text}</MessageBarBody>
    </MessageBar>
  );
}

export function AdminPage() {
  const { section = "users" } = useParams();
  const { signedIn } = useSession();
  if (!signedIn?.user.admin)
    return <Text style={{ padding: 16, display: "block" }}>Only administrators see the administration console.</Text>;
  return (
    <div style={{ display: "grid", gridTemplateColumns: "200px minmax(0, 1fr)", height: "100%" }}>
      <nav aria-label="Administration" style={{ padding: 8, borderRight: `1px solid ${tokens.colorNeutralStroke2}` }}>
        <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
          <li>
            <NavLink to="/admin/users">Users</NavLink>
          </li>
          <li>
            <NavLink to="/admin/audit">Audit log</NavLink>
          </li>
          <li>
            <Link to="/books/directory">Local Directory as users see it</Link>
          </li>
          <li>
            <Link to="/books/gab">Edit the Global Address Book</Link>
          </li>
        </ul>
      </nav>
      <div style={{ overflowY: "auto", padding: 16 }}>{section === "audit" ? <AuditLog /> : <Users />}</div>
    </div>
  );
}

function Users() {
  const { call } = useSession();
  const [users, setUsers] = useState<User[]>();
  const [filter, setFilter] = useState("");
  const [note, setNote] = useState<Note>();
  const load = useCallback(async () => {
    try {
      setUsers(await call((api) => api.users()));
    } catch (failure) {
      setNote({ intent: "error", text: messageOf(failure) });
    }
  }, [call]);
  useEffect(() => {
    load();
  }, [load]);
  const act = async (work: Parameters<typeof call>[0], done: string) => {
    try {
      await call(work);
      setNote({ intent: "success", text: done });
      await load();
    } catch (failure) {
      setNote({ intent: "error", text: messageOf(failure) });
    }
  };
  const wanted = filter.trim().toLowerCase();
  const shown = (users ?? []).filter(
    (u) => !wanted || `${u.username} ${u.displayName} ${u.email}`.toLowerCase().includes(wanted),
  );
  return (
    <section aria-label="Users" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Users</Subtitle1>
      <NoteBar note={note} />
      <NewUserForm onCreate={(user) => act((api) => api.createUser(user), `${user.username} was added.`)} />
      <Field label="Find a user">
        <Input value={filter} onChange={(_e, d) => setFilter(d.value)} />
      </Field>
      <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
        {shown.map((u) => (
          <li key={u.username} data-user={u.username}>
            <UserRow user={u} act={act} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewUserForm({
  onCreate,
}: {
  onCreate(user: { username: string; password: string; displayName?: string }): void;
}) {
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  return (
    <form
      aria-label="Add a user"
      style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }}
      onSubmit={(event) => {
        event.preventDefault();
        onCreate({ username: username.trim().toLowerCase(), password, displayName: displayName.trim() || undefined });
        setUsername("");
        setDisplayName("");
        setPassword("");
      }}
    >
      <Field label="New user name">
        <Input value={username} onChange={(_e, d) => setUsername(d.value)} />
      </Field>
      <Field label="Display name">
        <Input value={displayName} onChange={(_e, d) => setDisplayName(d.value)} />
      </Field>
      <Field label="Initial password">
        <Input type="password" value={password} onChange={(_e, d) => setPassword(d.value)} />
      </Field>
      <Button type="submit" disabled={!username.trim() || !password}>
        Add user
      </Button>
    </form>
  );
}

type Act = (work: Parameters<ReturnType<typeof useSession>["call"]>[0], done: string) => Promise<void>;

function UserRow({ user, act }: { user: User; act: Act }) {
  const [password, setPassword] = useState("");
  const [deleting, setDeleting] = useState(false);
  const name = user.username;
  return (
    <div
      style={{
        display: "grid",
        gap: 4,
        padding: 8,
        border: `1px solid ${tokens.colorNeutralStroke2}`,
        borderRadius: 4,
      }}
    >
      <Text weight="semibold">
        {user.displayName || name} ({name}){user.disabled ? " · disabled" : ""}
        {user.admin ? " · administrator" : ""}
      </Text>
      <Caption1>{user.email}</Caption1>
      <div style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "center" }}>
        <Checkbox
          label="Listed in the Local Directory"
          checked={user.visibleInDirectory}
          onChange={(_e, d) =>
            act(
              (api) => api.updateUser(name, { visibleInDirectory: Boolean(d.checked) }),
              d.checked ? `${name} is listed in the Local Directory.` : `${name} is hidden from the Local Directory.`,
            )
          }
        />
        <Checkbox
          label="Administrator"
          checked={user.admin}
          onChange={(_e, d) =>
            act(
              (api) => api.updateUser(name, { admin: Boolean(d.checked) }),
              d.checked ? `${name} is an administrator.` : `${name} is no longer an administrator.`,
            )
          }
        />
        <Button
          onClick={() =>
            act(
              (api) => api.updateUser(name, { disabled: !user.disabled }),
              user.disabled ? `${name} can sign in again.` : `${name} can no longer sign in.`,
            )
          }
        >
          {user.disabled ? `Enable ${name}` : `Disable ${name}`}
        </Button>
        <form
          style={{ display: "flex", gap: 4, alignItems: "end" }}
          onSubmit={(event) => {
            event.preventDefault();
            act((api) => api.updateUser(name, { password }), `The password of ${name} was reset.`);
            setPassword("");
          }}
        >
          <Field label={`New password for ${name}`}>
            <Input type="password" value={password} onChange={(_e, d) => setPassword(d.value)} />
          </Field>
          <Button type="submit" disabled={!password}>
            Reset password
          </Button>
        </form>
        {!deleting && <Button onClick={() => setDeleting(true)}>Delete {name}</Button>}
      </div>
      {deleting && (
        <div style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "center" }}>
          <Text>
            Delete {name}? Their shares end. Keep their address books (an administrator can give them to someone else),
            or delete the books with them?
          </Text>
          <Button
            onClick={() => act((api) => api.deleteUser(name, "keep"), `${name} was deleted; their books were kept.`)}
          >
            Delete {name}, keep the books
          </Button>
          <Button onClick={() => act((api) => api.deleteUser(name, "delete"), `${name} and their books were deleted.`)}>
            Delete {name} and the books
          </Button>
          <Button onClick={() => setDeleting(false)}>Cancel</Button>
        </div>
      )}
    </div>
  );
}

const surfaces = ["", "web", "outlook-addin", "rest", "import", "ldap-import", "carddav", "syncml", "admin-cli"];

/** RFC 4180 CSV: every field quoted, quotes doubled. */
export function auditCsv(entries: AuditEntry[]): string {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const rows = entries.map((e) =>
    [e.at, e.user, e.surface, e.book, e.uid, e.op, e.fields.join(" ")].map(quote).join(","),
  );
  return ["at,user,surface,book,uid,op,fields", ...rows].join("\r\n") + "\r\n";
}

function AuditLog() {
  const { call } = useSession();
  const [query, setQuery] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [note, setNote] = useState<Note>();
  const load = useCallback(
    async (from?: string) => {
      try {
        const page = await call((api) => api.audit(dated(query), from));
        setEntries((old) => (from ? [...(old ?? []), ...page.entries] : page.entries));
        setCursor(page.cursor);
      } catch (failure) {
        setNote({ intent: "error", text: messageOf(failure) });
      }
    },
    [call, query],
  );
  useEffect(() => {
    load();
  }, [load]);
  const set = (key: keyof AuditQuery, value: string) => setQuery((q) => ({ ...q, [key]: value || undefined }));
  const download = () => {
    const url = URL.createObjectURL(new Blob([auditCsv(entries ?? [])], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "concord-audit.csv";
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section aria-label="Audit log" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Audit log</Subtitle1>
      <NoteBar note={note} />
      <div style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }}>
        <Field label="User">
          <Input value={query.user ?? ""} onChange={(_e, d) => set("user", d.value.trim())} />
        </Field>
        <Field label="Book">
          <Input value={query.book ?? ""} onChange={(_e, d) => set("book", d.value.trim())} />
        </Field>
        <Field label="Surface">
          <Select value={query.surface ?? ""} onChange={(_e, d) => set("surface", d.value)}>
            {surfaces.map((s) => (
              <option key={s} value={s}>
                {s || "any"}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="From (date)">
          <Input type="date" value={query.since ?? ""} onChange={(_e, d) => set("since", d.value)} />
        </Field>
        <Field label="Until (date)">
          <Input type="date" value={query.until ?? ""} onChange={(_e, d) => set("until", d.value)} />
        </Field>
        <Button onClick={download} disabled={!entries?.length}>
          Export as CSV
        </Button>
      </div>
      <table style={{ borderCollapse: "collapse", width: "100%" }}>
        <thead>
          <tr>
            {["When", "User", "Surface", "Book", "Contact", "Change", "Fields"].map((h) => (
              <th key={h} style={{ textAlign: "left", padding: 4 }}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries?.map((e, i) => (
            <tr key={i} style={{ borderTop: `1px solid ${tokens.colorNeutralStroke3}` }}>
              <td style={{ padding: 4 }}>{new Date(e.at).toLocaleString("en")}</td>
              <td style={{ padding: 4 }}>{e.user}</td>
              <td style={{ padding: 4 }}>{e.surface}</td>
              <td style={{ padding: 4 }}>{e.book}</td>
              <td style={{ padding: 4 }}>{e.uid}</td>
              <td style={{ padding: 4 }}>{e.op}</td>
              <td style={{ padding: 4 }}>{e.fields.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries?.length === 0 && <Text>No contact writes match.</Text>}
      {cursor && <Button onClick={() => load(cursor)}>Show older entries</Button>}
    </section>
  );
}

/** The date filters as whole days: "until" a date includes that day. */
function dated(query: AuditQuery): AuditQuery {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    ...query,
    since: query.since ? `${query.since}T00:00:00Z` : undefined,
    until: query.until ? nextDay(query.until) : undefined,
  };
}
