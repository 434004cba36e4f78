// The audit log: one document per audited contact write, under an _id that starts with its time,
// so the newest-first listing pages by _id. Recorded after the write, never in its way.
import { randomBytes } from "node:crypto";
import type { AuditEntryDoc, Models } from "../db/models";
import type { Audit, AuditEntry, AuditQuery, ContactStore, OpResult, WriteOp, WriteOptions } from "./contract";
import { storeError } from "./errors";

// Within one millisecond, this process's entries keep their order (the counter); instances differ by the random part.
let counter = 0;
const entryId = (at: string) => `${at}-${String(++counter).padStart(12, "0")}${randomBytes(6).toString("base64url")}`;
const toEntry = (d: AuditEntryDoc & { _id: string }): AuditEntry => ({
  at: new Date(d.at).toISOString(),
  user: d.user,
  surface: d.surface as AuditEntry["surface"],
  book: d.book,
  uid: d.uid,
  op: d.op as AuditEntry["op"],
  fields: [...(d.fields ?? [])],
});

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
      const docs = entries.map((e) => ({ _id: entryId(e.at), ...e, at: new Date(e.at) }));
      await Log.collection.insertMany(docs as never[], { ordered: false });
    },
    // A filtered find scans on FerretDB (only a lone _id filter is indexed): an administrator's
    // page, never on a write's path. The time bounds are pushed down as an _id range all the same.
    async list(q) {
      const range: Record<string, string> = {};
      if (q.since) range.$gte = q.since.toISOString();
      if (q.until) range.$lt = q.until.toISOString();
      const filter = Object.keys(range).length ? { _id: range } : {};
      const docs = await Log.find(filter).lean<(AuditEntryDoc & { _id: string })[]>();
      return pageAudit(
        docs.map((d) => ({ id: d._id, entry: toEntry(d) })),
        q,
      );
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
  const auditLog: Audit = { ...audit, list: async (q) => (await settled(), audit.list(q)) };
  return { contacts: { ...contacts, applyWrites } as S, audit: auditLog };
}
