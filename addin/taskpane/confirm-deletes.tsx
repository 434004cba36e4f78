import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle } from "@fluentui/react-components";
import type { Refusal } from "../../core/sync-types";
import { describeRefusal } from "./plain-words";

export function ConfirmDeletesDialog({ bookName, refusals, onConfirm, onCancel }: { bookName: string; refusals: Refusal[]; onConfirm(): void; onCancel(): void }) {
  return (
    <Dialog open modalType="alert">
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Delete these contacts?</DialogTitle>
          <DialogContent>
            <p>Syncing {bookName} would delete many contacts at once. This can mean a folder was emptied by mistake.</p>
            {refusals.map((refusal, i) => (
              <p key={i}>{describeRefusal(refusal)}</p>
            ))}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={onCancel}>Keep them, don't sync</Button>
            <Button appearance="primary" onClick={onConfirm}>Delete and sync</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
