// The Local Directory's entries: ordinary contacts in the Directory book, one per visible user
// and mailing list, so clients sync it through the same change feed as any other book. Pure, so
// the database and memory account stores publish alike.
import { contactSchema, type Contact } from "../../core/contact/contact";
import type { WriteOp } from "./contract";

type UserLike = { _id: string; displayName?: string | null; email?: string | null; disabled?: boolean | null; visibleInDirectory?: boolean | null };
type ListLike = { _id: string; name?: string | null; visibleInDirectory?: boolean | null };

export const userEntryUid = (username: string) => `user-${username}`;
const listEntryUid = (address: string) => `list-${address.replace(/[/\\?#]/g, "_")}`;

function userEntry(u: UserLike): Contact {
  return contactSchema.parse({
    uid: userEntryUid(u._id),
    displayName: u.displayName || u._id,
    emails: u.email ? [{ type: "work", address: u.email }] : [],
    extra: [{ source: "concord", name: "X-CONCORD-KIND", value: "user" }],
  });
}

function listEntry(l: ListLike): Contact {
  return contactSchema.parse({
    uid: listEntryUid(l._id),
    displayName: l.name || l._id,
    emails: [{ type: "work", address: l._id }],
    extra: [{ source: "concord", name: "X-CONCORD-KIND", value: "mailing-list" }],
  });
}

/** The write that brings the user's Directory entry up to date: gone when disabled or hidden. */
export function userEntryOp(u: UserLike): WriteOp {
  const visible = !u.disabled && u.visibleInDirectory !== false;
  const uid = userEntryUid(u._id);
  return visible ? { op: "put", uid, contact: userEntry(u) } : { op: "delete", uid };
}

/** The write that brings the list's Directory entry up to date; `removed` for a deleted list. */
export function listEntryOp(l: ListLike, removed = false): WriteOp {
  const uid = listEntryUid(l._id);
  return l.visibleInDirectory !== false && !removed ? { op: "put", uid, contact: listEntry(l) } : { op: "delete", uid };
}
