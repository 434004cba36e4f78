// The open book's "Import contacts" (books the user can write) and "Export contacts" (any book).
import { Link } from "react-router";
import type { Book } from "../api";
import { ExportDialog } from "../export/export-dialog";

export function BookTransferActions({ book }: { book: Book }) {
  return (
    <div style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 8, padding: "4px 8px" }}>
      {book.access === "write" && <Link to={`/books/${encodeURIComponent(book.id)}/import`}>Import contacts</Link>}
      <ExportDialog book={book} />
    </div>
  );
}
