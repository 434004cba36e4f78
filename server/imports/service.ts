// Import jobs: upload → preview (PUT changes the guesses) → dry run → commit → progress, cancel,
// undo. Everything a job needs lives in the database (Imports in store/contract.ts), so any
// instance can answer for it and carry it on:
// - A running job is held by a lease in its own version chain (`holder`, `until`), renewed by a
//   heartbeat and by every progress write; each of those is a compare-and-set, so two instances
//   never hold one job, and a job whose holder died is taken over once its lease ran out.
// - Records are written in chunks. A chunk's plan (what to do with each record: create, update or
//   skip, under which uid, and for an update the version it overwrites) is stored once before it
//   is written: a runner that resumes a chunk reads the chunk's records from the upload again and
//   writes what the same plan makes of them. The plan holds decisions, not contacts: the records
//   are the file's, read alike every time, and an update's content is the version it overwrites
//   merged with its record. Created contacts get uids derived from the job and the record, and
//   writes are retry-safe, so a chunk written twice lands once.
// - Each written chunk's results (uid and etag of each write) are kept for undo, which removes
//   what the import created and puts back what it overwrote, unless someone changed it since.
import { randomUUID } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Contact } from "../../core/contact/contact";
import { contentHash } from "../../core/contact/content-hash";
import { inlinePhotoBytes } from "../../core/contact/limits";
import {
  type ByteSource,
  CsvMappingError,
  type DuplicateMode,
  duplicateIndex,
  ImportFileError,
  type ImportRow,
  type ImportSettings,
  type ImportSummary,
  ImportTooLargeError,
  mergeImported,
  PREVIEW_ROWS,
  planRow,
} from "../../core/formats/import";
import type {
  ContactStore,
  ImportJob,
  Imports,
  OpResult,
  PendingPhoto,
  Photos,
  WriteContext,
  WriteOp,
} from "../store/contract";
import { storeError } from "../store/errors";
import { openRecords, type RecordCursor, summarizeOffThread } from "./analyze-worker";
import { packBytes, packedBytes, wholeOf } from "./compressed-bytes";

export type ImportServiceDeps = {
  contacts: Pick<ContactStore, "applyWrites" | "listContacts" | "lookup">;
  imports: Imports;
  photos: Pick<Photos, "takeInline" | "save">;
  clock: () => Date;
  /** The contact limits apply to imported contacts as to any write (MAX_CONTACT_BYTES, MAX_PHOTO_BYTES). */
  config: {
    importMaxRows: number;
    maxContactBytes?: number;
    maxPhotoBytes?: number;
    /** TOMBSTONE_RETENTION_DAYS: how long an import can be undone (90 days unless set). */
    tombstoneRetentionMs?: number;
  };
  onError?: (err: unknown, id: string) => void;
  /** How long a runner's lease lasts without renewal. */
  leaseMs?: number;
  chunkRows?: number;
  /** Test seam: runs after each chunk is written and recorded. */
  afterChunk?: (id: string, chunk: number) => Promise<void>;
};

type Caller = { _id: string; admin?: boolean | null };
/** What the plan decided for a record. (Plans stored before plans held decisions only also
 *  carry the `contact` to write.) */
type Decision = {
  row: number;
  action: "create" | "update" | "skip" | "error";
  uid?: string;
  before?: Contact;
  ifMatch?: string;
  message?: string;
  contact?: Contact;
};
/** A decision with the contact it writes (photos taken out to the photo store). */
type PlanEntry = Decision & { contact?: Contact };
/** What undo needs of a write: the uid, the etag written, and for an update the version it overwrote. */
type Written = { uid: string; action: "create" | "update"; etag?: string; before?: Contact };

const KEEP_MS = 86_400_000;
const DEFAULT_RETENTION_MS = 90 * 86_400_000;
const MAX_ERRORS = 1000;
const LIST_PAGE = 500;
const MAX_ROUNDS = 50;

class Stop extends Error {}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pack = (v: unknown) => deflateRawSync(Buffer.from(JSON.stringify(v)));
const unpack = <T>(b: Uint8Array): T => JSON.parse(inflateRawSync(b).toString("utf8")) as T;

