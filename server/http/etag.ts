import { quoteEtag, unquoteEtag } from "../../core/api/etag";

/** The etag an If-Match / If-None-Match header names; undefined when there is none. */
export const etagOf = (header: string | undefined) =>
  header === undefined ? undefined : unquoteEtag(header) || undefined;
export const quoted = quoteEtag;
