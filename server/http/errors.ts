// Errors carry their HTTP status; http/error-handler.ts is the one place that
// turns them into responses.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, "bad-request", message, details);
export const unauthorized = (message = "Sign in first: send a Bearer token or HTTP Basic credentials") =>
  new HttpError(401, "unauthorized", message);
export const forbidden = (message: string) => new HttpError(403, "forbidden", message);
export const notFound = (message: string) => new HttpError(404, "not-found", message);
export const conflict = (message: string) => new HttpError(409, "conflict", message);
export const preconditionFailed = (message: string) => new HttpError(412, "precondition-failed", message);
export const syncTokenExpired = () =>
  new HttpError(
    410,
    "sync-token-expired",
    "This sync token is unknown or older than the tombstone retention; sync again from the start",
  );
export const pairBusy = (message: string) => new HttpError(409, "pair-busy", message);
export const busy = (message: string) => new HttpError(503, "busy", message);
