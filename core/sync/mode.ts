// The mode rule every sync client applies to a server book.
import type { z } from "zod";
import type { bookSchema } from "../api/schemas";
import type { SyncMode } from "./sync-types";

/**
 * A read-only book is pulled, a writable one (an admin's GAB included) syncs both ways. Publishing
 * (the server book becomes the folder) is never chosen from the access: only by the user's explicit request.
 */
export function modeFor(book: Pick<z.infer<typeof bookSchema>, "kind" | "access">): SyncMode {
  return book.access === "read" ? "pull" : "two-way";
}
