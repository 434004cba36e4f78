// RFC 9110 §8.8.3: "abc", W/"abc" and a bare abc all name the etag abc; "*" stays "*".
export const etagOf = (header: string | undefined) => header?.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1") || undefined;
export const quoted = (etag: string) => `"${etag}"`;
