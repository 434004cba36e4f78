// The one place where errors become responses: {error: {code, message, details?}}.
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { StoreError } from "../store/errors";
import { HttpError } from "./errors";
import { authChallenge } from "./security-headers";
import { restAnswer } from "./store-errors";

/** What body-parser raises, mapped to our codes. */
function fromBodyParser(err: { type?: string; status?: number; limit?: number }): HttpError | undefined {
  if (err.type === "entity.too.large")
    return new HttpError(413, "payload-too-large", `The request body is larger than the limit of ${err.limit} bytes`);
  if (err.type === "entity.parse.failed")
    return new HttpError(400, "malformed-json", "The request body is not valid JSON");
  if (err.type === "charset.unsupported" || err.type === "encoding.unsupported")
    return new HttpError(415, "unsupported-encoding", "Unsupported request encoding");
  return undefined;
}

// Express decodes path parameters with decodeURIComponent and passes on its URIError, with
// status 400, when a path holds bad percent-encoding such as "%FF" or "%zz".
function fromPathDecoding(err: unknown): HttpError | undefined {
  if (!(err instanceof URIError)) return undefined;
  return new HttpError(400, "bad-request", "The request path holds invalid percent-encoding");
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof StoreError) {
      const { error, headers } = restAnswer(err);
      res.set(headers);
      err = error;
    }
    const known = err instanceof HttpError ? err : (fromBodyParser(err) ?? fromPathDecoding(err));
    if (!known) logger.error({ err, method: req.method, url: req.originalUrl }, "unhandled error");
    const e =
      known ?? new HttpError(500, "internal", "Something went wrong on the server; the request was not completed");
    if (e.status === 429 && e.details && typeof e.details === "object" && "retryAfterSeconds" in e.details) {
      res.set("Retry-After", String((e.details as { retryAfterSeconds: number }).retryAfterSeconds));
    }
    if (e.status === 401) res.set("WWW-Authenticate", authChallenge(req));
    res
      .status(e.status)
      .json({
        error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) },
      });
  };
}
