// The items a store wrote after each read whose state it handed out. A sync reads the folder
// (and gets state S), then creates and updates items; the next sync reads with S again. An
// item created after S and deleted before that next read is neither in S nor in the folder:
// an EWS listing cannot tell it was ever there, and Exchange's change tracking under Graph delta
// need not report the deletion of an item the state never gave the client. So the store notes
// which ids it wrote after which read, and the next read with one of those states confirms
// each of them (still there, or gone) by reading it directly.
// It lives in memory, for as long as the store does: a state from another pane session finds
// nothing here, and the caller's own re-read of what it wrote (store.getItems) covers that case.

/** States remembered; a sync passes back the state of the read before it, rarely an older one. */
const rememberedStates = 8;

// 32-bit FNV-1a over the whole state plus its length: states are compared, never stored (an EWS
// state can be megabytes).
function fingerprint(state: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < state.length; i++) {
    hash ^= state.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${state.length}:${hash.toString(36)}`;
}

export type WriteLog = {
  /** A read of `folder` handed out `state`; writes from now on come after it. */
  handedOut(folder: string, state: string): void;
  /** The store created or updated item `id` in `folder`. */
  wrote(folder: string, id: string): void;
  /** Ids written in `folder` after the read that handed out `state`; empty for a state it does not know. */
  writtenSince(folder: string, state: string | undefined): string[];
};

export function createWriteLog(): WriteLog {
  let reads = 0;
  const states = new Map<string, { folder: string; read: number }>();
  const writes = new Map<string, { folder: string; afterRead: number }>();

  function forgetOld(): void {
    while (states.size > rememberedStates) states.delete(states.keys().next().value!);
    const oldest = Math.min(...[...states.values()].map((s) => s.read));
    for (const [id, write] of writes) if (write.afterRead < oldest) writes.delete(id);
  }

  return {
    handedOut(folder, state) {
      const key = fingerprint(state);
      states.delete(key);
      states.set(key, { folder, read: ++reads });
      forgetOld();
    },
    wrote(folder, id) {
      writes.delete(id);
      writes.set(id, { folder, afterRead: reads });
    },
    writtenSince(folder, state) {
      const at = state === undefined ? undefined : states.get(fingerprint(state));
      if (!at || at.folder !== folder) return [];
      return [...writes].filter(([, w]) => w.folder === folder && w.afterRead >= at.read).map(([id]) => id);
    },
  };
}
