// Photos are stored once, apart from contacts, under the SHA-256 of their bytes, and only for a
// write that succeeded; maintenance collects those no contact or tombstone references.
import { createHash } from "node:crypto";
import type { Contact } from "../../core/contact/contact";
import { isDuplicateKey } from "../db/duplicate-key";
import type { Models } from "../db/models";
import type { PendingPhoto, Photos } from "./contract";
import { storeError } from "./errors";

/** The contact with its inline photo replaced by the hash, and the bytes to store after the write;
 *  invalid when the data is not base64. Pure: every photo store decodes alike. */
export function takeInline(contact: Contact, field = "contact.photo"): { contact: Contact; photo?: PendingPhoto } {
  const photo = contact.photo;
  if (!photo?.data) return { contact };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(photo.data.replace(/\s+/g, ""))) {
    throw storeError("invalid", `${field}.data is not base64`, {
      fields: [{ field: `${field}.data`, message: "not base64" }],
    });
  }
  const bytes = Buffer.from(photo.data, "base64");
  const hash = createHash("sha256").update(bytes).digest("hex");
  return { contact: { ...contact, photo: { mediaType: photo.mediaType, hash } }, photo: { hash, bytes } };
}

export function createPhotos(models: Models, clock: () => Date): Photos {
  const { Photo } = models;
  async function save(photos: PendingPhoto[]) {
    for (const { hash, bytes } of photos) {
      // mediaType stays for documents of older versions; the contact's own is the one served.
      // storedAt moves on every save, so a collection pass that listed an old orphan spares it once a
      // new write uses it again (its delete re-checks the time).
      const doc = { mediaType: "application/octet-stream", data: bytes };
      await Photo.updateOne({ _id: hash }, { $setOnInsert: doc, $set: { storedAt: clock() } }, { upsert: true }).catch(
        (err) => {
          if (!isDuplicateKey(err)) throw err; // the same photo stored by a racing request
        },
      );
    }
  }
  async function collect(referenced: Set<string>, before: Date) {
    // The ids only, then one delete by _id each: a filtered delete would scan anyway.
    const all = await Photo.find({}, { _id: 1, storedAt: 1 }).lean<{ _id: string; storedAt?: Date | null }[]>();
    const orphans = all.filter((p) => !referenced.has(p._id) && (!p.storedAt || p.storedAt < before));
    let dropped = 0;
    for (const p of orphans)
      dropped += (await Photo.deleteOne({ _id: p._id, storedAt: p.storedAt ?? null })).deletedCount ?? 0;
    return dropped;
  }
  return {
    takeInline,
    save,
    load: async (hash) => (await Photo.findById(hash))?.data ?? null,
    collect,
  };
}
