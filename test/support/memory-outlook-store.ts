// An in-memory Outlook contacts store implementing the whole OutlookContactStore contract (CONTRACTS.md),
// getItems and the idempotent create included, with the delta behaviour the sync must survive:
// an item created after a delta state and deleted before the next read is never reported (Graph
// delta reports removals only of items the client was told about), and a whole-folder listing can
// miss an item (EWS offset paging shifted by a concurrent change).
import type { Contact } from "../../core/contact/contact";
import type { OutlookContact } from "../../core/sync/sync-types";
import type { ContactFolder, FolderRead, OutlookContactStore, OutlookItem } from "../../addin/outlook/outlook-store";
import type { OutlookCodec } from "../../addin/sync/outlook-codec";

/** The wire form here is the contact itself, without its uid (that is the extended property). */
export type MemoryWire = Omit<Contact, "uid">;

export const memoryCodec: OutlookCodec<MemoryWire> = {
  read: (wire, uid) => ({ ...structuredClone(wire), uid }),
  forCreate: ({ uid: _uid, ...wire }) => structuredClone(wire),
  forUpdate: ({ uid: _uid, ...wire }) => structuredClone(wire),
};

type Stored = {
  id: string;
  folderId: string;
  wire: MemoryWire;
  concordUid?: string;
  changeKey: string;
  createdAt: number;
  changedAt: number;
};

export function memoryOutlookStore() {
  /** The subfolders of the main Contacts folder (`main`, which is not among them). */
  const folders = new Map<string, ContactFolder>();
  const main: ContactFolder = { id: "folder-main", name: "Contacts" };
  const known = (folderId: string) => folderId === main.id || folders.has(folderId);
  const items = new Map<string, Stored>();
  const removals: { id: string; folderId: string; at: number; createdAt: number }[] = [];
  const hidden = new Set<string>();
  let unstable = false;
  const rejecting = new Set<string>();
  let seq = 0;
  let epoch = 1;
  const calls = { reads: [] as (string | undefined)[], getItems: [] as string[][] };

  const item = (s: Stored): OutlookItem<MemoryWire> => ({
    id: s.id,
    changeKey: s.changeKey,
    concordUid: s.concordUid,
    wire: structuredClone(s.wire),
  });
  const write = (s: Omit<Stored, "changeKey" | "changedAt">) => {
    const stored = { ...s, changeKey: `ck${++seq}`, changedAt: seq };
    items.set(s.id, stored);
    return stored;
  };
  const stateOf = () => `${epoch}:${seq}`;

  const store: OutlookContactStore<MemoryWire> = {
    kind: "graph",
    async listFolders() {
      return [...folders.values()];
    },
    async mainFolder() {
      return main;
    },
    async ensureFolder(name) {
      const found = [...folders.values()].find((f) => f.name === name);
      if (found) return found;
      const folder = { id: `folder-${folders.size + 1}`, name };
      folders.set(folder.id, folder);
      return folder;
    },
    async readFolder(folderId, state) {
      calls.reads.push(state);
      if (!known(folderId)) throw new Error(`no folder ${folderId}`);
      const [stateEpoch, since] = (state ?? "").split(":").map(Number);
      const inFolder = [...items.values()].filter((s) => s.folderId === folderId);
      if (state === undefined || stateEpoch !== epoch) {
        const listed = inFolder.filter((s) => !hidden.has(s.id));
        hidden.clear();
        // An EWS listing that never held still: not a whole read, and no removals (outlook-store.ts).
        const full = !unstable;
        unstable = false;
        return { items: listed.map(item), removed: [], full, state: stateOf() } satisfies FolderRead<MemoryWire>;
      }
      const changed = inFolder.filter((s) => s.changedAt > since!);
      const removed = removals
        .filter((r) => r.folderId === folderId && r.at > since! && r.createdAt <= since!)
        .map((r) => r.id);
      return { items: changed.map(item), removed, full: false, state: stateOf() };
    },
    async getItems(folderId, ids) {
      calls.getItems.push([...ids]);
      const found = ids.flatMap((id) => {
        const s = items.get(id);
        return s && s.folderId === folderId ? [item(s)] : [];
      });
      const foundIds = new Set(found.map((i) => i.id));
      return { items: found, missing: ids.filter((id) => !foundIds.has(id)) };
    },
    async create(folderId, wire, concordUid) {
      const existing = [...items.values()].find((s) => s.folderId === folderId && s.concordUid === concordUid);
      if (existing) return item(write({ ...existing, wire }));
      return item(write({ id: `item-${seq + 1}`, folderId, wire, concordUid, createdAt: seq + 1 }));
    },
    async update(id, wire, concordUid, changeKey) {
      const current = items.get(id);
      if (!current) throw new Error(`The item ${id} no longer exists`);
      if (rejecting.has(id)) throw new Error(`Outlook refused to save ${id}`);
      if (changeKey !== undefined && changeKey !== current.changeKey)
        throw new Error(`The item ${id} changed meanwhile`);
      return item(write({ ...current, wire, concordUid }));
    },
    async remove(id) {
      const current = items.get(id);
      if (!current) return;
      items.delete(id);
      removals.push({ id, folderId: current.folderId, at: ++seq, createdAt: current.createdAt });
    },
  } as OutlookContactStore<MemoryWire>;

  const blank = (displayName: string): MemoryWire => ({
    displayName,
    emails: [],
    phones: [],
    addresses: [],
    urls: [],
    im: [],
    categories: [],
    extra: [],
  });

  return {
    store,
    connection: { store, codec: memoryCodec },
    calls,
    items,
    folders,
    mainFolderId: main.id,
    contactsIn: (folderId: string) => [...items.values()].filter((s) => s.folderId === folderId),
    namesIn: (folderId: string) =>
      [...items.values()]
        .filter((s) => s.folderId === folderId)
        .map((s) => s.wire.displayName)
        .sort(),
    /** The user adds a contact; `concordUid` as if an earlier sync (another pair, a copy) had stamped it. */
    userCreate(
      folderId: string,
      contact: Partial<OutlookContact> & { displayName: string },
      concordUid?: string,
    ): string {
      const id = `item-${seq + 1}`;
      write({
        id,
        folderId,
        wire: { ...blank(contact.displayName), ...contact } as MemoryWire,
        concordUid,
        createdAt: seq + 1,
      });
      return id;
    },
    userEdit(id: string, patch: Partial<MemoryWire>): void {
      const current = items.get(id)!;
      write({ ...current, wire: { ...current.wire, ...patch } });
    },
    userDelete: (id: string) => store.remove(id),
    renameFolder(id: string, name: string): void {
      folders.set(id, { id, name });
    },
    /** The next incremental read finds its state expired and reads the whole folder. */
    expireState(): void {
      epoch++;
    },
    /** The next whole-folder listing misses this item although it is still there. */
    /** The next whole read misses `id` and, like an EWS listing that never held still, says it is not full. */
    unstableNextFullRead(id: string): void {
      hidden.add(id);
      unstable = true;
    },
    hideFromNextFullRead(id: string): void {
      hidden.add(id);
    },
    /** Updates of this item fail until allowed again (a persistent per-item error). */
    rejectUpdates(id: string, rejected = true): void {
      if (rejected) rejecting.add(id);
      else rejecting.delete(id);
    },
  };
}

export type MemoryOutlookStore = ReturnType<typeof memoryOutlookStore>;
