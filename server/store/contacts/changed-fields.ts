// The names of the contact fields a write changed, for the audit log: every filled field of a
// new contact, the fields whose value differs for an update, none for a deletion.
import type { Contact } from "../../../core/contact/contact";

const filled = (value: unknown) =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

export function changedFields(before: Contact | null | undefined, after: Contact | null): string[] {
  if (!after) return [];
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  const was = (before ?? {}) as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  keys.delete("uid"); // the contact's identity, not one of its fields
  return [...keys].filter((k) => (before ? JSON.stringify(was[k]) !== JSON.stringify(now[k]) : filled(now[k]))).sort();
}
