// Recently deleted contacts of a book, and bringing one back. Writers of the book may list and
// restore; a restore is a new change, so every client's next sync brings the contact back.
import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { pageQuerySchema } from "../http/api-schemas";
import { quoted } from "../http/etag";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { writeContextOf } from "../http/write-context";
import { storeError } from "../store/errors";

export function deletedRoutes({ access, store }: AppDeps): Router {
  const router = Router();
  router.get(
    "/api/books/:book/deleted",
    handle(async (req, res) => {
      const book = await access.restorableBook(req.user!, req.params.book);
      const { limit, cursor } = parseOr400(pageQuerySchema, req.query, "query");
      res.json(await store.deletedItems(book.id, limit, cursor));
    }),
  );
  router.post(
    "/api/books/:book/deleted/:uid/restore",
    handle(async (req, res) => {
      const book = await access.restorableBook(req.user!, req.params.book);
      const uid = req.params.uid;
      const contact = await store.deletedVersion(book.id, uid);
      // If-None-Match semantics: a uid created again meanwhile is not overwritten.
      const [result] = await store.applyWrites(book.id, [{ op: "put", uid, contact, ifNoneMatch: true }], {
        context: writeContextOf(req),
        restore: true,
      });
      if (result.kind) throw storeError(result.kind, result.error ?? "The restore was refused", result.details);
      if (result.status !== "created") {
        throw storeError("conflict", "This contact was created again since it was deleted: nothing was restored");
      }
      res.status(201).set("ETag", quoted(result.etag!)).json({ uid, etag: result.etag, contact });
    }),
  );
  return router;
}
