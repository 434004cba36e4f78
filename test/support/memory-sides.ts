// In-memory Outlook folder and server book for sync tests, with injectable faults:
// single failed operations and a "kill" after k operations, after which every call
// (status saves included) throws, as if the process had died.
import type { Contact } from "../../core/contact/contact";
import { contentHash } from "../../core/contact/content-hash";
import type {
  OutlookAdapter,
  OutlookContact,
  OutlookItem,
  ServerAdapter,
  ServerItem,
  ServerOp,
  ServerOpResult,
  Snapshot,
} from "../../core/sync/sync-types";

export class Faults {
  ops = 0;
  killed = false;
  constructor(
    readonly failOps: ReadonlySet<number> = new Set(),
    readonly killAfter?: number,
  ) {}

  /** Called before each write; throws for an injected failure or after the kill. */
  tick(): void {
    if (this.killed) throw new Error("killed");
    this.ops++;
    if (this.killAfter !== undefined && this.ops > this.killAfter) {
      this.killed = true;
      throw new Error("killed");
    }
    if (this.failOps.has(this.ops)) throw new Error(`injected failure at op ${this.ops}`);
  }
}

export const noFaults = () => new Faults();

type StoredOutlook = { contact: OutlookContact; changeKey: string };

export function memoryOutlook() {
  const items = new Map<string, StoredOutlook>();
  let nextId = 1;
  let nextKey = 1;
  const store = (id: string, contact: OutlookContact) => {
    const changeKey = `ck${nextKey++}`;
    items.set(id, { contact: structuredClone(contact), changeKey });
    return { changeKey, hash: contentHash(contact as Contact) };
  };
  return {
    items,
    snapshot(): Snapshot<OutlookItem> {
      return {
        complete: true,
        items: [...items].map(([id, s]) => ({ id, contact: structuredClone(s.contact), changeKey: s.changeKey })),
      };
    },
    /** The user (or another device) writes directly. */
    userCreate(contact: OutlookContact): string {
      const id = `o${nextId++}`;
      store(id, contact);
      return id;
    },
    userEdit(id: string, edit: (c: OutlookContact) => void): void {
      const item = items.get(id)!;
      const contact = structuredClone(item.contact);
      edit(contact);
      store(id, contact);
    },
    userDelete(id: string): void {
      items.delete(id);
    },
    adapter(faults: Faults): OutlookAdapter & { calls: number } {
      const adapter = {
        calls: 0,
        async create(contact: Contact) {
          adapter.calls++;
          faults.tick();
          const id = `o${nextId++}`;
          return { id, ...store(id, contact) };
        },
        async update(id: string, contact: Contact) {
          adapter.calls++;
          faults.tick();
          if (!items.has(id)) throw new Error(`no Outlook item ${id}`);
          return store(id, contact);
        },
        async delete(id: string) {
          adapter.calls++;
          faults.tick();
          items.delete(id);
        },
      };
      return adapter;
    },
  };
}

export function memoryServer() {
  const items = new Map<string, { contact: Contact; etag: string }>();
  /** uids deleted and not re-created: the book's tombstones. */
  const tombstones = new Set<string>();
  let nextEtag = 1;
  const store = (contact: Contact) => {
    const etag = `"e${nextEtag++}"`;
    items.set(contact.uid, { contact: structuredClone(contact), etag });
    tombstones.delete(contact.uid);
    return etag;
  };
  const remove = (uid: string) => {
    items.delete(uid);
    tombstones.add(uid);
  };
  const apply = (op: ServerOp): ServerOpResult => {
    const current = items.get(op.uid);
    if (op.ifMatch !== undefined && current?.etag !== op.ifMatch)
      return { uid: op.uid, status: "conflict", error: "If-Match failed" };
    if (op.op === "delete") {
      if (!current) return { uid: op.uid, status: "unchanged" };
      remove(op.uid);
      return { uid: op.uid, status: "deleted" };
    }
    return { uid: op.uid, status: current ? "updated" : "created", etag: store(op.contact) };
  };
  return {
    items,
    /** With `tombstones`, the snapshot also names the deleted uids (as a caller that looked them up would). */
    snapshot(options: { tombstones?: boolean } = {}): Snapshot<ServerItem> {
      const live = [...items.values()].map((s) => ({ contact: structuredClone(s.contact), etag: s.etag }));
      const snapshot = { complete: true, items: live };
      return options.tombstones ? { ...snapshot, deletedUids: [...tombstones] } : snapshot;
    },
    userPut(contact: Contact): void {
      store(contact);
    },
    userEdit(uid: string, edit: (c: Contact) => void): void {
      const contact = structuredClone(items.get(uid)!.contact);
      edit(contact);
      store(contact);
    },
    userDelete(uid: string): void {
      remove(uid);
    },
    adapter(faults: Faults): ServerAdapter & { batches: ServerOp[][] } {
      const adapter = {
        batches: [] as ServerOp[][],
        async applyBatch(ops: ServerOp[]) {
          adapter.batches.push(ops);
          const results: ServerOpResult[] = [];
          for (const op of ops) {
            // A kill mid-batch leaves the ops before it applied and no answer at all.
            try {
              faults.tick();
            } catch (error) {
              if (faults.killed) throw error;
              results.push({ uid: op.uid, status: "error", error: (error as Error).message });
              continue;
            }
            results.push(apply(op));
          }
          return results;
        },
      };
      return adapter;
    },
  };
}

export type MemoryOutlook = ReturnType<typeof memoryOutlook>;
export type MemoryServer = ReturnType<typeof memoryServer>;
