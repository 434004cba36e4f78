// The readFolder state for EWS. Add-ins cannot call SyncFolderItems (it is not in
// "EWS operations that add-ins support", learn.microsoft.com/office/dev/add-ins/outlook/web-services),
// so each read lists the folder with FindItem and compares every item's ChangeKey
// with the one seen last time. The state is that id → ChangeKey map, kept small
// enough for 40,000 contacts:
// - ItemIds in one folder share a long base64 prefix (mailbox and folder parts of
//   the store id), stored once; each entry keeps only its own suffix;
// - the ChangeKey is kept as a 32-bit FNV-1a hash in base 36 (≤ 7 characters).
//   A changed contact goes unnoticed only if its new ChangeKey collides, about
//   1 in 4·10⁹ per change; the next change to it is then seen.
// 40,000 entries come to roughly 40,000 × (suffix ≈ 40 + hash 7 + JSON 6) ≈ 2 MB of
// text instead of ≈ 8 MB for raw ids and ChangeKeys.

const version = "ews-changekeys-1";

export type SeenVersions = { folderId: string; hashes: Map<string, string> };

export function changeKeyHash(changeKey: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < changeKey.length; i++) {
    hash ^= changeKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

function commonPrefix(ids: string[]): string {
  if (ids.length === 0) return "";
  let prefix = ids[0]!;
  for (const id of ids) {
    while (!id.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** Encodes id → ChangeKey for the next read. */
export function encodeState(folderId: string, changeKeys: Map<string, string>): string {
  const ids = [...changeKeys.keys()];
  const prefix = commonPrefix(ids);
  const entries = ids.map((id) => [id.slice(prefix.length), changeKeyHash(changeKeys.get(id)!)]);
  return JSON.stringify({ v: version, f: folderId, p: prefix, e: entries });
}

/** The versions a state recorded, or undefined when it is missing, foreign or from another folder (→ full read). */
export function decodeState(folderId: string, state: string | undefined): SeenVersions | undefined {
  if (!state) return undefined;
  try {
    const parsed = JSON.parse(state) as { v?: string; f?: string; p?: string; e?: [string, string][] };
    if (parsed.v !== version || parsed.f !== folderId || typeof parsed.p !== "string" || !Array.isArray(parsed.e))
      return undefined;
    const prefix = parsed.p;
    return { folderId, hashes: new Map(parsed.e.map(([suffix, hash]) => [prefix + suffix, hash])) };
  } catch {
    return undefined;
  }
}
