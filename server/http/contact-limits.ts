// How large one contact may be: MAX_CONTACT_BYTES of JSON text, the photo left out (photos
// are stored apart and have their own limit). The schema caps each field and each list; this
// bounds their sum, which would otherwise reach hundreds of megabytes.
import type { Contact } from "../../core/contact/contact";
import { HttpError } from "./errors";

export const contactBytes = ({ photo: _photo, ...rest }: Contact): number => Buffer.byteLength(JSON.stringify(rest));

/** Throws 413 too-large when the contact is over the limit. */
export function checkContactSize(contact: Contact, maxBytes: number): void {
  const bytes = contactBytes(contact);
  if (bytes <= maxBytes) return;
  throw new HttpError(
    413,
    "too-large",
    `too-large: the contact is ${bytes} bytes of JSON without its photo, over the limit of ${maxBytes} (MAX_CONTACT_BYTES)`,
    { bytes, limit: maxBytes },
  );
}
