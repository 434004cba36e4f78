// What to do with the contacts ticked in the list: delete them, copy or move them to another book the
// user can write, add or remove a category (a contact group), or export them as one vCard file. Deletes and moves send each contact's etag
// (If-Match), so a contact someone changed meanwhile is left alone and counted.
import { useState } from "react";
import { Button, Field, Input, MessageBar, MessageBarBody, Select, Text, tokens } from "@fluentui/react-components";
import type { ServerOpResult } from "../core/sync/sync-types";
import { messageOf, type Book, type StoredContact } from "./api";
import { useSession } from "./session";
import { plural } from "./words";

export type Outcome = { text: string; partial: boolean };
export type Props = {
  book: Book;
  books: Book[];
  selected: StoredContact[];
  onDone(outcome: Outcome): void;
  onClear(): void;
};

const failed = (results: ServerOpResult[]) => results.filter((r) => r.status === "conflict" || r.status === "error");

export function SelectionBar({ book, books, selected, onDone, onClear }: Props) {
  const { call } = useSession();
  const targets = books.filter((b) => b.access === "write" && b.id !== book.id);
  const [target, setTarget] = useState(targets[0]?.id ?? "");
  const [error, setError] = useState<string>();
  const [category, setCategory] = useState("");
  const [busy, setBusy] = useState(false);
  const writable = book.access === "write";
  const targetName = books.find((b) => b.id === target)?.name ?? "";

  const run = async (work: () => Promise<Outcome>) => {
    setBusy(true);
    try {
      onDone(await work());
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const remove = (from: StoredContact[]) =>
    call((api) =>
      api.applyBatch(
        book.id,
        from.map((s) => ({ op: "delete" as const, uid: s.uid, ifMatch: s.etag })),
      ),
    );
  const copy = () =>
    call((api) =>
      api.applyBatch(
        target,
        selected.map((s) => {
          const uid = crypto.randomUUID();
          return { op: "put" as const, uid, contact: { ...s.contact, uid } };
        }),
      ),
    );
  // A category is a contact group: added to or removed from each contact, each saved with its etag.
  const recategorize = (add: boolean) => {
    const name = category.trim();
    const ops = selected.map((s) => {
      const others = s.contact.categories.filter((c) => c.toLowerCase() !== name.toLowerCase());
      const categories = add ? [...others, name] : others;
      return { op: "put" as const, uid: s.uid, ifMatch: s.etag, contact: { ...s.contact, categories } };
    });
    return call((api) => api.applyBatch(book.id, ops));
  };
  const summary = (done: string, results: ServerOpResult[]): Outcome => {
    const bad = failed(results).length;
    return bad
      ? { text: `${done}; ${plural(bad, "contact")} not: changed meanwhile or refused.`, partial: true }
      : { text: `${done}.`, partial: false };
  };

  return (
    <section
      aria-label="Selected contacts"
      style={{ display: "grid", gap: 8, padding: 8, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` }}
    >
      <Text weight="semibold">{plural(selected.length, "contact")} selected</Text>
      <div style={{ display: "flex", gap: 4, flexWrap: "wrap", alignItems: "end" }}>
        {targets.length > 0 && (
          <Field label="Copy or move to">
            <Select value={target} onChange={(_e, d) => setTarget(d.value)}>
              {targets.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {targets.length > 0 && (
          <Button
            disabled={busy}
            onClick={() =>
              run(async () => summary(`Copied ${plural(selected.length, "contact")} to ${targetName}`, await copy()))
            }
          >
            Copy
          </Button>
        )}
        {targets.length > 0 && writable && (
          <Button
            disabled={busy}
            onClick={() =>
              run(async () => {
                const copied = await copy();
                const moved = selected.filter((_s, i) => !failed([copied[i]]).length);
                const removed = moved.length ? await remove(moved) : [];
                return summary(`Moved ${plural(moved.length, "contact")} to ${targetName}`, [
                  ...failed(copied),
                  ...removed,
                ]);
              })
            }
          >
            Move
          </Button>
        )}
        {writable && (
          <Button
            disabled={busy}
            onClick={() =>
              run(async () => summary(`Deleted ${plural(selected.length, "contact")}`, await remove(selected)))
            }
          >
            Delete selected
          </Button>
        )}
        {writable && (
          <Field label="Category">
            <Input value={category} onChange={(_e, d) => setCategory(d.value)} />
          </Field>
        )}
        {writable && (
          <Button
            disabled={busy || !category.trim()}
            onClick={() =>
              run(async () =>
                summary(`Added ${category.trim()} to ${plural(selected.length, "contact")}`, await recategorize(true)),
              )
            }
          >
            Add category
          </Button>
        )}
        {writable && (
          <Button
            disabled={busy || !category.trim()}
            onClick={() =>
              run(async () =>
                summary(
                  `Removed ${category.trim()} from ${plural(selected.length, "contact")}`,
                  await recategorize(false),
                ),
              )
            }
          >
            Remove category
          </Button>
        )}
        <Button
          disabled={busy}
          onClick={() =>
            run(async () => {
              const cards = await Promise.all(
                selected.map((s) => call((api) => api.vcard(book.id, s.uid)).then((b) => b.text())),
              );
              const url = URL.createObjectURL(new Blob(cards, { type: "text/vcard" }));
              const a = document.createElement("a");
              a.href = url;
              a.download = `${book.name.replace(/[\\/:*?"<>|]+/g, "_")}.vcf`;
              a.click();
              setTimeout(() => URL.revokeObjectURL(url), 10_000);
              return { text: `Exported ${plural(selected.length, "contact")}.`, partial: false };
            })
          }
        >
          Export
        </Button>
        <Button appearance="subtle" onClick={onClear}>
          Clear selection
        </Button>
      </div>
      {error && (
        <MessageBar layout="multiline" intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
