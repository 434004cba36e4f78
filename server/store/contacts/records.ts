// The records readers get of stored versions: from a database document, or from the cache's
// text (a contact parsed only when read).
import type { Contact } from "../../../core/contact/contact";
import type { ContactDoc } from "../../db/models";
import type { Change, StoredContact } from "../contract";
import type { StoredVersion } from "./checkpoints";

/** The record a reader gets: no database fields, and `href`/`source` only when there is one. */
export function toStored(
  d: Pick<ContactDoc, "uid" | "etag" | "seq" | "contact"> & { href?: string | null; source?: string | null },
): StoredContact {
  const stored: StoredContact = { uid: d.uid, etag: d.etag, seq: d.seq, contact: d.contact as Contact };
  if (d.href) stored.href = d.href;
  if (d.source) stored.source = d.source;
  return stored;
}

export function toChange(
  d: Pick<ContactDoc, "uid" | "etag" | "deleted" | "updatedAt" | "contact"> & { href?: string | null },
): Change {
  const modifiedAt = new Date(d.updatedAt).toISOString();
  const change: Change = { uid: d.uid, etag: d.etag, deleted: Boolean(d.deleted), modifiedAt };
  if (d.href) change.href = d.href;
  return d.deleted ? change : { ...change, contact: d.contact as Contact };
}

// A full page's records parse their contact from the cached text when it is first read: the REST
// routes send the text itself (contactTextsOf in ../contract.ts), so a full read parses none.
// An object literal with an accessor is the cheapest lazy record V8 offers (a prototype getter
// would not be an own property, so JSON.stringify and deep equality would miss the contact).

/** The change feed's record of a cached version. */
export function changeOf(v: StoredVersion): Change {
  // (Not a spread: a cache item's updatedAt is a getter of its prototype.)
  if (v.deleted || v.text === null)
    return toChange({
      uid: v.uid,
      etag: v.etag,
      deleted: v.deleted,
      updatedAt: v.updatedAt,
      href: v.href,
      contact: null,
    });
  const text = v.text;
  let contact: Contact | undefined;
  const change = {
    uid: v.uid,
    etag: v.etag,
    deleted: false,
    modifiedAt: v.updatedAt.toISOString(),
    get contact(): Contact {
      contact ??= JSON.parse(text) as Contact;
      return contact;
    },
    set contact(c: Contact) {
      contact = c;
    },
  } as Change;
  if (v.href) change.href = v.href;
  return change;
}

/** The listing's record of a cached live version. */
export function storedOf(v: StoredVersion): StoredContact {
  if (v.text === null)
    return toStored({ uid: v.uid, etag: v.etag, seq: v.seq, href: v.href, source: v.source, contact: null });
  const text = v.text;
  let contact: Contact | undefined;
  const stored = {
    uid: v.uid,
    etag: v.etag,
    seq: v.seq,
    get contact(): Contact {
      contact ??= JSON.parse(text) as Contact;
      return contact;
    },
    set contact(c: Contact) {
      contact = c;
    },
  } as StoredContact;
  if (v.href) stored.href = v.href;
  if (v.source) stored.source = v.source;
  return stored;
}
