// Sync tokens and list cursors: positions in a book's change log, opaque to clients.
// Pure, so the database store and the memory store hand out the same tokens.

/** A position in a book's log. `fullSince` marks a cursor inside a full read (no token given):
 *  that read delivers live contacts, and tombstones only past `start`, the head when it began
 *  (deletions made while it ran), so purged tombstones cannot be missing from it, unless more
 *  were purged after it began (the horizon it started under). */
export type Token = { p: number; fullSince?: number; start?: number };

export function encodeToken(book: string, token: Token): string {
  const parts =
    token.fullSince === undefined ? [book, token.p] : [book, token.p, token.fullSince, token.start ?? token.p];
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** What a token stands for, or undefined when it is not one of this book's tokens. */
export function decodeToken(book: string, token: string): Token | undefined {
  try {
    const [b, p, fullSince, start] = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (b !== book || !Number.isSafeInteger(p) || p < 0) return undefined;
    if (fullSince === undefined) return { p };
    if (!Number.isSafeInteger(fullSince)) return undefined;
    // A full-read token from before `start` existed: deletions since are unknown, so assume its cursor.
    if (start === undefined) return { p, fullSince, start: p };
    return Number.isSafeInteger(start) ? { p, fullSince, start } : undefined;
  } catch {
    return undefined;
  }
}

/** Where a feed starts reading: a given token, or a full read from the start of the log. An
 *  unknown token is a position past any head, so it expires. */
export function feedStart(book: string, since: string | undefined, head: number, horizon: number): Token {
  return since === undefined
    ? { p: 0, fullSince: horizon, start: head }
    : (decodeToken(book, since) ?? { p: Infinity });
}

/** A token past the head, or older than purged tombstones, would miss changes: it has expired. */
export function hasExpired(from: Token, head: number, horizon: number): boolean {
  const expired = from.fullSince === undefined ? from.p < horizon : from.fullSince < horizon;
  return from.p > head || expired;
}

/** The token that continues a feed after `cursor`. A finished full read hands out an ordinary
 *  token: from there on, deletions matter. */
export function nextToken(book: string, from: Token, cursor: number, more: boolean): string {
  const full = from.fullSince !== undefined;
  return encodeToken(
    book,
    more && full ? { p: cursor, fullSince: from.fullSince, start: from.start ?? 0 } : { p: cursor },
  );
}