/** A record whose contact is over the server's limits is that record's error. */
function withinLimits(row: ImportRow, limits: ImportServiceDeps["config"]): ImportRow {
  if (!row.contact) return row;
  // JSON leaves out a property whose value is undefined.
  const withoutPhoto = row.contact.photo ? { ...row.contact, photo: undefined } : row.contact;
  const bytes = Buffer.byteLength(JSON.stringify(withoutPhoto));
  const maxBytes = limits.maxContactBytes ?? Number.POSITIVE_INFINITY;
  const photoBytes = inlinePhotoBytes(row.contact);
  const maxPhoto = limits.maxPhotoBytes ?? Number.POSITIVE_INFINITY;
  const error =
    bytes > maxBytes
      ? `the contact is ${bytes} bytes of JSON without its photo, over the limit of ${maxBytes} (MAX_CONTACT_BYTES)`
      : photoBytes > maxPhoto
        ? `the photo is ${photoBytes} bytes, over the limit of ${maxPhoto} (MAX_PHOTO_BYTES)`
        : undefined;
  return error ? { row: row.row, hasUid: row.hasUid, error } : row;
}

/** What a caller did wrong with a file, as the store's errors say it. */
async function asStoreErrors<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ImportTooLargeError) throw storeError("too-large", err.message);
    if (err instanceof ImportFileError || err instanceof CsvMappingError) throw storeError("invalid", err.message);
    throw err;
  }
}

/** The detections, the record count and the first records of a file. */
async function summarize(
  bytes: Uint8Array,
  settings: ImportSettings,
  limits: ImportServiceDeps["config"],
): Promise<ImportSummary> {
  const s = await asStoreErrors(() => summarizeOffThread(bytes, settings, limits.importMaxRows));
  return { ...s, preview: s.preview.map((r) => withinLimits(r, limits)) };
}

