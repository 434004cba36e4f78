// Confirming a plan's deletions, written once for both the current and the coming interface
// (CONTRACTS.md): today `confirmDeletes: true`; next `confirmedDeletes: { outlook, server }` naming
// the uids a plan's `deletions` showed. Each side ignores the key it does not know, so the model
// tests run unchanged on either; switch to the typed form once the new interface has merged.
import type { ReconcileOptions } from "../../core/reconcile";
import type { Plan } from "../../core/sync-types";

type Deletion = { uid: string; name?: string };
type PlanDeletions = { outlook: Deletion[]; server: Deletion[] };

/** The deletions the plan shows, per side, or undefined when the plan does not list them (old interface). */
export function deletionsOf(plan: Plan): PlanDeletions | undefined {
  return (plan as Plan & { deletions?: PlanDeletions }).deletions;
}

/** Options that confirm exactly the deletions `plan` showed (all of them under the old interface). */
export function confirming(plan: Plan | undefined): Pick<ReconcileOptions, "confirmDeletes"> {
  const shown = plan && deletionsOf(plan);
  const confirmedDeletes = shown && { outlook: shown.outlook.map((d) => d.uid), server: shown.server.map((d) => d.uid) };
  return { confirmDeletes: true, ...(confirmedDeletes ? { confirmedDeletes } : {}) } as Pick<ReconcileOptions, "confirmDeletes">;
}
