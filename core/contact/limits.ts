// How big one contact may be. A contact is read whole by every sync of its book and stored as one
// database document (MongoDB's limit is 16 MiB), so its size is capped well below that: the fields
// without the photo by MAX_CONTACT_BYTES, the photo (stored apart) by MAX_PHOTO_BYTES. The arrays
// are capped in contact.ts's schema; the byte caps are the server's settings, passed in.
import type { Contact } from "./contact";

export type ContactLimits = { maxContactBytes: number; maxPhotoBytes: number };

export const defaultContactLimits: ContactLimits = { maxContactBytes: 256 * 1024, maxPhotoBytes: 1024 * 1024 };

// contact.ts caps each array (100 emails … 500 extra properties); this caps one vCard.
/** Content lines in one vCard: each costs ical.js about 50 µs, and a card at the caps needs a few hundred. */
export const MAX_VCARD_PROPERTIES = 1000;

/** The longest unfolded vCard content line worth reading: a base64 PHOTO at the cap, or any other
 *  property as long as a whole contact (escaping may double it). */
export function maxVCardLineChars(limits: ContactLimits = defaultContactLimits): number {
  return Math.max(2 * limits.maxContactBytes, Math.ceil(limits.maxPhotoBytes / 3) * 4 + 1024);
}

/** Bytes of the photo sent inline (base64 `data`); 0 when there is none. */
export function inlinePhotoBytes(contact: Contact): number {
  const data = contact.photo?.data?.replace(/\s+/g, "");
  if (!data) return 0;
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}