export function createImportService(d: ImportServiceDeps) {
  const leaseMs = d.leaseMs ?? 30_000;
  // Each chunk costs a few database round trips besides its writes (its plan, its record, the
  // job's progress), and the store writes a larger group faster per contact: 2,000 rows a chunk
  // imported the bench's 100,000 in about four fifths of the time 1,000 took.
  const chunkRows = d.chunkRows ?? 2000;
  const runningHere = new Set<string>();
  const now = () => d.clock();

  /** Applies `change` to the newest version until a compare-and-set lands; undefined: no change. */
  async function mutate(id: string, change: (job: ImportJob) => ImportJob | undefined): Promise<ImportJob> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const cur = await d.imports.get(id);
      if (!cur) throw storeError("not-found", "No such import (uploads are kept for a day)");
      const next = change(cur.job);
      if (!next) return cur.job;
      if (await d.imports.update(id, cur.n, next)) return next;
    }
    throw storeError("busy", "The import keeps changing; retry shortly");
  }

  async function jobFor(caller: Caller, id: string): Promise<ImportJob> {
    const cur = await d.imports.get(id);
    if (!cur || (cur.job.user !== caller._id && !caller.admin)) throw storeError("not-found", "No such import");
    return cur.job;
  }

  async function uploadOf(job: ImportJob): Promise<ByteSource> {
    const stored = await d.imports.upload(job.id);
    if (!stored) throw storeError("not-found", "The upload is gone (uploads are kept for a day)");
    return job.packed ? packedBytes(stored) : stored;
  }

  async function summaryOf(job: ImportJob, settings: ImportSettings = job.settings as ImportSettings) {
    return await summarize(wholeOf(await uploadOf(job)), settings, d.config);
  }

  /** The job's records from the `skip`th on, a chunk at a time, each held to the contact limits. */
  async function recordsOf(job: ImportJob, skip = 0): Promise<RecordCursor> {
    const cursor = await asStoreErrors(async () =>
      openRecords(await uploadOf(job), job.settings as ImportSettings, { skip, batch: job.chunkRows }),
    );
    return { ...cursor, next: async () => (await cursor.next()).map((r) => withinLimits(r, d.config)) };
  }

  const previewOf = (job: ImportJob, a: ImportSummary) => ({
    id: job.id,
    book: job.book,
    format: a.format,
    charset: a.charset,
    delimiter: a.delimiter,
    columns: a.columns,
    rows: a.total,
    preview: a.preview.slice(0, PREVIEW_ROWS).map(({ row, contact, error }) => ({ row, contact, error })),
    mapping: a.mapping,
    warnings: a.warnings,
  });

  const statusOf = (job: ImportJob) => ({
    id: job.id,
    book: job.book,
    state: job.state,
    duplicates: job.duplicates ?? null,
    done: job.done,
    total: job.total,
    created: job.created,
    updated: job.updated,
    skipped: job.skipped,
    errors: job.errors,
    errorCount: job.errorCount,
    ...(job.failure ? { failure: job.failure } : {}),
    ...(job.undone ? { undone: job.undone } : {}),
    undoUntil: job.undoUntil ?? job.expiresAt,
  });

  /** Stores an upload for a book the caller may write (the route checks that) and previews it. */
  async function upload(caller: Caller, book: string, bytes: Uint8Array, settings: ImportSettings = {}) {
    const a = await summarize(bytes, settings, d.config);
    const created = now();
    const job: ImportJob = {
      id: randomUUID().replace(/-/g, ""),
      user: caller._id,
      book,
      createdAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + KEEP_MS).toISOString(),
      undoUntil: new Date(created.getTime() + (d.config.tombstoneRetentionMs ?? DEFAULT_RETENTION_MS)).toISOString(),
      bytes: bytes.length,
      packed: true,
      settings: JSON.parse(JSON.stringify(settings)),
      state: "ready",
      chunkRows,
      chunks: 0,
      done: 0,
      total: a.total,
      created: 0,
      updated: 0,
      skipped: 0,
      errors: [],
      errorCount: 0,
      cancelRequested: false,
      holder: null,
      until: null,
    };
    await d.imports.create(job, packBytes(bytes));
    return previewOf(job, a);
  }

  async function preview(caller: Caller, id: string) {
    const job = await jobFor(caller, id);
    return previewOf(job, await summaryOf(job));
  }

  /** New guesses (format, charset, delimiter, mapping) for an import not yet committed. */
  async function configure(caller: Caller, id: string, settings: ImportSettings) {
    const job = await jobFor(caller, id);
    const merged = { ...job.settings, ...settings } as ImportSettings;
    const a = await summaryOf(job, merged);
    const saved = await mutate(id, (j) => {
      if (j.state !== "ready") throw storeError("conflict", `The import is ${j.state}: its settings are fixed`);
      return { ...j, settings: JSON.parse(JSON.stringify(merged)), total: a.total };
    });
    return previewOf(saved, a);
  }

  async function bookIndex(book: string) {
    const index = duplicateIndex();
    let cursor: string | undefined;
    do {
      const page = await d.contacts.listContacts(book, cursor, LIST_PAGE);
      for (const c of page.contacts) index.add(c.contact);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return index;
  }

  const freshUid = (job: ImportJob, row: number) => `${job.id}-${row}`;

  async function dryRun(caller: Caller, id: string, mode: DuplicateMode) {
    const job = await jobFor(caller, id);
    const index = await bookIndex(job.book);
    const records = await recordsOf(job);
    const counts = { create: 0, update: 0, skip: 0, errors: [] as { row: number; message: string }[] };
    try {
      for (let rows = await records.next(); rows.length; rows = await records.next())
        for (const r of rows) {
          if (!r.contact) counts.errors.push({ row: r.row, message: r.error ?? "unreadable" });
          else counts[planRow(r.contact, r.hasUid, index, mode, freshUid(job, r.row)).action]++;
        }
    } finally {
      records.close();
    }
    return counts;
  }

  /** Starts the job; it runs on (here, or on another instance after a crash) until done. */
  async function commit(caller: Caller, id: string, mode: DuplicateMode) {
    await jobFor(caller, id);
    const job = await mutate(id, (j) => {
      if (j.state !== "ready") throw storeError("conflict", `The import is ${j.state} already`);
      return { ...j, state: "running", duplicates: mode };
    });
    void run(id);
    return statusOf(job);
  }

  async function status(caller: Caller, id: string) {
    return statusOf(await jobFor(caller, id));
  }

  async function cancel(caller: Caller, id: string) {
    await jobFor(caller, id);
    const job = await mutate(id, (j) => {
      if (j.state === "ready") return { ...j, state: "cancelled" };
      if (j.state === "running") return j.cancelRequested ? undefined : { ...j, cancelRequested: true };
      throw storeError("conflict", `The import is ${j.state}: there is nothing to cancel`);
    });
    return statusOf(job);
  }

  // ------------------------------------------------------------ the runner

  /** Decides what to do with each record of a chunk, against the book as the index has it. */
  async function planChunk(job: ImportJob, rows: ImportRow[], index: ReturnType<typeof duplicateIndex>) {
    const decisions: Decision[] = rows.map((r) => {
      if (!r.contact) return { row: r.row, action: "error", message: r.error ?? "unreadable" };
      const p = planRow(r.contact, r.hasUid, index, job.duplicates ?? "skip", freshUid(job, r.row));
      return { row: r.row, action: p.action, uid: p.uid };
    });
    const updates = [...new Set(decisions.filter((e) => e.action === "update").map((e) => e.uid!))];
    const found = new Map(updates.length ? (await d.contacts.lookup(job.book, updates)).map((c) => [c.uid, c]) : []);
    for (const e of decisions) {
      if (e.action !== "update") continue;
      const existing = found.get(e.uid!);
      if (!existing?.contact || existing.deleted) {
        Object.assign(e, { action: "error", message: "the contact it duplicates was deleted meanwhile" });
        continue;
      }
      e.before = existing.contact;
      e.ifMatch = existing.etag;
    }
    return decisions;
  }

  /** Plans a chunk and stores its plan, unless another runner stored one first: the plan that
   *  stands. Ours is used as planned, not read back from its bytes. */
  async function planOnce(
    id: string,
    k: number,
    job: ImportJob,
    rows: ImportRow[],
    index: ReturnType<typeof duplicateIndex>,
  ): Promise<Decision[]> {
    const planned = await planChunk(job, rows, index);
    const packed = pack(planned);
    const stood = await d.imports.putOnce(id, `plan:${k}`, packed);
    return Buffer.from(stood).equals(packed) ? planned : unpack<Decision[]>(stood);
  }

  /** What a chunk's plan writes: each decision with its contact, made from its record (the same
   *  every time the chunk's records are read), its photo saved to the photo store first. */
  async function entriesOf(decisions: Decision[], rows: ImportRow[]): Promise<PlanEntry[]> {
    const photos: PendingPhoto[] = [];
    const entries = decisions.map((e, k): PlanEntry => {
      if ((e.action !== "create" && e.action !== "update") || e.contact) return e;
      const record = rows[k];
      if (record?.row !== e.row || !record.contact)
        throw new Error(`The upload no longer reads as it did: record ${k} of a chunk is not row ${e.row}`);
      const merged = e.action === "update" ? mergeImported(e.before!, record.contact) : record.contact;
      const taken = d.photos.takeInline({ ...merged, uid: e.uid! });
      if (taken.photo) photos.push(taken.photo);
      return { ...e, contact: taken.contact };
    });
    if (photos.length) await d.photos.save(photos);
    return entries;
  }

  function opOf(e: PlanEntry): WriteOp {
    return e.action === "create"
      ? { op: "put", uid: e.uid!, contact: e.contact!, ifNoneMatch: true }
      : { op: "put", uid: e.uid!, contact: e.contact!, ifMatch: e.ifMatch };
  }

  async function writeChunk(job: ImportJob, entries: PlanEntry[], context: WriteContext) {
    const writes = entries.filter((e) => e.action === "create" || e.action === "update");
    for (let attempt = 0; ; attempt++) {
      const results = writes.length
        ? await d.contacts.applyWrites(job.book, writes.map(opOf), { retrySafe: true, context })
        : [];
      if (!results.some((r) => r.busy) || attempt >= 5) return sameContentLanded(job.book, writes, results);
      await sleep(500 * (attempt + 1));
    }
  }

  /** A create refused because its uid exists is one that landed before (a resumed chunk) when the
   *  stored version is the planned content: etags are content hashes. */
  async function sameContentLanded(book: string, writes: PlanEntry[], results: OpResult[]) {
    const refused = writes.filter((e, k) => e.action === "create" && results[k]?.status === "conflict");
    const stored = new Map(
      refused.length
        ? (
            await d.contacts.lookup(
              book,
              refused.map((e) => e.uid!),
            )
          ).map((c) => [c.uid, c])
        : [],
    );
    return writes.map((e, k) => {
      const found = stored.get(e.uid!);
      const ours = found && !found.deleted && found.etag === contentHash(e.contact!);
      const landedBefore: OpResult = { uid: e.uid!, status: "unchanged", etag: found?.etag };
      return [e, ours ? landedBefore : results[k]] as const;
    });
  }

  const landed = (r: OpResult | undefined) => r !== undefined && ["created", "updated", "unchanged"].includes(r.status);

  function failureOf(e: PlanEntry, r: OpResult | undefined): string {
    if (r?.status === "conflict")
      return e.action === "create"
        ? "a contact with this uid was created meanwhile"
        : "the contact it duplicates changed while the import ran";
    return r?.error ?? "the write failed";
  }

  type Held = { owner: string; lost: () => boolean; renew: (j: ImportJob) => ImportJob };

  async function importChunks(id: string, first: ImportJob, held: Held): Promise<ImportJob> {
    const { renew } = held;
    let job = first;
    const index = await bookIndex(job.book);
    // A contact is found by what it had when the import began, as well as by what the import gave
    // it: after a restart the book has the updated versions, and the records hold those replaced.
    for (let k = 0; job.duplicates === "update" && k < job.chunks; k++) {
      const done = await d.imports.blob(id, `done:${k}`);
      for (const w of done ? unpack<Written[]>(done) : []) if (w.before) index.add(w.before, w.uid, false);
    }
    const context: WriteContext = { user: job.user, surface: "import" };
    // One chunk of records at a time, from the first chunk not yet recorded. A chunk's record is
    // made while the next chunk is read and planned, and awaited before that chunk is written:
    // chunks are written in order, each once the one before is recorded and the job, read then,
    // is still this runner's and not cancelled.
    const records = await recordsOf(job, job.chunks * job.chunkRows);
    let recording: Promise<ImportJob> | undefined;
    const recorded = async () => {
      if (recording) job = await recording;
      recording = undefined;
    };
    try {
      for (let k = job.chunks; ; k++) {
        const rows = await records.next();
        if (rows.length === 0) break;
        // The first chunk this runner writes may have been planned by a runner before it, and so
        // may the one after (planned while that runner recorded the first). Their stored plans
        // stand: planning them again would add to the index what a plan made against the book
        // as it is now decides, which may differ, before putOnce handed back the stored one.
        const stored = k <= first.chunks + 1 ? await d.imports.blob(id, `plan:${k}`) : null;
        const decisions = stored ? unpack<Decision[]>(stored) : await planOnce(id, k, job, rows, index);
        const entries = await entriesOf(decisions, rows);
        // The plan that stands may be another runner's: the contacts it creates join the index, and
        // each update's contact is found by the version it replaced (which a book read after it
        // was written lacks) and by the one it writes (which a book read before lacks).
        for (const e of entries) {
          if (e.action === "create") index.add(e.contact!, e.uid!, e.uid !== freshUid(job, e.row));
          if (e.action === "update") {
            if (e.before) index.add(e.before, e.uid!, false);
            index.add(e.contact!, e.uid!, false);
          }
        }
        await recorded();
        // A read, not a write: the heartbeat and each chunk's record renew the lease.
        const now = (await d.imports.get(id))?.job;
        if (now?.holder !== held.owner || now.state !== "running" || held.lost()) throw new Stop();
        if (now.cancelRequested) break;
        const written = await writeChunk(job, entries, context);
        recording = recordChunk(id, k, entries, written, renew).then(async (j) => {
          await d.afterChunk?.(id, k);
          return j;
        });
        recording.catch(() => undefined); // its failure is thrown where it is awaited
      }
      await recorded();
    } finally {
      records.close();
      await recording?.catch(() => undefined); // a runner that stops leaves no write behind it
    }
    return job;
  }

  async function recordChunk(
    id: string,
    k: number,
    entries: PlanEntry[],
    written: Awaited<ReturnType<typeof writeChunk>>,
    renew: Held["renew"],
  ): Promise<ImportJob> {
    await d.imports.putOnce(
      id,
      `done:${k}`,
      pack(
        written
          .filter(([, r]) => landed(r))
          .map(
            ([e, r]): Written => ({
              uid: e.uid!,
              action: e.action as Written["action"],
              etag: r?.etag,
              ...(e.action === "update" ? { before: e.before } : {}),
            }),
          ),
      ),
    );
    const errors = [
      ...entries.filter((e) => e.action === "error").map((e) => ({ row: e.row, message: e.message! })),
      ...written.filter(([, r]) => !landed(r)).map(([e, r]) => ({ row: e.row, message: failureOf(e, r) })),
    ].sort((x, y) => x.row - y.row);
    const count = (action: PlanEntry["action"]) => written.filter(([e, r]) => e.action === action && landed(r)).length;
    return await mutate(id, (j) => {
      const next = renew(j);
      if (j.chunks !== k) throw new Stop(); // another runner recorded it: it holds the job now
      return {
        ...next,
        chunks: k + 1,
        done: Math.min(j.total, (k + 1) * j.chunkRows),
        created: j.created + count("create"),
        updated: j.updated + count("update"),
        skipped: j.skipped + entries.filter((e) => e.action === "skip").length,
        errors: [...j.errors, ...errors].slice(0, MAX_ERRORS),
        errorCount: j.errorCount + errors.length,
      };
    });
  }

  /** Undoes chunk after chunk, recording how far it got; writes are retry-safe, so a chunk undone
   *  again by a runner that took over answers as the first time. */
  async function undoChunks(id: string, first: ImportJob, held: Held): Promise<ImportJob> {
    let job = first;
    const context: WriteContext = { user: job.undoBy ?? job.user, surface: "import" };
    for (let k = job.undoChunks ?? 0; k < job.chunks; k++) {
      if (held.lost()) throw new Stop();
      const done = await d.imports.blob(id, `done:${k}`);
      const written = done ? unpack<Written[]>(done) : [];
      // Imports recorded before `before` was kept with the writes keep it in the chunk's plan.
      const plan = written.some((w) => w.action === "update" && !w.before)
        ? await d.imports.blob(id, `plan:${k}`)
        : null;
      const planned = new Map(plan ? unpack<PlanEntry[]>(plan).map((e) => [e.uid, e.before]) : []);
      const before = (w: Written) => w.before ?? planned.get(w.uid);
      const ops: WriteOp[] = written.map((w) =>
        w.action === "create"
          ? { op: "delete", uid: w.uid, ifMatch: w.etag }
          : { op: "put", uid: w.uid, contact: before(w)!, ifMatch: w.etag },
      );
      const results = ops.length ? await d.contacts.applyWrites(job.book, ops, { retrySafe: true, context }) : [];
      const tally = { removed: 0, restored: 0, kept: 0 };
      results.forEach((r, i) => {
        if (r.status === "conflict" || r.status === "error") tally.kept++;
        else if (written[i].action === "create") tally.removed++;
        else tally.restored++;
      });
      job = await mutate(id, (j) => {
        const next = held.renew(j);
        if ((j.undoChunks ?? 0) !== k) throw new Stop();
        const sum = j.undone ?? { removed: 0, restored: 0, kept: 0 };
        return {
          ...next,
          undoChunks: k + 1,
          undone: {
            removed: sum.removed + tally.removed,
            restored: sum.restored + tally.restored,
            kept: sum.kept + tally.kept,
          },
        };
      });
    }
    return job;
  }

  /** Carries a running (or undoing) job on, if no live runner holds it. Resolves when it stops. */
  async function run(id: string): Promise<void> {
    if (runningHere.has(id)) return;
    runningHere.add(id);
    const owner = randomUUID();
    let lost = false;
    let beat: NodeJS.Timeout | undefined;
    const active = (state: ImportJob["state"]) => state === "running" || state === "undoing";
    const renew = (j: ImportJob) => {
      if (j.holder !== owner || !active(j.state)) throw new Stop();
      return { ...j, until: new Date(now().getTime() + leaseMs).toISOString() };
    };
    const held: Held = { owner, lost: () => lost, renew };
    try {
      const job = await mutate(id, (j) => {
        if (!active(j.state)) throw new Stop();
        const taken = j.holder && j.holder !== owner && j.until && new Date(j.until).getTime() > now().getTime();
        if (taken) throw new Stop();
        // Reading the file holds this process (no heartbeat runs meanwhile): the first lease covers it.
        const reading = Math.min(300_000, Math.ceil(j.bytes / 1000));
        return { ...j, holder: owner, until: new Date(now().getTime() + leaseMs + reading).toISOString() };
      });
      beat = setInterval(
        () => void mutate(id, renew).catch(() => void (lost = true)),
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      beat.unref();
      if (job.state === "undoing") {
        await undoChunks(id, job, held);
        await mutate(id, (j) => ({ ...renew(j), state: "undone", holder: null, until: null }));
        return;
      }
      await importChunks(id, job, held);
      await mutate(id, (j) => {
        const next = renew(j);
        return { ...next, state: j.cancelRequested ? "cancelled" : "done", holder: null, until: null };
      });
    } catch (err) {
      if (!(err instanceof Stop)) {
        d.onError?.(err, id);
        const failure = err instanceof Error ? err.message : String(err);
        await mutate(id, (j) =>
          j.holder === owner && active(j.state)
            ? { ...j, state: "failed", failure, holder: null, until: null }
            : undefined,
        ).catch((e) => d.onError?.(e, id));
      }
    } finally {
      clearInterval(beat);
      runningHere.delete(id);
    }
  }

  /** Starts undoing a finished import: it removes what the import created and puts back what it
   *  overwrote; a contact changed since the import wrote it is left as it is (counted as kept).
   *  Runs as a job, carried on after a crash like an import. */
  async function undo(caller: Caller, id: string) {
    await jobFor(caller, id);
    const job = await mutate(id, (j) => {
      if (!["done", "cancelled", "failed"].includes(j.state))
        throw storeError("conflict", `The import is ${j.state}: only a finished import can be undone`);
      if (!undoable(j)) throw storeError("conflict", "The import is too old to undo (TOMBSTONE_RETENTION_DAYS)");
      return {
        ...j,
        state: "undoing",
        undoBy: caller._id || j.user,
        undoChunks: 0,
        undone: { removed: 0, restored: 0, kept: 0 },
        holder: null,
        until: null,
      };
    });
    void run(id);
    return statusOf(job);
  }

  /** Jobs left running by a runner that stopped (a crash, a restart): carried on here. */
  async function resumeStalled(): Promise<string[]> {
    const resumed: string[] = [];
    for (const id of await d.imports.ids()) {
      const job = (await d.imports.get(id))?.job;
      if ((job?.state !== "running" && job?.state !== "undoing") || runningHere.has(id)) continue;
      if (job.until && new Date(job.until).getTime() > now().getTime()) continue;
      resumed.push(id);
      void run(id);
    }
    return resumed;
  }

  /** Whether what undo needs is still kept (jobs from before `undoUntil` was kept: a day). */
  function undoable(job: ImportJob): boolean {
    return now().getTime() < new Date(job.undoUntil ?? job.expiresAt).getTime();
  }

  /** The daily pass: uploads and the chunks' plans go after a day; what undo needs (each chunk's
   *  writes, with the versions they overwrote) stays for the tombstone retention, as long as the
   *  import can be undone, then the job goes too. */
  async function purgeExpired(): Promise<number> {
    let removed = 0;
    for (const id of await d.imports.ids()) {
      const job = (await d.imports.get(id))?.job;
      if (!job || job.state === "running" || job.state === "undoing") continue;
      if (new Date(job.expiresAt).getTime() > now().getTime()) continue;
      const wrote = job.chunks > 0; // an import cancelled before it wrote has nothing to undo
      if (wrote && ["done", "cancelled", "failed"].includes(job.state) && undoable(job)) {
        if (job.uploadRemoved) continue;
        // A runner plans a chunk before it learns of a cancel: the one after the last written may
        // have a plan too.
        const plans = Array.from({ length: job.chunks + 1 }, (_, k) => `plan:${k}`);
        await d.imports.dropBlobs(id, ["upload", ...plans]);
        await mutate(id, (j) => (j.uploadRemoved ? undefined : { ...j, uploadRemoved: true }));
        continue;
      }
      await d.imports.remove(id);
      removed++;
    }
    return removed;
  }

  return { upload, preview, configure, dryRun, commit, status, cancel, undo, run, resumeStalled, purgeExpired };
}

export type ImportService = ReturnType<typeof createImportService>;
