// What a list of actions creates, updates and deletes on each side: the plan's counts (reconcile) and
// a sync's counts of what it did (the actions that succeeded) are the same count.
import type { Action, SideCounts } from "./sync-types";

export function countSides(actions: readonly Action[]): { outlook: SideCounts; server: SideCounts } {
  const counts = { outlook: { created: 0, updated: 0, deleted: 0 }, server: { created: 0, updated: 0, deleted: 0 } };
  for (const a of actions) {
    if (a.outlook === "create") counts.outlook.created++;
    else if (a.outlook === "update") counts.outlook.updated++;
    else if (a.outlook === "delete") counts.outlook.deleted++;
    if (a.server === "delete") counts.server.deleted++;
    else if (a.server) counts.server[a.serverCreates ? "created" : "updated"]++;
  }
  return counts;
}
