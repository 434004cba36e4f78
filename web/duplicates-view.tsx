// "Find duplicates" in a book: the pairs that look like one person, each to review and merge field by
// field (core's merge, in the merge view) or to keep both. Merging keeps the second contact of the pair
// with the chosen fields, saved with If-Match, and deletes the first, also with If-Match.
import { useEffect, useState } from "react";
import { Button, Caption1, MessageBar, MessageBarBody, Spinner, Subtitle1, Text } from "@fluentui/react-components";
import type { Contact } from "../core/contact/contact";
import { messageOf, type Book, type StoredContact } from "./api";
import { findDuplicates, type DuplicatePair } from "./duplicates";
import { MergeView } from "./merge-view";
import { useSession } from "./session";
import { shownName } from "./words";

const MAX_PAGES = 20;

export function DuplicatesView({ book, onMerged }: { book: Book; onMerged(): void }) {
  const { call } = useSession();
  const [pairs, setPairs] = useState<DuplicatePair[]>();
  const [open, setOpen] = useState<DuplicatePair>();
  const [note, setNote] = useState<{ intent: "error" | "success"; text: string }>();

  useEffect(() => {
    (async () => {
      const all: StoredContact[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await call((api) => api.searchContacts(book.id, { limit: 1000, cursor }));
        all.push(...result.contacts);
        cursor = result.cursor ?? undefined;
        if (!cursor) break;
      }
      setPairs(findDuplicates(all));
    })().catch((failure) => {
      setNote({ intent: "error", text: messageOf(failure) });
      setPairs([]);
    });
  }, [book.id, call]);

  const drop = (pair: DuplicatePair) =>
    setPairs((ps) =>
      ps?.filter((p) => p !== pair && p.first.uid !== pair.first.uid && p.second.uid !== pair.first.uid),
    );

  const merge = async (pair: DuplicatePair, merged: Contact) => {
    try {
      await call((api) => api.saveContact(book.id, { ...merged, uid: pair.second.uid }, pair.second.etag));
      await call((api) => api.deleteContact(book.id, pair.first.uid, pair.first.etag));
      setNote({ intent: "success", text: `Merged into ${shownName(merged)}.` });
      setOpen(undefined);
      drop(pair);
      onMerged();
    } catch (failure) {
      setNote({ intent: "error", text: messageOf(failure) });
    }
  };

  return (
    <section aria-label="Duplicates" style={{ display: "grid", gap: 12, padding: 16 }}>
      <Subtitle1 as="h2">Duplicates in {book.name}</Subtitle1>
      {note && (
        <MessageBar layout="multiline" intent={note.intent}>
          <MessageBarBody>{note.text}</MessageBarBody>
        </MessageBar>
      )}
      {!pairs && <Spinner label="Looking for duplicates…" />}
      {pairs?.length === 0 && <Text>No duplicates found.</Text>}
      {open ? (
        <MergeView
          base={undefined}
          mine={open.first.contact}
          theirs={open.second.contact}
          mineLabel={shownName(open.first.contact)}
          theirsLabel={shownName(open.second.contact)}
          saveLabel="Merge into one contact"
          onCancel={() => setOpen(undefined)}
          onSave={(merged) => merge(open, merged)}
        />
      ) : (
        <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
          {pairs?.map((pair) => {
            const label = `${shownName(pair.first.contact)} and ${shownName(pair.second.contact)}`;
            return (
              <li
                key={`${pair.first.uid}/${pair.second.uid}`}
                style={{ display: "flex", gap: 8, alignItems: "center" }}
              >
                <div style={{ flex: 1, display: "grid" }}>
                  <Text>{label}</Text>
                  <Caption1>{pair.reasons.join(", ")}</Caption1>
                </div>
                {book.access === "write" && (
                  <Button aria-label={`Review ${label}`} onClick={() => setOpen(pair)}>
                    Review
                  </Button>
                )}
                <Button aria-label={`Keep both ${label}`} onClick={() => drop(pair)}>
                  Keep both
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
