// Contacts of one book: paged listing, single contacts with If-Match /
// If-None-Match (RFC 9110 §13.1), the change feed, and batches. Contacts speak
// JSON, and vCard (3.0 by default, 4.0 on request) by content negotiation.
import { restStatus } from "../http/store-errors";
import express, { Router, type Request, type Response } from "express";
import type { Contact } from "../../core/contact/contact";
import type { ContactLimits } from "../../core/contact/limits";
import { emitVCard, parseVCard, VCardError } from "../../core/formats/vcard";
import type { AppDeps } from "../app-deps";
import { badRequest, busy, HttpError, notFound, preconditionFailed } from "../http/errors";
import { checkContactSize, checkPhotoSize, contactBodyLimit, contactLimitsOf } from "../http/contact-limits";
import { etagOf, quoted } from "../http/etag";
import { handle } from "../http/handle";
import { breather } from "../http/gentle-json";
import { changesJson, contactsJson, sendPageWithin } from "../http/page-bytes";
import { parseOr400 } from "../http/validate";
import { writeContextOf } from "../http/write-context";
import {
  batchSchema,
  changesQuerySchema,
  contactBodySchema,
  contactSchema,
  lookupSchema,
  pageQuerySchema,
} from "../http/api-schemas";
import type { OpResult, PendingPhoto, WriteOp } from "../store/contract";
import { StoreError, storeError } from "../store/errors";
import { isSearch, searchBook } from "./search";

const VCARD_TYPES = ["text/vcard", "text/x-vcard"];
const SAFE_IMAGE_TYPES = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/bmp",
  "image/tiff",
  "image/heic",
  "image/heif",
]);
// An Accept range with parameters only matches an offer with the same parameters
// (RFC 9110 §12.5.1), so the versioned forms are offered as well.
const OFFERED_TYPES = ["application/json", ...VCARD_TYPES, "text/vcard;version=3.0", "text/vcard;version=4.0"];

