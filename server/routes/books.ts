import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { forbidden } from "../http/errors";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { booksQuerySchema, newBookSchema, shareSchema } from "../http/api-schemas";
import { usernameSchema } from "../store/accounts";

export function bookRoutes({ books, accounts }: AppDeps): Router {
  const router = Router();

  router.get(
    "/api/books",
    handle(async (req, res) => {
      const { scope } = parseOr400(booksQuerySchema, req.query, "query");
      res.json({ books: await books.listBooks(req.user!, scope ?? "mine") });
    }),
  );

  router.post(
    "/api/books",
    handle(async (req, res) => {
      const { name, owner } = parseOr400(newBookSchema, req.body);
      const caller = req.user!;
      if (owner && owner !== caller._id && !caller.admin) throw forbidden("Only an administrator can create an address book for another user");
      const ownerName = owner ?? caller._id;
      await accounts.findUser(ownerName);
      res.status(201).json(await books.createPab(name, ownerName));
    }),
  );

  router.get("/api/books/:book/shares", handle(async (req, res) => void res.json({ shares: await books.sharesOf(req.user!, req.params.book) })));

  router.put(
    "/api/books/:book/shares/:username",
    handle(async (req, res) => {
      const username = parseOr400(usernameSchema, req.params.username, "username");
      const { access } = parseOr400(shareSchema, req.body);
      await books.sharesOf(req.user!, req.params.book); // who cannot manage the book learns nothing about users
      await accounts.findShareableUser(req.user!, username);
      res.json(await books.share(req.user!, req.params.book, username, access));
    }),
  );

  router.delete(
    "/api/books/:book/shares/:username",
    handle(async (req, res) => {
      await books.unshare(req.user!, req.params.book, parseOr400(usernameSchema, req.params.username, "username"));
      res.status(204).end();
    }),
  );
  return router;
}
