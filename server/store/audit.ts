// The audit log: one document per audited request (its writes together, see the model), under an
// _id that starts with its time, so the newest-first listing pages by _id. Recorded after the
// write, never in its way.
import { randomBytes } from "node:crypto";
import type { AuditEntryDoc, Models } from "../db/models";
import type { Audit, AuditEntry, AuditQuery, ContactStore, OpResult, Surface, WriteOp, WriteOptions } from "./contract";
import { storeError } from "./errors";

// Within one millisecond, this process's entries keep their order (the counter); instances differ by the random part.
let counter = 0;
const entryId = (at: string) => `${at}-${String(++counter).padStart(12, "0")}${randomBytes(6).toString("base64url")}`;
type Tuple = [string, AuditEntry["op"], string[]];
type AuditDoc = AuditEntryDoc & { _id: string };

/** A document's entries, newest first (the order the listing gives them). */
function entriesOf(d: AuditDoc): AuditEntry[] {
  const shared = { at: new Date(d.at).toISOString(), user: d.user, surface: d.surface as Surface, book: d.book };
  const writes: Tuple[] = d.writes ? JSON.parse(d.writes) : [[d.uid!, d.op as AuditEntry["op"], d.fields ?? []]];
  return writes.map(([uid, op, fields]) => ({ ...shared, uid, op, fields: [...fields] })).reverse();
}

/** The writes of one request share who, where, which book and when: one document each such group. */
function batchesOf(entries: AuditEntry[]): AuditDoc[] {
  const groups = new Map<string, AuditEntry[]>();
  for (const e of entries) {
    const key = JSON.stringify([e.at, e.user, e.surface, e.book]);
    groups.get(key)?.push(e) ?? groups.set(key, [e]);
  }
  return [...groups.values()].map((group) => {
    const { at, user, surface, book } = group[0];
    const writes = JSON.stringify(group.map((e): Tuple => [e.uid, e.op, e.fields]));
    return { _id: entryId(at), at: new Date(at), user, surface, book, writes } as AuditDoc;
  });
}

/** Where a database page ends: the document's _id and how many of its entries were listed. */
const encodeBatchCursor = (id: string, skip: number) => Buffer.from(`${id}|${skip}`).toString("base64url");
function decodeBatchCursor(cursor: string | undefined): { id: string; skip: number } | undefined {
  if (cursor === undefined) return undefined;
  const [id, skip] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z-[\w-]+$/.test(id) || !/^\d+$/.test(skip ?? ""))
    throw storeError("invalid", "The cursor is not one this listing handed out");
  return { id, skip: Number(skip) };
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z-[\w-]+$/.test(id))
    throw storeError("invalid", "The cursor is not one this listing handed out");
  return id;
}

/** Newest first, past the cursor, within the filters: shared by the database and memory logs. */
export function pageAudit(rows: { id: string; entry: AuditEntry }[], q: AuditQuery) {
  const before = decodeCursor(q.cursor);
  const kept = rows
    .filter(
      ({ id, entry: e }) =>
        (!before || id < before) && (!q.book || e.book === q.book) && (!q.user || e.user === q.user),
    )
    .filter(({ entry: e }) => (!q.surface || e.surface === q.surface) && (!q.since || e.at >= q.since.toISOString()))
    .filter(({ entry: e }) => !q.until || e.at < q.until.toISOString())
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const page = kept.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => r.entry),
    cursor: kept.length > q.limit ? Buffer.from(last.id).toString("base64url") : null,
  };
}

export function createAudit(models: Models): Audit {
  const Log = models.AuditEntry;
  return {
    async record(entries) {
      if (!entries.length) return;
      await Log.collection.insertMany(batchesOf(entries) as never[], { ordered: false });
    },
    // A filtered find scans on FerretDB (only a lone _id filter is indexed): an administrator's
    // page, never on a write's path. The filters, the order and the page size still go to the
    // database, so a page reads one page of entries, not the whole log.
    async list(q) {
      const range: Record<string, string> = {};
      if (q.since) range.$gte = q.since.toISOString();
      const from = decodeBatchCursor(q.cursor);
      const until = q.until?.toISOString();
      if (until) range.$lt = until;
      // The cursor's own document again (its entries not yet listed), and older ones.
      if (from && (!until || from.id < until)) {
        delete range.$lt;
        range.$lte = from.id;
      }
      const filter: Record<string, unknown> = Object.keys(range).length ? { _id: range } : {};
      if (q.book) filter.book = q.book;
      if (q.user) filter.user = q.user;
      if (q.surface) filter.surface = q.surface;
      // Every document holds at least one entry: this many fill a page and tell whether more follow.
      const docs = await Log.find(filter)
        .sort({ _id: -1 })
        .limit(q.limit + 2)
        .lean<AuditDoc[]>();
      const rows = docs.flatMap((d) =>
        entriesOf(d)
          .map((entry, k) => ({ id: d._id, k, entry }))
          .filter((r) => !from || r.id !== from.id || r.k >= from.skip),
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        entries: page.map((r) => r.entry),
        cursor: rows.length > q.limit ? encodeBatchCursor(last.id, last.k + 1) : null,
      };
    },
    async purge(before) {
      const { deletedCount } = await Log.deleteMany({ _id: { $lt: before.toISOString() } });
      return deletedCount ?? 0;
    },
  };
}

export function createMemoryAudit(): Audit {
  const rows: { id: string; entry: AuditEntry }[] = [];
  return {
    record: async (entries) =>
      void rows.push(...entries.map((entry) => ({ id: entryId(entry.at), entry: { ...entry } }))),
    list: async (q) => pageAudit(rows, q),
    purge: async (before) => {
      const keep = rows.filter((r) => r.id >= before.toISOString());
      const dropped = rows.length - keep.length;
      rows.splice(0, rows.length, ...keep);
      return dropped;
    },
  };
}

const OPS = { created: "create", updated: "update", deleted: "delete" } as const;

/** The contact store with every write that names its context recorded in the audit log, after
 *  the write and without waiting for it: a failed record is reported to `onError`, never to the
 *  writer. `settled()` waits for records under way (tests, and a listing that must see them). */
export function withAudit<S extends ContactStore>(
  contacts: S,
  audit: Audit,
  clock: () => Date,
  onError: (err: unknown) => void,
) {
  const pending = new Set<Promise<void>>();
  async function applyWrites(book: string, ops: WriteOp[], options: WriteOptions = {}): Promise<OpResult[]> {
    const results = await contacts.applyWrites(book, ops, options);
    const { context } = options;
    if (!context) return results;
    const at = clock().toISOString();
    const entries = results.flatMap((r): AuditEntry[] => {
      if (!(r.status in OPS)) return [];
      const op = options.restore ? "restore" : OPS[r.status as keyof typeof OPS];
      return [{ at, user: context.user, surface: context.surface, book, uid: r.uid, op, fields: r.fields ?? [] }];
    });
    const recording = audit.record(entries).catch(onError);
    pending.add(recording);
    void recording.finally(() => pending.delete(recording));
    return results;
  }
  const settled = async () => void (await Promise.all([...pending]));
  const list = async (q: AuditQuery) => {
    await settled();
    return audit.list(q);
  };
  const auditLog: Audit = { ...audit, list };
  return { contacts: { ...contacts, applyWrites } as S, audit: auditLog };
}