export function contactRoutes(deps: AppDeps): Router {
  const { access, store, photos } = deps;
  const router = Router();
  const limits = contactLimitsOf(deps.config);
  const vcardBody = express.raw({ type: VCARD_TYPES, limit: contactBodyLimit(deps.config) });
  const uidOf = (req: Request) => parseOr400(contactSchema.shape.uid, req.params.uid, "uid");

  router.get(
    "/api/books/:book/contacts",
    handle(async (req, res) => {
      if (isSearch(req.query)) return searchBook(deps, req, res);
      const book = await access.visibleBook(req.user!, req.params.book);
      const { limit, cursor } = parseOr400(pageQuerySchema, req.query, "query");
      await sendPageWithin(
        res,
        (n) => store.listContacts(book.id, cursor, n),
        "contacts",
        contactsJson,
        (p) => ({ cursor: p.cursor }),
        limit,
      );
    }),
  );

  // A contact's photo, to readers of its book only, with the media type that contact gives it.
  router.get(
    "/api/books/:book/contacts/:uid/photo",
    handle(async (req, res) => {
      const book = await access.visibleBook(req.user!, req.params.book);
      const found = await store.getContact(book.id, uidOf(req));
      const hash = found?.contact.photo?.hash;
      const bytes = hash ? await photos.load(hash) : null;
      if (!found || !bytes) throw notFound("This contact has no photo");
      // The media type came from a client: only raster image types are served as such, and the
      // response may never run as a page on this origin (where the add-in keeps its session).
      const declared = (found.contact.photo?.mediaType ?? "").toLowerCase();
      const type = SAFE_IMAGE_TYPES.has(declared) ? declared : "application/octet-stream";
      res.set({ "Cache-Control": "private, max-age=86400", "Content-Security-Policy": "sandbox; default-src 'none'" });
      res.type(type).send(bytes);
    }),
  );

  router.get(
    "/api/books/:book/contacts/:uid",
    handle(async (req, res) => {
      const book = await access.visibleBook(req.user!, req.params.book);
      const found = await store.getContact(book.id, uidOf(req));
      if (!found) throw notFound("No such contact");
      // One URL, representations chosen by Accept: caches must key on it (Vary), and each representation has
      // its own validator, so a 304 never hands a cached JSON to a vCard request or the other way round.
      const type = req.accepts(OFFERED_TYPES);
      const vcard = type && type !== "application/json" ? vcardVersionOf(req) : undefined;
      const etag = vcard ? `${found.etag}${VCARD_ETAG_SUFFIX[vcard]}` : found.etag;
      res.set({ ETag: quoted(etag), Vary: "Accept" });
      if (etagOf(req.get("if-none-match")) === etag) return void res.status(304).end();
      if (vcard) return sendVCard(res, await withPhotoData(found.contact), vcard);
      res.json({ uid: found.uid, etag: found.etag, contact: found.contact });
    }),
  );

  router.put(
    "/api/books/:book/contacts/:uid",
    vcardBody,
    handle(async (req, res) => {
      const book = await access.writableBook(req.user!, req.params.book);
      const uid = uidOf(req);
      const body = contactFromBody(req, uid, limits);
      checkContactSize(body, deps.config.maxContactBytes);
      checkPhotoSize(body, deps.config.maxPhotoBytes);
      const { contact, photo } = photos.takeInline(body);
      const ifMatch = contactVersionOf(req.get("if-match"));
      const ifNoneMatch = etagOf(req.get("if-none-match")) === "*";
      const op: WriteOp = {
        op: "put",
        uid,
        contact,
        ifNoneMatch,
        ifMatch: ifMatch === "*" ? await currentEtag(book.id, uid) : ifMatch,
      };
      const [result] = await store.applyWrites(book.id, [op], { context: writeContextOf(req) });
      if (photo && stored(result)) await photos.save([photo]);
      respondToWrite(res, result, { created: 201, updated: 200, unchanged: 200 });
    }),
  );

  router.delete(
    "/api/books/:book/contacts/:uid",
    handle(async (req, res) => {
      const book = await access.writableBook(req.user!, req.params.book);
      const uid = uidOf(req);
      const ifMatch = contactVersionOf(req.get("if-match"));
      const op: WriteOp = { op: "delete", uid, ifMatch: ifMatch === "*" ? await currentEtag(book.id, uid) : ifMatch };
      const [result] = await store.applyWrites(book.id, [op], { context: writeContextOf(req) });
      if (result.status === "unchanged" && result.missing) throw notFound("No such contact");
      respondToWrite(res, result, { deleted: 204, unchanged: 204 });
    }),
  );

  router.get(
    "/api/books/:book/changes",
    handle(async (req, res) => {
      const book = await access.visibleBook(req.user!, req.params.book);
      const { since, limit } = parseOr400(changesQuerySchema, req.query, "query");
      await sendPageWithin(
        res,
        (n) => store.changesSince(book.id, since, n),
        "changes",
        changesJson,
        ({ changes: _, ...rest }) => rest,
        limit,
      );
    }),
  );

  router.post(
    "/api/books/:book/lookup",
    handle(async (req, res) => {
      const book = await access.visibleBook(req.user!, req.params.book);
      const { uids } = parseOr400(lookupSchema, req.body);
      res.json({ results: await store.lookup(book.id, uids) });
    }),
  );

  router.post(
    "/api/books/:book/batch",
    handle(async (req, res) => {
      const book = await access.writableBook(req.user!, req.params.book);
      const { ops } = parseOr400(batchSchema, req.body);
      // Retry-safe: a put whose content is stored already answers unchanged, whatever its ifMatch.
      // One op at a time, pausing now and then: validating 1000 contacts at once would hold the event loop.
      const pause = breather();
      const prepared: (WriteOp | Refused)[] = [];
      for (const [i, op] of ops.entries()) {
        prepared.push(await prepareOp(op, i));
        await pause();
      }
      const valid = prepared.filter((p): p is WriteOp => !("status" in p));
      const results = valid.length
        ? await store.applyWrites(book.id, valid, { retrySafe: true, context: writeContextOf(req) })
        : [];
      // Only a write that succeeded stores its photo (an "unchanged" retry stores it again, harmlessly).
      await photos.save(valid.flatMap((op, k) => (stored(results[k]) ? (pendingPhotos.get(op) ?? []) : [])));
      const applied = new Map(results.map((r, k) => [valid[k], r]));
      res.json({ results: prepared.map((p) => publicResult("status" in p ? p : applied.get(p)!)) });
    }),
  );

  const pendingPhotos = new WeakMap<WriteOp, PendingPhoto[]>();

  /** One bad op becomes that op's error result; the others go on. */
  async function prepareOp(
    op: { op: "put" | "delete"; uid: string; ifMatch?: string; contact?: unknown },
    i: number,
  ): Promise<WriteOp | Refused> {
    if (op.op === "delete") return { op: "delete", uid: op.uid, ifMatch: op.ifMatch };
    try {
      const body = parseOr400(contactBodySchema, op.contact, `ops.${i}.contact`);
      if (body.uid !== undefined && body.uid !== op.uid)
        throw badRequest(`ops.${i}.contact.uid differs from ops.${i}.uid`);
      checkContactSize({ ...body, uid: op.uid }, deps.config.maxContactBytes);
      checkPhotoSize({ ...body, uid: op.uid }, deps.config.maxPhotoBytes, `ops.${i}.contact.photo`);
      const { contact, photo } = photos.takeInline({ ...body, uid: op.uid }, `ops.${i}.contact.photo`);
      const put: WriteOp = { op: "put", uid: op.uid, contact, ifMatch: op.ifMatch };
      if (photo) pendingPhotos.set(put, [photo]);
      return put;
    } catch (err) {
      const invalid = err instanceof HttpError || (err instanceof StoreError && err.kind === "invalid");
      if (!invalid) throw err;
      // `code`: the status this op alone would have had (400 invalid, 413 too large).
      return { uid: op.uid, status: "error", error: err.message, code: err instanceof HttpError ? err.status : 400 };
    }
  }

  async function currentEtag(book: string, uid: string): Promise<string> {
    const found = await store.getContact(book, uid);
    if (!found) throw preconditionFailed("If-Match: * needs an existing contact");
    return found.etag;
  }

  async function withPhotoData(contact: Contact): Promise<Contact> {
    if (!contact.photo?.hash || contact.photo.data) return contact;
    const bytes = await photos.load(contact.photo.hash);
    return bytes ? { ...contact, photo: { ...contact.photo, data: bytes.toString("base64") } } : contact;
  }

  return router;
}

