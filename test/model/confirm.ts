// Confirming a plan's deletions: exactly the uids the plan's `deletions` showed, per side, as a user
// who saw the dialog would. Anything deleted beyond them is refused again (core/sync/reconcile.ts).
import type { ReconcileOptions } from "../../core/sync/reconcile";
import type { Plan } from "../../core/sync/sync-types";

/** Options that confirm exactly the deletions `plan` showed. */
export function confirming(plan: Pick<Plan, "deletions">): Required<Pick<ReconcileOptions, "confirmedDeletes">> {
  const { outlook, server } = plan.deletions;
  return { confirmedDeletes: { outlook: outlook.map((d) => d.uid), server: server.map((d) => d.uid) } };
}
