// Renaming, reassigning and deleting an address book (PATCH/DELETE /api/books/:book): the owner
// renames or deletes their own PABs, an administrator any PAB, and only an administrator gives
// one to another user.
import { Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../app-deps";
import { badRequest } from "../http/errors";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { usernameSchema } from "../store/accounts";

export const bookPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(256).optional(),
  owner: usernameSchema.optional(),
});

export function bookAdminRoutes({ books, access }: AppDeps): Router {
  const router = Router();
  router.patch(
    "/api/books/:book",
    handle(async (req, res) => {
      const patch = parseOr400(bookPatchSchema, req.body);
      if (patch.name === undefined && patch.owner === undefined)
        throw badRequest("Send a new name, a new owner, or both");
      const book = await access.changeablePab(req.user!, req.params.book, patch);
      const updated = await books.updatePab(book.id, patch);
      res.json(await access.visibleBook(req.user!, updated.id).catch(() => ({ ...book, ...updated })));
    }),
  );
  router.delete(
    "/api/books/:book",
    handle(async (req, res) => {
      const book = await access.deletablePab(req.user!, req.params.book).catch(async (err) => {
        // A deletion that stopped half-way left no book to check: an administrator may finish it.
        if (req.user!.admin && err?.kind === "not-found") return undefined;
        throw err;
      });
      await books.deletePab(book?.id ?? req.params.book);
      res.status(204).end();
    }),
  );
  return router;
}
