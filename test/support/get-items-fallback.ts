// Until the Graph and EWS stores gain getItems (CONTRACTS.md, OUTLOOK helper), a store without it
// reads the folder whole and picks the ids out: the same answer, found or missing, only slower.
import type { OutlookContactStore } from "../../addin/outlook/outlook-store";

export function withGetItems<Wire>(store: OutlookContactStore<Wire>): OutlookContactStore<Wire> {
  if (typeof (store as Partial<OutlookContactStore<Wire>>).getItems === "function") return store;
  return {
    ...store,
    async getItems(folderId: string, ids: string[]) {
      const { items } = await store.readFolder(folderId);
      const wanted = new Set(ids);
      const found = items.filter((item) => wanted.has(item.id));
      const foundIds = new Set(found.map((item) => item.id));
      return { items: found, missing: ids.filter((id) => !foundIds.has(id)) };
    },
  } as OutlookContactStore<Wire>;
}
