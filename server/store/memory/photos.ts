// Photos in memory, stored once under the SHA-256 of their bytes.
import type { Photos } from "../contract";
import { takeInline } from "../photos";

export function createMemoryPhotos(clock: () => Date = () => new Date()): Photos {
  const photos = new Map<string, { bytes: Buffer; storedAt: Date }>();
  return {
    takeInline,
    save: async (pending) => {
      for (const p of pending) photos.set(p.hash, { bytes: photos.get(p.hash)?.bytes ?? p.bytes, storedAt: clock() });
    },
    load: async (hash) => photos.get(hash)?.bytes ?? null,
    collect: async (referenced, before) => {
      const orphans = [...photos].filter(([hash, p]) => !referenced.has(hash) && p.storedAt < before);
      for (const [hash] of orphans) photos.delete(hash);
      return orphans.length;
    },
  };
}
