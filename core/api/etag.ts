// Etags on the wire, one reading for the server and its clients.
// RFC 9110 §8.8.3: "abc", W/"abc" and a bare abc all name the etag abc; "*" stays "*".
export const unquoteEtag = (value: string) =>
  value
    .trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");

/** The etag as a strong entity-tag, for ETag and If-Match headers. */
export const quoteEtag = (etag: string) => `"${etag}"`;
