// Photos are stored once, apart from contacts, under the SHA-256 of their bytes.
import { isDuplicateKey } from "../db/duplicate-key";
import { createHash } from "node:crypto";
import type { Contact } from "../../core/contact/contact";
import type { Models } from "../db/models";
import type { Photos } from "./contract";
import { storeError } from "./errors";

/** The inline photo's bytes and their hash, or undefined when the contact has none inline;
 *  invalid when the data is not base64. Pure: every photo store decodes alike. */
export function inlinePhoto(contact: Contact, field: string): { mediaType: string; bytes: Buffer; hash: string } | undefined {
  const photo = contact.photo;
  if (!photo?.data) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(photo.data.replace(/\s+/g, ""))) {
    throw storeError("invalid", `${field}.data is not base64`, { fields: [{ field: `${field}.data`, message: "not base64" }] });
  }
  const bytes = Buffer.from(photo.data, "base64");
  return { mediaType: photo.mediaType, bytes, hash: createHash("sha256").update(bytes).digest("hex") };
}

/** Moves inline photo bytes into the photo store and leaves the contact with the hash only. */
export async function storeInlinePhoto(models: Models, contact: Contact, field = "contact.photo"): Promise<Contact> {
  const photo = inlinePhoto(contact, field);
  if (!photo) return contact;
  const { mediaType, bytes, hash } = photo;
  await models.Photo.updateOne({ _id: hash }, { $setOnInsert: { mediaType, data: bytes } }, { upsert: true }).catch((err) => {
    if (!isDuplicateKey(err)) throw err; // the same photo stored by a racing request
  });
  return { ...contact, photo: { mediaType, hash } };
}

export async function loadPhoto(models: Models, hash: string): Promise<{ mediaType: string; bytes: Buffer } | null> {
  const doc = await models.Photo.findById(hash);
  return doc && { mediaType: doc.mediaType, bytes: doc.data };
}

export const createPhotos = (models: Models): Photos => ({
  storeInline: (contact, field) => storeInlinePhoto(models, contact, field),
  load: (hash) => loadPhoto(models, hash),
});
