// The Local Directory's entries: ordinary contacts in the Directory book, one per visible user
// and mailing list, so clients sync it through the same change feed as any other book. Pure, so
// the database and memory account stores publish alike.
import { contactSchema, type Contact } from "../../core/contact/contact";
import { hashText } from "../../core/contact/content-hash";
import type { WriteOp } from "./contract";

type UserLike = {
  _id: string;
  displayName?: string | null;
  email?: string | null;
  disabled?: boolean | null;
  visibleInDirectory?: boolean | null;
};
type ListLike = { _id: string; name?: string | null; visibleInDirectory?: boolean | null };

export const userEntryUid = (username: string) => `user-${username}`;
// A uid holds at most 256 characters and an address up to 254, so the longest addresses
// are named by their SHA-256 instead (shorter ones keep the uids they already have).
function listEntryUid(address: string): string {
  const uid = `list-${address.replace(/[/\\?#]/g, "_")}`;
  return uid.length <= 256 ? uid : `list-sha256-${hashText(address)}`;
}

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
