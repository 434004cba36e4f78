// JSON request bodies: read only after the caller is authenticated (app.ts mounts this after
// authenticate), limited by what the body may hold, and parsed without holding the event loop.
import express, { type RequestHandler } from "express";
import type { Config } from "../config";
import { contactBodyLimit } from "./contact-limits";
import { HttpError } from "./errors";
import { JsonSyntaxError, parseJsonGently } from "./gentle-json";

/** Sign-in and other unauthenticated bodies are a few short fields. */
export const SMALL_BODY_BYTES = 64 * 1024;

const isBatch = (path: string) => /^\/api\/books\/[^/]+\/batch\/?$/.test(path);

/** A batch may hold up to maxBodyBytes; any other JSON body one contact at the caps. */
export function jsonBodies(config: Pick<Config, "maxContactBytes" | "maxPhotoBytes" | "maxBodyBytes">): RequestHandler {
  const batch = jsonBody(config.maxBodyBytes);
  const other = jsonBody(contactBodyLimit(config));
  return (req, res, next) => (isBatch(req.path) ? batch : other)(req, res, next);
}

/** Like express.json({strict: true}), but a large body is parsed by parseJsonGently. */
export function jsonBody(limit: number): RequestHandler {
  const raw = express.raw({ type: "application/json", limit });
  return (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if (err || !Buffer.isBuffer(req.body)) return next(err);
      parseBody(req.body).then((body) => {
        req.body = body;
        next();
      }, next);
    });
}

async function parseBody(bytes: Buffer): Promise<unknown> {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = await parseJsonGently(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError)
      throw new HttpError(400, "malformed-json", `The request body is not valid JSON: ${err.message}`);
    throw err;
  }
  // strict: only an object or an array, as express.json({strict: true}) takes.
  if (typeof body !== "object" || body === null)
    throw new HttpError(400, "malformed-json", "The request body must be a JSON object or array");
  return body;
}
