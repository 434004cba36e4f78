// Every message the pane shows is written for the person using Outlook: no stack traces, no JSON.
import { fieldLabel } from "../../core/contact/field-labels";
import { contactName } from "../../core/sync/reconcile";
import type { Plan, Refusal } from "../../core/sync/sync-types";
import { EwsError } from "../outlook/ews-soap";
import { EwsTransportError } from "../outlook/ews-transport";
import { GraphError } from "../outlook/graph-store";
import { ServerApiError } from "../server-api";
import type { SyncOutcome } from "../sync/sync-session";

export function plainError(error: unknown): string {
  if (error instanceof ServerApiError) return error.message;
  if (error instanceof GraphError) {
    if (error.status === 401 || error.status === 403)
      return "Outlook did not let Concord open your contacts. Sign in to Outlook again, or ask your administrator to grant Contacts.ReadWrite.";
    return `Outlook could not finish the request (Microsoft Graph: ${error.code}).`;
  }
  if (error instanceof EwsError || error instanceof EwsTransportError)
    return `Exchange could not finish the request: ${firstLine(error.message)}`;
  if (error instanceof Error && error.message) return firstLine(error.message);
  return "Something went wrong. Try again.";
}

const firstLine = (text: string) => text.split("\n")[0]!.trim();

const sideName = { outlook: "in Outlook", server: "on the server" } as const;

export function describeRefusal(refusal: Refusal): string {
  if (refusal.kind === "side-emptied") {
    return refusal.side === "outlook"
      ? "The Outlook folder is empty although it held synced contacts. Syncing now would delete them all on the server."
      : "The address book on the server is empty although it held synced contacts. Syncing now would delete them all in Outlook.";
  }
  if (refusal.kind === "deleted-on-server") {
    const n = refusal.uids.length;
    return (
      `${n === 1 ? "1 contact" : `${n} contacts`} in this Outlook folder ${n === 1 ? "was" : "were"} deleted on the ` +
      "server before this Outlook last synced. Syncing now would delete them in Outlook too, not upload them again."
    );
  }
  return `This sync would delete ${refusal.deletes} of ${refusal.total} contacts ${sideName[refusal.side]}.`;
}

const plural = (n: number, word: string) => `${n} ${word}`;

export function describeCounts(counts: SyncOutcome["counts"]["outlook"]): string {
  return `${plural(counts.created, "added")}, ${plural(counts.updated, "updated")}, ${plural(counts.deleted, "deleted")}`;
}

export const modeLabel = {
  "two-way": "Two-way",
  pull: "Outlook follows the server",
  publish: "The server follows this folder",
} as const;

/** At most `max` names, then how many more: a long list stays readable and honest about its length. */
export function nameList(names: string[], max = 50): { shown: string[]; more: number } {
  return { shown: names.slice(0, max), more: Math.max(0, names.length - max) };
}

export function describeNames(names: string[], max = 50): string {
  const { shown, more } = nameList(names, max);
  return more ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

export function describeUnsynced(unsynced: { name: string }[]): string {
  return `Kept in Outlook, never on the server: ${describeNames(unsynced.map((u) => u.name))}`;
}

/** A contact field as Outlook's own form words it ("Job title", not `jobTitle`): one table, shared with
 *  Concord Web (core/contact/field-labels.ts). */
export { fieldLabel };

const valueText = (value: unknown): string => {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(valueText).join("; ");
  if (value && typeof value === "object")
    return Object.values(value)
      .filter((v) => v !== undefined && v !== "")
      .map(valueText)
      .join(", ");
  return String(value);
};

/** A contact as lines "Field: value", every filled field, for the user to copy back what a sync reverted. */
export function contactText(contact: object): string {
  const lines: string[] = [];
  for (const [field, value] of Object.entries(contact)) {
    if (
      field === "uid" ||
      field === "extra" ||
      field === "photo" ||
      value === undefined ||
      value === null ||
      value === ""
    )
      continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (field === "name" && typeof value === "object") {
      for (const [part, text] of Object.entries(value))
        if (text) lines.push(`${fieldLabel(`name.${part}`)}: ${valueText(text)}`);
      continue;
    }
    lines.push(`${fieldLabel(field)}: ${valueText(value)}`);
  }
  return lines.join("\n");
}

/** After a pull put back Outlook edits of a read-only book: which contacts, and that the text is kept. */
export function describeReverted(names: string[]): string {
  const n = names.length;
  return (
    `${n === 1 ? "1 contact was" : `${n} contacts were`} changed in Outlook, but this address book is read-only, so ` +
    `the server's version was put back: ${describeNames(names)}. Your text is below; copy it to keep it.`
  );
}

type Change = "added" | "updated" | "deleted";
export type PreviewLines = { side: "outlook" | "server"; change: Change; text: string }[];

/**
 * What a preview would do, by name: per side and kind of change, the first 50 names and then how
 * many more, so the user sees who is affected before anything is written.
 */
export function previewLines(plan: Pick<Plan, "actions" | "deletions">): PreviewLines {
  const deleted = new Map([...plan.deletions.outlook, ...plan.deletions.server].map((d) => [d.uid, d.name]));
  const names = {
    outlook: { added: [], updated: [], deleted: [] },
    server: { added: [], updated: [], deleted: [] },
  } as Record<"outlook" | "server", Record<Change, string[]>>;
  for (const action of plan.actions) {
    const name = action.contact ? contactName(action.contact, action.uid) : (deleted.get(action.uid) ?? action.uid);
    if (action.outlook)
      names.outlook[action.outlook === "create" ? "added" : action.outlook === "update" ? "updated" : "deleted"].push(
        name,
      );
    if (action.server)
      names.server[action.server === "delete" ? "deleted" : action.serverCreates ? "added" : "updated"].push(name);
  }
  const lines: PreviewLines = [];
  for (const side of ["outlook", "server"] as const) {
    for (const change of ["added", "updated", "deleted"] as const) {
      const list = names[side][change];
      if (list.length)
        lines.push({
          side,
          change,
          text: `${side === "outlook" ? "Outlook" : "Server"}, ${change}: ${describeNames(list)}`,
        });
    }
  }
  return lines;
}

/** A first sync into a folder that already held contacts: how many were recognised, not duplicated. */
export const describeMatched = (n: number) =>
  `${n === 1 ? "1 contact" : `${n} contacts`} already in the folder matched the address book's and ${n === 1 ? "was" : "were"} not duplicated.`;
