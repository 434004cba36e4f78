// server/store/errors.ts
export type StoreErrorKind =
  | "not-found"
  | "busy"
  | "token-expired"
  | "read-only"
  | "forbidden"
  | "precondition-failed"
  | "too-large"
  | "owned-by-source"
  | "conflict"
  | "invalid"
  | "quota-exceeded";
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "StoreError";
  }
}
export const storeError = (kind: StoreErrorKind, message: string, details?: Record<string, unknown>) =>
  new StoreError(kind, message, details);
