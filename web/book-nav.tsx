// The books the user can see, with owner, access and how many contacts each holds (the server's book
// list counts them; the page reads the list again after a write).
import { Badge, Caption1, Text, tokens } from "@fluentui/react-components";
import { NavLink } from "react-router";
import type { Book } from "./api";
import { BookTransferActions } from "./import/book-actions";
import { accessText, ownerText } from "./words";

export function BookNav({ books, current }: { books: Book[]; current?: string }) {
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
                  {countText(book.count)}
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
  if (count === undefined) return "not counted";
  return `${count.toLocaleString("en")} contact${count === 1 ? "" : "s"}`;
}
