// Mailing lists (admins only): create, rename, edit members, show or hide in the Local Directory, delete.
import { Button, Checkbox, Field, Input, Subtitle1, Text, Textarea } from "@fluentui/react-components";
import { useCallback, useState } from "react";
import type { MailingList } from "./admin-api";
import { card, NoteBar, useAdmin, useLoaded } from "./parts";

/** Members as typed: one address per line, or separated by commas. */
const membersOf = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((m) => m.trim())
    .filter(Boolean);

export function ListsPage() {
  const { run } = useAdmin();
  const { data: lists, note, act } = useLoaded(useCallback(() => run((api) => api.lists()), [run]));
  return (
    <section aria-label="Mailing lists" style={{ display: "grid", gap: 12 }}>
      <Subtitle1 as="h2">Mailing lists</Subtitle1>
      <NoteBar note={note} />
      <NewListForm onCreate={(list) => act(() => run((api) => api.createList(list)), `${list.address} was created.`)} />
      {lists?.length === 0 && <Text>No mailing lists yet.</Text>}
      <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
        {lists?.map((list) => (
          <li key={list.address} data-list={list.address}>
            <ListCard list={list} act={act} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewListForm({ onCreate }: { onCreate(list: MailingList): void }) {
  const [address, setAddress] = useState("");
  const [name, setName] = useState("");
  const [members, setMembers] = useState("");
  return (
    <form
      aria-label="Create a mailing list"
      style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }}
      onSubmit={(event) => {
        event.preventDefault();
        const list = { address: address.trim().toLowerCase(), name: name.trim(), members: membersOf(members) };
        onCreate({ ...list, name: list.name || list.address, visibleInDirectory: true });
        setAddress("");
        setName("");
        setMembers("");
      }}
    >
      <Field label="List address">
        <Input type="email" value={address} onChange={(_e, d) => setAddress(d.value)} />
      </Field>
      <Field label="List name">
        <Input value={name} onChange={(_e, d) => setName(d.value)} />
      </Field>
      <Field label="Members (one address per line)">
        <Textarea value={members} onChange={(_e, d) => setMembers(d.value)} />
      </Field>
      <Button type="submit" disabled={!address.trim()}>
        Create list
      </Button>
    </form>
  );
}

type Act = ReturnType<typeof useLoaded>["act"];

function ListCard({ list, act }: { list: MailingList; act: Act }) {
  const { run } = useAdmin();
  const [name, setName] = useState(list.name);
  const [members, setMembers] = useState(list.members.join("\n"));
  const [deleting, setDeleting] = useState(false);
  const address = list.address;
  return (
    <div style={card}>
      <Text weight="semibold">
        {list.name} ({address}) · {list.members.length} {list.members.length === 1 ? "member" : "members"}
        {list.visibleInDirectory ? "" : " · hidden from the Local Directory"}
      </Text>
      <form
        aria-label={`Edit ${address}`}
        style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }}
        onSubmit={(event) => {
          event.preventDefault();
          const patch = { name: name.trim() || list.name, members: membersOf(members) };
          act(() => run((api) => api.updateList(address, patch)), `${address} was saved.`);
        }}
      >
        <Field label={`Name of ${address}`}>
          <Input value={name} onChange={(_e, d) => setName(d.value)} />
        </Field>
        <Field label={`Members of ${address}`}>
          <Textarea value={members} onChange={(_e, d) => setMembers(d.value)} resize="vertical" />
        </Field>
        <Button type="submit">Save {address}</Button>
      </form>
      <div style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "center" }}>
        <Checkbox
          label="Listed in the Local Directory"
          checked={list.visibleInDirectory}
          onChange={(_e, d) =>
            act(
              () => run((api) => api.updateList(address, { visibleInDirectory: Boolean(d.checked) })),
              d.checked
                ? `${address} is listed in the Local Directory.`
                : `${address} is hidden from the Local Directory.`,
            )
          }
        />
        {!deleting && <Button onClick={() => setDeleting(true)}>Delete {address}</Button>}
        {deleting && (
          <>
            <Text>Delete {address}? It leaves the Local Directory; its members' own entries stay.</Text>
            <Button onClick={() => act(() => run((api) => api.deleteList(address)), `${address} was deleted.`)}>
              Delete it
            </Button>
            <Button onClick={() => setDeleting(false)}>Cancel</Button>
          </>
        )}
      </div>
    </div>
  );
}
