// The books the user can see, with owner, access and how many contacts each holds. The server's book
// list carries no count, so each book is counted by paging its listing, up to a cap.
import { useEffect, useState } from "react";
import { Badge, Caption1, Text, tokens } from "@fluentui/react-components";
import { NavLink } from "react-router";
import type { Book } from "./api";
import { BookTransferActions } from "./import/book-actions";
import { useSession } from "./session";
import { accessText, ownerText } from "./words";

const COUNT_PAGES = 20;
const PAGE = 1000;

export function BookNav({ books, current, version }: { books: Book[]; current?: string; version: number }) {
  const counts = useCounts(books, version);
  return (
    <nav aria-label="Address books" style={{ overflowY: "auto", padding: 8 }}>
      <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 4 }}>
        {books.map((book) => (
          <li key={book.id}>
            <NavLink
              to={`/books/${encodeURIComponent(book.id)}`}
              aria-current={book.id === current ? "page" : undefined}
              style={{
                display: "grid",
                padding: "6px 8px",
                borderRadius: 4,
                textDecoration: "none",
                color: tokens.colorNeutralForeground1,
                background: book.id === current ? tokens.colorNeutralBackground1Selected : undefined,
              }}
            >
              <Text weight="semibold">{book.name}</Text>
              <Caption1>
                {ownerText(book)} · {accessText(book)}
              </Caption1>
              <span>
                <Badge appearance="tint" color="informative" data-count={book.id}>
                  {countText(counts.get(book.id))}
                </Badge>
              </span>
            </NavLink>
            {book.id === current && <BookTransferActions book={book} />}
          </li>
        ))}
      </ul>
    </nav>
  );
}

function countText(count: number | undefined): string {
  if (count === undefined) return "counting…";
  const shown = count.toLocaleString("en");
  return count >= COUNT_PAGES * PAGE ? `${shown}+ contacts` : `${shown} contact${count === 1 ? "" : "s"}`;
}

function useCounts(books: Book[], version: number): Map<string, number> {
  const { call } = useSession();
  const [counts, setCounts] = useState(new Map<string, number>());
  useEffect(() => {
    let stopped = false;
    void version; // counted again after a write
    (async () => {
      for (const book of books) {
        let count = 0;
        let cursor: string | undefined;
        for (let page = 0; page < COUNT_PAGES && !stopped; page++) {
          const result = await call((api) => api.searchContacts(book.id, { limit: PAGE, cursor })).catch(() => null);
          if (!result) break;
          count += result.contacts.length;
          cursor = result.cursor ?? undefined;
          if (!cursor) break;
        }
        if (stopped) return;
        setCounts((old) => new Map(old).set(book.id, count));
      }
    })();
    return () => {
      stopped = true;
    };
  }, [books, version, call]);
  return counts;
}
