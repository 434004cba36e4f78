// How large one contact may be: MAX_CONTACT_BYTES of JSON text, the photo left out (photos
// are stored apart and have their own limit, MAX_PHOTO_BYTES). The schema caps each field and each
// list; this bounds their sum, which would otherwise reach hundreds of megabytes.
import type { Contact } from "../../core/contact/contact";
import { type ContactLimits, inlinePhotoBytes } from "../../core/contact/limits";
import type { Config } from "../config";
import { HttpError } from "./errors";

export const contactBytes = ({ photo: _photo, ...rest }: Contact): number => Buffer.byteLength(JSON.stringify(rest));

export const contactLimitsOf = (config: Pick<Config, "maxContactBytes" | "maxPhotoBytes">): ContactLimits => ({
  maxContactBytes: config.maxContactBytes,
  maxPhotoBytes: config.maxPhotoBytes,
});

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

/** Throws 413 too-large when the photo sent inline is over MAX_PHOTO_BYTES; `where` names it in a batch. */
export function checkPhotoSize(contact: Contact, maxBytes: number, where = "photo"): void {
  const bytes = inlinePhotoBytes(contact);
  if (bytes <= maxBytes) return;
  throw new HttpError(
    413,
    "too-large",
    `too-large: ${where} is ${bytes} bytes, over the limit of ${maxBytes} (MAX_PHOTO_BYTES)`,
    {
      bytes,
      limit: maxBytes,
    },
  );
}

/** The largest body one contact at the caps can take: its JSON (escapes may double it) and the base64
 *  photo; never more than maxBodyBytes, the limit of a whole batch. */
export function contactBodyLimit(config: Pick<Config, "maxContactBytes" | "maxPhotoBytes" | "maxBodyBytes">): number {
  const atTheCaps = 2 * config.maxContactBytes + Math.ceil(config.maxPhotoBytes / 3) * 4 + 64 * 1024;
  return Math.min(atTheCaps, config.maxBodyBytes);
}
