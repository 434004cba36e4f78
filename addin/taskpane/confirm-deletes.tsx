// The dialog before deletes: it names every contact that goes (the first 50 per side, then how many
// more), and confirming deletes exactly those (SyncRequest.confirmedDeletes), nothing the plan adds later.
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from "@fluentui/react-components";
import type { Plan, Refusal } from "../../core/sync/sync-types";
import type { ConfirmedDeletes } from "../sync/sync-session";
import { describeRefusal, nameList } from "./plain-words";

export type DeletePurpose = "deletes" | "replace";

export type ConfirmDeletesProps = {
  bookName: string;
  purpose: DeletePurpose;
  plan: Pick<Plan, "deletions" | "counts">;
  refusals: Refusal[];
  onConfirm(confirmed: ConfirmedDeletes): void;
  onCancel(): void;
};

/** The uids the dialog shows, per side: what a confirmation lets the sync delete. */
export const confirmedFrom = (plan: Pick<Plan, "deletions">): ConfirmedDeletes => ({
  outlook: plan.deletions.outlook.map((d) => d.uid),
  server: plan.deletions.server.map((d) => d.uid),
});

const sideHeading = { outlook: "Deleted in Outlook", server: "Deleted on the server" } as const;

function Deletions({ side, names }: { side: "outlook" | "server"; names: string[] }) {
  if (!names.length) return null;
  const { shown, more } = nameList(names);
  return (
    <div data-deletions={side}>
      <p>
        {sideHeading[side]} ({names.length}):
      </p>
      <ul>
        {shown.map((name, i) => (
          <li key={i}>{name}</li>
        ))}
      </ul>
      {more > 0 && <p>and {more} more</p>}
    </div>
  );
}

export function ConfirmDeletesDialog(props: ConfirmDeletesProps) {
  return (
    <Dialog open modalType="alert">
      <DialogSurface>
        <DialogBody>
          <DialogTitle>
            {props.purpose === "replace" ? `Replace ${props.bookName} with this folder?` : "Delete these contacts?"}
          </DialogTitle>
          <ConfirmDeletesBody {...props} />
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** What the dialog says and its buttons (apart from the dialog, which renders into a portal). */
export function ConfirmDeletesBody({ bookName, purpose, plan, refusals, onConfirm, onCancel }: ConfirmDeletesProps) {
  const total = plan.deletions.outlook.length + plan.deletions.server.length;
  const server = plan.counts.server;
  return (
    <>
      <DialogContent>
        {purpose === "replace" ? (
          <p>
            {bookName} on the server becomes a copy of this Outlook folder: {server.created} added, {server.updated}{" "}
            updated, {server.deleted} deleted.
          </p>
        ) : (
          <p>Syncing {bookName} would delete these contacts. This can mean a folder was emptied by mistake.</p>
        )}
        {refusals.map((refusal, i) => (
          <p key={i}>{describeRefusal(refusal)}</p>
        ))}
        <Deletions side="outlook" names={plan.deletions.outlook.map((d) => d.name)} />
        <Deletions side="server" names={plan.deletions.server.map((d) => d.name)} />
      </DialogContent>
      <DialogActions>
        <Button appearance="primary" onClick={onCancel}>
          {purpose === "replace" ? "Cancel" : "Keep them, don't sync"}
        </Button>
        {/* Not the primary button: deleting is never the default. */}
        <Button appearance="secondary" data-confirm="delete" onClick={() => onConfirm(confirmedFrom(plan))}>
          {confirmLabel(purpose, total)}
        </Button>
      </DialogActions>
    </>
  );
}

/** A pull restoring an emptied folder deletes nothing: its button says what it does. */
function confirmLabel(purpose: DeletePurpose, total: number): string {
  if (purpose === "replace") return `Replace${total ? ` and delete ${total}` : ""}`;
  return total ? `Delete ${total} and sync` : "Sync anyway";
}
