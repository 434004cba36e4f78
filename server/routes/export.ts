// Export: a whole book (GET) or a selection (POST {uids}) in Outlook CSV, Google CSV, generic
// CSV, vCard 3.0 or 4.0, streamed a page at a time. Any reader of the book may export it.
import type { Response } from "express";
import { Router } from "express";
import { exportExtension, exportMediaType } from "../../core/formats/import";
import type { AppDeps } from "../app-deps";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { exportBook } from "../imports";
import { exportQuerySchema, exportSelectionSchema } from "../imports/schemas";

/** A write that waits while the socket's buffer is full: memory stays bounded by one page. */
export const writerTo = (res: Response) => (bytes: Uint8Array) =>
  new Promise<void>((resolve, reject) => {
    if (res.destroyed) return reject(new Error("the client went away"));
    if (res.write(bytes)) return resolve();
    // Both listeners go once either fires: a long export waits on drain thousands of times.
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });

export function exportRoutes(deps: AppDeps): Router {
  const router = Router();
  const send = async (req: Parameters<Parameters<typeof handle>[0]>[0], res: Response, uids?: string[]) => {
    const book = await deps.access.visibleBook(req.user!, req.params.book);
    const { format, charset } = parseOr400(exportQuerySchema, req.query, "query");
    const name = `${book.name.replace(/[^\w .-]+/g, "_")}.${exportExtension(format)}`;
    res.type(`${exportMediaType(format)}; charset=${charset}`);
    res.set("Content-Disposition", `attachment; filename="${name}"`);
    // The first page is read before anything is sent: an error up to there is still a proper answer.
    try {
      await exportBook({ contacts: deps.store, photos: deps.photos }, book.id, format, charset, writerTo(res), uids);
    } catch (err) {
      if (!res.headersSent) throw err;
      deps.logger.error({ err, book: book.id }, "an export stopped half-way");
      return void res.destroy(); // a cut-off body, never a body that looks complete
    }
    res.end();
  };
  router.get(
    "/api/books/:book/export",
    handle((req, res) => send(req, res)),
  );
  router.post(
    "/api/books/:book/export",
    handle(async (req, res) => send(req, res, parseOr400(exportSelectionSchema, req.body).uids)),
  );
  return router;
}
