// "Sync every N minutes": the timer, and what the pane says about its limit.
// Outlook runs the pane only while it is open; it closes when the user selects another message.
import { useEffect, useRef } from "react";

/** The honest limit of background sync, next to the sync buttons and in Settings. */
export const backgroundSyncNote =
  "Outlook runs Concord only while this pane is open: it closes when you select another message, and syncing stops " +
  "until you open it again (it then catches up).";

/**
 * Runs `sync` every `minutes` while `active`. The timer starts when the pane signs in or the interval changes,
 * and only then: a re-render (a tab switch, a sync's own progress) must not restart it, or a pane in use would
 * never reach its next sync.
 */
export function usePeriodicSync(sync: () => void, minutes: number, active: boolean): void {
  const latest = useRef(sync);
  latest.current = sync;
  useEffect(() => {
    if (!active || minutes <= 0) return;
    const timer = setInterval(() => latest.current(), minutes * 60_000);
    return () => clearInterval(timer);
  }, [active, minutes]);
}
