// Users (admins only): search, add, disable and enable, reset the password, grant and revoke admin,
// Local Directory visibility, delete (saying what happens to their books).
import { useCallback, useEffect, useState } from "react";
import { Button, Caption1, Checkbox, Field, Input, Subtitle1, Text, tokens } from "@fluentui/react-components";
import { messageOf, type User } from "../api";
import { useSession } from "../session";
import { NoteBar, type Note } from "./parts";

export function UsersPage() {
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