function contactFromBody(req: Request, uid: string, limits: ContactLimits): Contact {
  if (Buffer.isBuffer(req.body)) {
    let parsed: Contact;
    try {
      parsed = parseVCard(new Uint8Array(req.body), { uidFallback: uid, limits });
    } catch (err) {
      if (err instanceof VCardError)
        throw badRequest(`Invalid vCard at line ${err.line}: ${err.message}`, [
          { field: `line ${err.line}`, message: err.message },
        ]);
      throw err;
    }
    if (parsed.uid !== uid)
      throw badRequest(`The vCard's UID (${parsed.uid}) differs from the uid in the URL (${uid})`);
    return parsed;
  }
  if (!req.is("application/json")) throw badRequest("Send the contact as application/json or text/vcard");
  const body = parseOr400(contactBodySchema, req.body);
  if (body.uid !== undefined && body.uid !== uid)
    throw badRequest(`body.uid (${body.uid}) differs from the uid in the URL (${uid})`);
  return { ...body, uid };
}

/** RFC 6350 §10.1: the media type's version parameter picks the vCard version. */
const vcardVersionOf = (req: Request) => (/version\s*=\s*"?4\.0/i.test(req.get("accept") ?? "") ? "4.0" : "3.0");

/** A vCard's ETag is the contact's etag with its version appended (a store etag has no "."). */
const VCARD_ETAG_SUFFIX = { "3.0": ".vcf3", "4.0": ".vcf4" } as const;

/** The contact version an If-Match names: a vCard's ETag stands for the contact's own. */
const contactVersionOf = (header: string | undefined) => etagOf(header)?.replace(/\.vcf[34]$/, "");

function sendVCard(res: Response, contact: Contact, version: "3.0" | "4.0") {
  res.type(`text/vcard; charset=utf-8${version === "4.0" ? "; version=4.0" : ""}`).send(emitVCard(contact, version));
}

/** An op refused before the store saw it. */
type Refused = OpResult & { code: number };

/** What a client gets of an op's result: an op the store refused for a reason of its own (a
 *  quota, a source that owns the contact) carries the status it alone would have had, as `code`. */
const publicResult = ({ missing: _missing, busy: _busy, kind, details: _details, fields: _fields, ...r }: OpResult) =>
  kind && !("code" in r) ? { ...r, code: restStatus(kind) } : r;

/** The write landed, now or by an earlier try: its photo belongs in the store. */
const stored = (r: OpResult | undefined) => r !== undefined && ["created", "updated", "unchanged"].includes(r.status);

function respondToWrite(res: Response, result: OpResult, statuses: Partial<Record<OpResult["status"], number>>) {
  if (result.busy) throw busy(`The write was undone: ${result.error}`);
  if (result.kind) throw storeError(result.kind, result.error ?? "The write was refused", result.details);
  if (result.status === "conflict") throw preconditionFailed(result.error ?? "The precondition failed");
  if (result.status === "error") throw badRequest(result.error ?? "The write failed");
  if (result.etag) res.set("ETag", quoted(result.etag));
  const status = statuses[result.status] ?? 200;
  status === 204 ? res.status(204).end() : res.status(status).json(publicResult(result));
}
