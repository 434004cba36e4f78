import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { booksQuerySchema, newBookSchema, shareSchema } from "../http/api-schemas";
import { usernameSchema } from "../store/account-schemas";

const COUNT_AT_ONCE = 4;

export function bookRoutes({ books, access, accounts, quotas, store }: AppDeps): Router {
  const router = Router();

  router.get(
    "/api/books",
    handle(async (req, res) => {
      const { scope } = parseOr400(booksQuerySchema, req.query, "query");
      const listed = await access.listBooks(req.user!, scope ?? "mine");
      // Each book carries its live contacts' count, from this instance's cache (which searches load anyway).
      // `scope=all` (every book, for the admin console) may load many books: a few at a time, so the
      // listing never loads them all at once, into memory or onto the database.
      const counts: number[] = [];
      for (let i = 0; i < listed.length; i += COUNT_AT_ONCE)
        counts.push(...(await Promise.all(listed.slice(i, i + COUNT_AT_ONCE).map((b) => store.countLive(b.id)))));
      res.json({ books: listed.map((book, i) => ({ ...book, count: counts[i] })) });
    }),
  );

  router.post(
    "/api/books",
    handle(async (req, res) => {
      const { name, owner } = parseOr400(newBookSchema, req.body);
      const caller = req.user!;
      const ownerId = owner ?? caller._id;
      access.mayCreateBookFor(caller, ownerId);
      const { displayName, username } = await accounts.findUser(ownerId);
      await quotas.checkNewBook(ownerId, Boolean(caller.admin));
      const book = await books.createPab(name, ownerId);
      res.status(201).json({ ...book, ownerName: displayName || username, access: "write" });
    }),
  );

  router.get(
    "/api/books/:book/shares",
    handle(async (req, res) => {
      const book = await access.shareableBook(req.user!, req.params.book);
      const shares = await books.sharesOfBook(book.id);
      res.json({ shares: shares.map(({ username, access }) => ({ username, access })) });
    }),
  );

  router.put(
    "/api/books/:book/shares/:username",
    handle(async (req, res) => {
      const username = parseOr400(usernameSchema, req.params.username, "username");
      const { access: level } = parseOr400(shareSchema, req.body);
      const book = await access.shareableBook(req.user!, req.params.book); // who cannot manage it learns nothing about users
      await accounts.findShareableUser(req.user!, username);
      res.json(await books.putShare({ book: book.id, username, access: level }));
    }),
  );

  router.delete(
    "/api/books/:book/shares/:username",
    handle(async (req, res) => {
      const username = parseOr400(usernameSchema, req.params.username, "username");
      const book = await access.shareableBook(req.user!, req.params.book);
      await books.deleteShare(book.id, username);
      res.status(204).end();
    }),
  );
  return router;
}
