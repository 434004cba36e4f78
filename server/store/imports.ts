// Import jobs and uploads in the database. A job's state changes under compare-and-set, so it is a
// version chain (store/version-chain.ts); a blob is its parts (up to 4 MiB each, under a fresh
// token) and then a header naming them, inserted under the blob's unique _id: of two writers the
// first header stands and the other's parts are dropped. A blob that fits one part (a chunk's
// plan or results) is its header alone, holding the data: one insert, still first-writer-wins.
import { randomUUID } from "node:crypto";
import type { mongo } from "mongoose";
import type { Models } from "../db/models";
import { insertOr, isDuplicateKey } from "../db/duplicate-key";
import type { ImportJob, ImportMapping, Imports } from "./contract";
import { storeError } from "./errors";
import { versionChain } from "./version-chain";

const PART_BYTES = 4 * 1024 * 1024;
const SHARED = "*";

const bytesOf = (data: unknown): Uint8Array =>
  data instanceof Uint8Array ? data : (data as { buffer: Uint8Array }).buffer; // a driver Binary

/** The same bytes as a Buffer, not a copy: a 64 MiB upload is not copied again to be stored. */
const view = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

type BlobDoc = { _id: string; import: string | null; parts?: string[]; data?: Buffer };

export function createImports(models: Models): Imports {
  const chain = versionChain<ImportJob>(models.ImportJob.collection, models.ImportJobHint.collection);
  const blobs = models.ImportBlob.collection as unknown as mongo.Collection<BlobDoc>;
  const blobId = (id: string, key: string) => `${id}:${key}`;

  async function readBlob(_id: string): Promise<Uint8Array | null> {
    const head = await blobs.findOne({ _id });
    if (head?.data) return bytesOf(head.data);
    if (!head?.parts) return null;
    const parts = await Promise.all(head.parts.map((p) => blobs.findOne({ _id: p })));
    if (parts.some((p) => !p?.data)) return null;
    return Buffer.concat(parts.map((p) => bytesOf(p!.data)));
  }

  async function putOnce(id: string, key: string, data: Uint8Array): Promise<Uint8Array> {
    const _id = blobId(id, key);
    if (data.length <= PART_BYTES) {
      const stood = await insertOr(blobs.insertOne({ _id, import: id, data: view(data) }), () => readBlob(_id));
      if (stood === undefined) return data;
      if (!stood) throw storeError("busy", "The import's data is being written; retry shortly");
      return stood;
    }
    const token = randomUUID();
    const parts: string[] = [];
    for (let at = 0, k = 0; at < data.length || k === 0; at += PART_BYTES, k++) {
      const part = `${_id}~${token}~${k}`;
      await blobs.insertOne({ _id: part, import: id, data: view(data.subarray(at, at + PART_BYTES)) });
      parts.push(part);
    }
    try {
      await blobs.insertOne({ _id, import: id, parts });
      return data;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await blobs.deleteMany({ _id: { $in: parts } });
      const stood = await readBlob(_id);
      if (!stood) throw storeError("busy", "The import's data is being written; retry shortly");
      return stood;
    }
  }

  const mappingOf = (doc: { owner: string; name: string; mapping: unknown }): ImportMapping => ({
    name: doc.name,
    shared: doc.owner === SHARED,
    mapping: doc.mapping as Record<string, string>,
  });

  return {
    async create(job, upload) {
      if (!(await chain.append(job.id, 1, job))) throw storeError("conflict", "An import with this id exists");
      await putOnce(job.id, "upload", upload);
    },
    async get(id) {
      const cur = await chain.latest(id);
      return cur ? { n: cur.n, job: cur.value } : null;
    },
    update: (id, n, job) => chain.append(id, n + 1, job),
    upload: (id) => readBlob(blobId(id, "upload")),
    putOnce,
    blob: (id, key) => readBlob(blobId(id, key)),
    async ids() {
      const docs = await models.ImportJob.find({}, { key: 1 }).lean();
      return [...new Set(docs.map((d) => d.key as string))];
    },
    async remove(id) {
      await blobs.deleteMany({ import: id });
      await models.ImportJob.deleteMany({ key: id });
      await models.ImportJobHint.deleteOne({ _id: id });
    },
    async dropBlobs(id, keys) {
      const heads = await blobs.find({ _id: { $in: keys.map((k) => blobId(id, k)) } }).toArray();
      // Parts first: a header whose parts are gone reads as no blob, never as a cut-off one.
      await blobs.deleteMany({ _id: { $in: heads.flatMap((h) => h.parts ?? []) } });
      await blobs.deleteMany({ _id: { $in: heads.map((h) => h._id) } });
    },
    async mapping(user, name) {
      const docs = await models.ImportMapping.find({ _id: { $in: [`${user}/${name}`, `${SHARED}/${name}`] } }).lean();
      const own = docs.find((d) => d.owner === user) ?? docs.find((d) => d.owner === SHARED);
      return own ? mappingOf(own) : null;
    },
    async mappings(user) {
      const docs = await models.ImportMapping.find({ owner: { $in: [user, SHARED] } }).lean();
      return docs.map(mappingOf).sort((a, b) => a.name.localeCompare(b.name) || Number(a.shared) - Number(b.shared));
    },
    async putMapping(owner, name, mapping) {
      const who = owner ?? SHARED;
      await models.ImportMapping.replaceOne(
        { _id: `${who}/${name}` },
        { _id: `${who}/${name}`, owner: who, name, mapping },
        { upsert: true },
      );
      return { name, shared: who === SHARED, mapping };
    },
    async deleteMapping(owner, name) {
      const done = await models.ImportMapping.deleteOne({ _id: `${owner ?? SHARED}/${name}` });
      return done.deletedCount > 0;
    },
  };
}
