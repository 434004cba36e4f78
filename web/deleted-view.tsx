// A book's recently deleted contacts (kept while the server's TOMBSTONE_RETENTION_DAYS lasts), each
// with Restore. Restoring writes the contact again, so every client's next sync brings it back.
import { useCallback, useEffect, useState } from "react";
import { Button, Caption1, MessageBar, MessageBarBody, Spinner, Subtitle1, Text } from "@fluentui/react-components";
import { messageOf, type Book, type DeletedItem } from "./api";
import { useSession } from "./session";

export function DeletedView({ book, onRestored }: { book: Book; onRestored(): void }) {
  const { call } = useSession();
  const [items, setItems] = useState<DeletedItem[]>();
  const [message, setMessage] = useState<{ intent: "error" | "success"; text: string }>();
  const load = useCallback(async () => {
    try {
      setItems((await call((api) => api.deleted(book.id))).deleted);
    } catch (failure) {
      setMessage({ intent: "error", text: messageOf(failure) });
      setItems([]);
    }
  }, [book.id, call]);
  useEffect(() => {
    load();
  }, [load]);

  const restore = async (item: DeletedItem) => {
    try {
      await call((api) => api.restore(book.id, item.uid));
      setMessage({ intent: "success", text: `${item.displayName || item.uid} is back in ${book.name}.` });
      onRestored();
      await load();
    } catch (failure) {
      setMessage({ intent: "error", text: messageOf(failure) });
    }
  };

  return (
    <section aria-label="Recently deleted" style={{ display: "grid", gap: 8, padding: 16 }}>
      <Subtitle1 as="h2">Recently deleted from {book.name}</Subtitle1>
      {message && (
        <MessageBar layout="multiline" intent={message.intent}>
          <MessageBarBody>{message.text}</MessageBarBody>
        </MessageBar>
      )}
      {!items && <Spinner label="Loading…" />}
      {items?.length === 0 && <Text>Nothing was deleted recently.</Text>}
      <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
        {items?.map((item) => (
          <li key={item.uid} style={{ display: "flex", gap: 8, alignItems: "center" }}>
            <div style={{ flex: 1, display: "grid" }}>
              <Text>{item.displayName || item.uid}</Text>
              <Caption1>
                Deleted {new Date(item.deletedAt).toLocaleString("en")}
                {item.deletedBy ? ` by ${item.deletedBy}` : ""}
              </Caption1>
            </div>
            <Button aria-label={`Restore ${item.displayName || item.uid}`} onClick={() => restore(item)}>
              Restore
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
