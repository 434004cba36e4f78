// Import jobs and uploads in memory, with the database's semantics: a job moves on only from the
// version read, and a blob is written once.
import type { ImportJob, ImportMapping, Imports } from "../contract";
import { storeError } from "../errors";

const clone = <T>(v: T): T => structuredClone(v);

export function createMemoryImports(): Imports {
  const jobs = new Map<string, { n: number; job: ImportJob }>();
  const blobs = new Map<string, Uint8Array>();
  const maps = new Map<string, { owner: string | null; name: string; mapping: Record<string, string> }>();
  const key = (id: string, k: string) => `${id}:${k}`;
  const mapKey = (owner: string | null, name: string) => `${owner ?? "*"}/${name}`;
  const view = (m: { owner: string | null; name: string; mapping: Record<string, string> }): ImportMapping => ({
    name: m.name,
    shared: m.owner === null,
    mapping: clone(m.mapping),
  });

  return {
    async create(job, upload) {
      if (jobs.has(job.id)) throw storeError("conflict", "An import with this id exists");
      jobs.set(job.id, { n: 1, job: clone(job) });
      blobs.set(key(job.id, "upload"), new Uint8Array(upload));
    },
    async get(id) {
      const cur = jobs.get(id);
      return cur ? clone(cur) : null;
    },
    async update(id, n, job) {
      const cur = jobs.get(id);
      if (!cur || cur.n !== n) return false;
      jobs.set(id, { n: n + 1, job: clone(job) });
      return true;
    },
    async upload(id) {
      // A copy, as the database hands out: a caller may give the bytes away (to a worker).
      const stored = blobs.get(key(id, "upload"));
      return stored ? new Uint8Array(stored) : null;
    },
    async putOnce(id, k, data) {
      const stood = blobs.get(key(id, k));
      if (stood) return stood;
      blobs.set(key(id, k), new Uint8Array(data));
      return data;
    },
    async blob(id, k) {
      return blobs.get(key(id, k)) ?? null;
    },
    async ids() {
      return [...jobs.keys()];
    },
    async remove(id) {
      jobs.delete(id);
      for (const k of [...blobs.keys()]) if (k.startsWith(`${id}:`)) blobs.delete(k);
    },
    async dropBlobs(id, keys) {
      for (const k of keys) blobs.delete(key(id, k));
    },
    async mapping(user, name) {
      const found = maps.get(mapKey(user, name)) ?? maps.get(mapKey(null, name));
      return found ? view(found) : null;
    },
    async mappings(user) {
      return [...maps.values()]
        .filter((m) => m.owner === user || m.owner === null)
        .map(view)
        .sort((a, b) => a.name.localeCompare(b.name) || Number(a.shared) - Number(b.shared));
    },
    async putMapping(owner, name, mapping) {
      maps.set(mapKey(owner, name), { owner, name, mapping: clone(mapping) });
      return { name, shared: owner === null, mapping: clone(mapping) };
    },
    async deleteMapping(owner, name) {
      return maps.delete(mapKey(owner, name));
    },
  };
}
