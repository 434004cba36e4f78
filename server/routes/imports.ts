// Import: upload a file (its bytes are the body) → preview → change the guesses → dry run →
// commit → progress, cancel, undo; and named column mappings. Only writers of a book import
// into it (access policy), and every write is audited with the surface "import".
import { type Request, Router } from "express";
import type { AppDeps } from "../app-deps";
import { handle } from "../http/handle";
import { HttpError } from "../http/errors";
import { parseOr400 } from "../http/validate";
import { importServiceFor } from "../imports";
import {
  duplicatesSchema,
  importQuerySchema,
  importSettingsSchema,
  mappingBodySchema,
  mappingNameSchema,
} from "../imports/schemas";
import { boundaryOf, MAX_FORM_BYTES, readFormUpload } from "../imports/multipart";
import { storeError } from "../store/errors";

export const IMPORT_TYPES = [
  "text/csv",
  "text/vcard",
  "text/x-vcard",
  "text/directory",
  "text/plain",
  "text/x-ldif",
  "application/octet-stream",
];

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

function tooLarge(max: number) {
  return new HttpError(
    413,
    "payload-too-large",
    `The file is larger than ${mib(max)}, the most an import takes (IMPORT_MAX_BYTES)`,
  );
}

/** Where a browser form may post its file (multipart/form-data): the app refuses forms elsewhere. */
export const acceptsFormUpload = (req: Request) =>
  req.method === "POST" && /^\/api\/books\/[^/]+\/imports\/?$/.test(req.path);

const formSettings = ["format", "charset", "delimiter", "mapping"];

/** The file and the settings sent beside it: the body itself, or one file part of a form (whose
 *  fields format, charset, delimiter and mapping are read as the query's). Refused past `max`. */
async function readUpload(req: Request, max: number): Promise<{ bytes: Buffer; fields: Record<string, string> }> {
  if (req.is("multipart/form-data")) {
    const boundary = boundaryOf(req.get("content-type"));
    if (!boundary) throw new HttpError(400, "invalid-form", "The multipart Content-Type names no boundary");
    if (Number(req.get("content-length") ?? 0) > max + MAX_FORM_BYTES) throw tooLarge(max);
    const form = await readFormUpload(req as AsyncIterable<Buffer>, boundary, max, () => tooLarge(max));
    const fields = Object.fromEntries(Object.entries(form.fields).filter(([k]) => formSettings.includes(k)));
    return { bytes: form.file, fields };
  }
  return { bytes: await readBody(req, max), fields: {} };
}

/** The body's bytes, refused past `max` (by its Content-Length before reading, else as it arrives). */
async function readBody(req: Request, max: number): Promise<Buffer> {
  if (!req.is(IMPORT_TYPES))
    throw new HttpError(
      415,
      "unsupported-media-type",
      `Send the file as one of ${[...IMPORT_TYPES, "multipart/form-data"].join(", ")}`,
    );
  if (Number(req.get("content-length") ?? 0) > max) throw tooLarge(max);
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      req.unpipe();
      req.resume();
      throw tooLarge(max);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export function importRoutes(deps: AppDeps): Router {
  const { access, imports } = deps;
  const service = importServiceFor(deps);
  const router = Router();

  router.post(
    "/api/books/:book/imports",
    handle(async (req, res) => {
      const book = await access.writableBook(req.user!, req.params.book);
      parseOr400(importQuerySchema, req.query, "query"); // a wrong query is refused before the file is read
      const { bytes, fields } = await readUpload(req, deps.config.importMaxBytes);
      const query = parseOr400(importQuerySchema, { ...fields, ...req.query }, "query");
      const named = query.mapping ? await imports.mapping(req.user!._id, query.mapping) : undefined;
      if (query.mapping && !named) throw storeError("not-found", `No import mapping named ${query.mapping}`);
      const settings = {
        format: query.format,
        charset: query.charset,
        delimiter: query.delimiter === "tab" ? ("\t" as const) : query.delimiter,
        mapping: named?.mapping,
      };
      res.status(201).json(await service.upload(req.user!, book.id, bytes, settings));
    }),
  );

  router.get(
    "/api/imports/:id",
    handle(async (req, res) => void res.json(await service.status(req.user!, req.params.id))),
  );
  router.get(
    "/api/imports/:id/preview",
    handle(async (req, res) => void res.json(await service.preview(req.user!, req.params.id))),
  );
  router.put(
    "/api/imports/:id",
    handle(async (req, res) => {
      const settings = parseOr400(importSettingsSchema, req.body);
      res.json(await service.configure(req.user!, req.params.id, settings));
    }),
  );
  router.post(
    "/api/imports/:id/dry-run",
    handle(async (req, res) => {
      const { duplicates } = parseOr400(duplicatesSchema, req.body);
      res.json(await service.dryRun(req.user!, req.params.id, duplicates));
    }),
  );
  router.post(
    "/api/imports/:id/commit",
    handle(async (req, res) => {
      const { duplicates } = parseOr400(duplicatesSchema, req.body);
      const job = await service.status(req.user!, req.params.id);
      await access.writableBook(req.user!, job.book); // access may have changed since the upload
      res.status(202).json(await service.commit(req.user!, req.params.id, duplicates));
    }),
  );
  router.post(
    "/api/imports/:id/cancel",
    handle(async (req, res) => void res.json(await service.cancel(req.user!, req.params.id))),
  );
  router.post(
    "/api/imports/:id/undo",
    handle(async (req, res) => {
      const job = await service.status(req.user!, req.params.id);
      await access.writableBook(req.user!, job.book);
      res.status(202).json(await service.undo(req.user!, req.params.id));
    }),
  );

  router.get(
    "/api/import-mappings",
    handle(async (req, res) => void res.json({ mappings: await imports.mappings(req.user!._id) })),
  );
  router.get(
    "/api/import-mappings/:name",
    handle(async (req, res) => {
      const name = parseOr400(mappingNameSchema, req.params.name, "name");
      const found = await imports.mapping(req.user!._id, name);
      if (!found) throw storeError("not-found", `No import mapping named ${name}`);
      res.json(found);
    }),
  );
  router.put(
    "/api/import-mappings/:name",
    handle(async (req, res) => {
      const name = parseOr400(mappingNameSchema, req.params.name, "name");
      const { mapping, shared } = parseOr400(mappingBodySchema, req.body);
      if (shared && !req.user!.admin) throw storeError("forbidden", "Only an administrator shares a mapping");
      res.json(await imports.putMapping(shared ? null : req.user!._id, name, mapping));
    }),
  );
  router.delete(
    "/api/import-mappings/:name",
    handle(async (req, res) => {
      const name = parseOr400(mappingNameSchema, req.params.name, "name");
      const shared = req.query.shared === "true";
      if (shared && !req.user!.admin) throw storeError("forbidden", "Only an administrator removes a shared mapping");
      if (!(await imports.deleteMapping(shared ? null : req.user!._id, name)))
        throw storeError("not-found", `No import mapping named ${name}`);
      res.status(204).end();
    }),
  );
  return router;
}
