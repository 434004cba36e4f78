// Photos in memory, stored once under the SHA-256 of their bytes.
import type { Photos } from "../contract";
import { inlinePhoto } from "../photos";

export function createMemoryPhotos(): Photos {
  const photos = new Map<string, { mediaType: string; bytes: Buffer }>();
  return {
    async storeInline(contact, field = "contact.photo") {
      const photo = inlinePhoto(contact, field);
      if (!photo) return contact;
      if (!photos.has(photo.hash)) photos.set(photo.hash, { mediaType: photo.mediaType, bytes: photo.bytes });
      return { ...contact, photo: { mediaType: photo.mediaType, hash: photo.hash } };
    },
    load: async (hash) => photos.get(hash) ?? null,
  };
}
