// Contact search: one book (`GET /api/books/:book/contacts` with `q`, `category` or `sort`, which
// routes/contacts.ts hands to searchBook), or
// every book the caller can read (`GET /api/search`, what an address lookup needs). Matching,
// order and paging are the store's (ContactSearch in store/contract.ts), over each instance's
// cache of the book, so a search never scans the database.
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { MAX_PAGE } from "../../core/api/schemas";
import type { AppDeps } from "../app-deps";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { compareEntries, searchable } from "../store/search-text";

const text = z.string().max(256);
export const bookSearchQuerySchema = z.strictObject({
  q: text.optional(),
  category: text.optional(),
  sort: z.enum(["name", "company"]).optional(),
  /** The A–Z jump: start at the first contact whose sort key is at or past this (e.g. `M`). */
  from: text.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  cursor: z.string().max(4096).optional(),
});
export const searchQuerySchema = z.strictObject({
  q: text.optional(),
  category: text.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});

/** Whether a listing request asks for a search (else the plain listing in log order answers it). */
export const isSearch = (query: Record<string, unknown>) =>
  ["q", "category", "sort", "from"].some((k) => query[k] !== undefined);

/** `GET /api/books/:book/contacts` when it asks for a search (routes/contacts.ts hands it over). */
export async function searchBook(deps: Pick<AppDeps, "access" | "store">, req: Request, res: Response): Promise<void> {
  const book = await deps.access.visibleBook(req.user!, req.params.book);
  const { q, category, sort, from, limit, cursor } = parseOr400(bookSearchQuerySchema, req.query, "query");
  const page = await deps.store.search(book.id, { text: q, category, sort, from }, limit, cursor);
  res.json({ contacts: page.contacts.map(({ uid, etag, contact }) => ({ uid, etag, contact })), cursor: page.cursor });
}

export function searchRoutes(deps: AppDeps): Router {
  const { access, store } = deps;
  const router = Router();

  router.get(
    "/api/search",
    handle(async (req, res) => {
      const { q, category, limit } = parseOr400(searchQuerySchema, req.query, "query");
      const books = await access.listBooks(req.user!);
      const pages = await Promise.all(books.map((b) => store.search(b.id, { text: q, category }, limit)));
      const hits = pages.flatMap((page, i) =>
        page.contacts.map((c) => ({ book: books[i].id, c, key: searchable(c.uid, c.contact).key, uid: c.uid })),
      );
      hits.sort((x, y) => compareEntries(x, y) || (x.book < y.book ? -1 : x.book > y.book ? 1 : 0));
      res.json({
        contacts: hits.slice(0, limit).map(({ book, c }) => ({ book, uid: c.uid, etag: c.etag, contact: c.contact })),
      });
    }),
  );

  return router;
}
