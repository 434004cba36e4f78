// Turns one CSV record into a Contact input, following compiled column targets.
// The result still goes through contactSchema; this module only arranges data.
import type { ContactInput, Extra } from "../../contact/contact";
import type { CsvTarget, ListName, NamePart, TextField } from "./column-mapping";
import { addressParts } from "./column-mapping";
import { restoreNeutralizedCell } from "./csv-injection";
import { type DateOrder, isEmptyDate, parseCsvDate } from "./csv-dates";
import { addressTypeOf, emailTypeOf, phoneTypeOf, urlTypeOf } from "./type-labels";

export const multiValueSeparator = " ::: ";

export interface Column {
  header: string;
  /** undefined: not mapped, kept in extra under the header. */
  target: CsvTarget | undefined;
  /** Values the exporting program writes for "unset" (Outlook's Priority "Normal"); skipped. */
  placeholders?: readonly string[];
}

interface Slot {
  fixedType?: string;
  values: Map<string, string[]>;
  /** header of the column that gave the type label, to name an unknown label in extra */
  typeHeader?: string;
  mainHeader?: string;
}

interface Draft {
  text: Map<TextField, string[]>;
  name: Map<NamePart, string[]>;
  dates: Partial<Record<"birthday" | "anniversary", string>>;
  slots: Map<ListName, Map<string, Slot>>;
  categories: string[];
  extra: Extra[];
}

const extraOf = (name: string, value: string, params?: Extra["params"]): Extra =>
  params ? { source: "csv", name, value, params } : { source: "csv", name, value };

/** The values of a trimmed cell; most cells hold one. */
function splitValues(cell: string): string[] {
  return cell.includes(multiValueSeparator) ? cell.split(multiValueSeparator).map((v) => v.trim()) : [cell];
}

// Address parts from several columns ("Business Street", "Business Street 2")
// are joined entry by entry; other list values add entries.
function addToSlot(slot: Slot, prop: string, values: string[], list: ListName): void {
  const existing = slot.values.get(prop);
  if (!existing) return void slot.values.set(prop, values);
  if (list !== "addresses" || prop === "type") return void existing.push(...values);
  const separator = prop === "street" ? "\n" : " ";
  values.forEach((v, i) => {
    existing[i] = [existing[i], v].filter(Boolean).join(separator);
  });
}

function slotFor(draft: Draft, target: Extract<CsvTarget, { kind: "list" }>): Slot {
  const slots = draft.slots.get(target.list) ?? new Map<string, Slot>();
  draft.slots.set(target.list, slots);
  const slot = slots.get(target.slot) ?? { fixedType: target.fixedType, values: new Map() };
  slots.set(target.slot, slot);
  return slot;
}

function isSystemGroup(label: string): boolean {
  return /^\*?\s*my\s?contacts$/i.test(label);
}

function categoriesOf(cell: string): string[] {
  return cell
    .split(/\s*;\s*|\s+:::\s+/)
    .map((c) => c.trim())
    .filter((c) => c && !isSystemGroup(c))
    .map((c) => c.replace(/^\*\s*/, ""));
}

function applyCell(draft: Draft, column: Column, cell: string, dateOrder: DateOrder): void {
  const { header, target } = column;
  if (!target) return void draft.extra.push(extraOf(header, cell));
  switch (target.kind) {
    case "ignore":
      return;
    case "extra":
      return void draft.extra.push(extraOf(target.name, cell));
    case "categories":
      return void draft.categories.push(...categoriesOf(cell));
    case "text":
      return void draft.text.set(target.field, [...(draft.text.get(target.field) ?? []), cell]);
    case "name":
      return void draft.name.set(target.part, [...(draft.name.get(target.part) ?? []), cell]);
    case "date": {
      if (isEmptyDate(cell)) return;
      const date = parseCsvDate(cell, dateOrder);
      // An unreadable date is kept rather than guessed at.
      if (date) draft.dates[target.field] = date;
      else draft.extra.push(extraOf(header, cell));
      return;
    }
    case "list": {
      const slot = slotFor(draft, target);
      if (target.prop === "type") slot.typeHeader = header;
      else slot.mainHeader ??= header;
      return addToSlot(slot, target.prop, splitValues(cell), target.list);
    }
  }
}

function labelAt(slot: Slot, i: number): string | undefined {
  const labels = slot.values.get("type");
  return labels?.[i] ?? labels?.[0];
}

// Resolves an entry's kind: the target's fixed kind, else its label; an unknown
// label falls back to the default kind and is itself kept in extra.
function kindOf<T>(slot: Slot, i: number, parse: (label: string) => T | undefined, fallback: T, draft: Draft): T {
  if (slot.fixedType) return slot.fixedType as T;
  const label = labelAt(slot, i);
  if (!label) return fallback;
  const kind = parse(label);
  if (kind !== undefined) return kind;
  draft.extra.push(extraOf(slot.typeHeader ?? "type", label));
  return fallback;
}

// Built in place, without the arrays of pairs and filters a functional form makes: this runs for
// every slot of every record of an import.
function entriesOf(slot: Slot, props: readonly string[]): Record<string, string>[] {
  const columns = props.map((p) => slot.values.get(p));
  let count = 0;
  for (const values of columns) count = Math.max(count, values?.length ?? 0);
  const entries: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    const entry: Record<string, string> = {};
    props.forEach((p, k) => {
      const value = columns[k]?.[i];
      if (value) entry[p] = value;
    });
    entries.push(entry);
  }
  return entries;
}

function finishSlots(draft: Draft, contact: ContactInput, dateOrder: DateOrder): void {
  const slotsOf = (list: ListName) => [...(draft.slots.get(list)?.values() ?? [])];
  contact.emails = slotsOf("emails").flatMap((slot) =>
    entriesOf(slot, ["address"])
      .map((e, i) => ({ type: kindOf(slot, i, emailTypeOf, "other" as const, draft), address: e.address }))
      .filter((e) => e.address),
  );
  contact.phones = slotsOf("phones").flatMap((slot) =>
    entriesOf(slot, ["number"])
      .map((e, i) => ({ type: kindOf(slot, i, phoneTypeOf, "other" as const, draft), number: e.number }))
      .filter((e) => e.number),
  );
  contact.urls = slotsOf("urls").flatMap((slot) =>
    entriesOf(slot, ["url"])
      .map((e, i) => ({ type: kindOf(slot, i, urlTypeOf, "other" as const, draft), url: e.url }))
      .filter((e) => e.url),
  );
  contact.im = slotsOf("im").flatMap((slot) =>
    entriesOf(slot, ["address"])
      .filter((e) => e.address)
      .map((e, i) => {
        const type = slot.fixedType ?? labelAt(slot, i)?.replace(/^\*\s*/, "");
        return type ? { type, address: e.address } : { address: e.address };
      }),
  );
  contact.addresses = slotsOf("addresses").flatMap((slot) =>
    entriesOf(slot, [...addressParts, "formatted"])
      .map((parts, i) => {
        const { formatted, ...structured } = parts;
        // Google's "Formatted" repeats the structured parts; it stands in only when they are missing.
        const fields = Object.keys(structured).length ? structured : formatted ? { street: formatted } : {};
        return Object.keys(fields).length
          ? { type: kindOf(slot, i, addressTypeOf, "other" as const, draft), ...fields }
          : undefined;
      })
      .filter((a) => a !== undefined),
  );
  for (const slot of slotsOf("events")) finishEvents(slot, contact, draft, dateOrder);
  for (const slot of slotsOf("relations")) finishRelations(slot, contact, draft);
}

function finishEvents(slot: Slot, contact: ContactInput, draft: Draft, dateOrder: DateOrder): void {
  entriesOf(slot, ["date"]).forEach((e, i) => {
    const label = labelAt(slot, i) ?? "";
    const field = /^\*?\s*anniversary$/i.test(label)
      ? "anniversary"
      : /^\*?\s*birthday$/i.test(label)
        ? "birthday"
        : undefined;
    const date = e.date && parseCsvDate(e.date, dateOrder);
    if (field && date && !contact[field]) contact[field] = date;
    else if (e.date)
      draft.extra.push(extraOf(slot.mainHeader ?? "event", e.date, label ? { label: [label] } : undefined));
  });
}

function finishRelations(slot: Slot, contact: ContactInput, draft: Draft): void {
  entriesOf(slot, ["name"]).forEach((e, i) => {
    const label = labelAt(slot, i) ?? "";
    const field = /^\*?\s*manager$/i.test(label)
      ? "manager"
      : /^\*?\s*assistant$/i.test(label)
        ? "assistant"
        : undefined;
    if (field && e.name && !contact[field]) contact[field] = e.name;
    else if (e.name)
      draft.extra.push(extraOf(slot.mainHeader ?? "relation", e.name, label ? { label: [label] } : undefined));
  });
}

function derivedDisplayName(contact: ContactInput): string {
  const n = contact.name;
  const person = [n?.given, n?.middle, n?.family, n?.suffix].filter(Boolean).join(" ");
  return person || n?.nickname || contact.company || contact.emails?.[0]?.address || "";
}

/** A Contact input (without uid) from one record; cells are read by column position. */
export function rowToContact(columns: Column[], cells: string[], dateOrder: DateOrder): Omit<ContactInput, "uid"> {
  const draft: Draft = { text: new Map(), name: new Map(), dates: {}, slots: new Map(), categories: [], extra: [] };
  for (let i = 0; i < columns.length; i++) {
    if (!cells[i]) continue;
    const cell = restoreNeutralizedCell(cells[i]!).trim();
    const column = columns[i]!;
    if (cell && !column.placeholders?.includes(cell)) applyCell(draft, column, cell, dateOrder);
  }
  const contact: ContactInput = { uid: "-", ...draft.dates };
  for (const [field, values] of draft.text) contact[field] = values.join(field === "notes" ? "\n" : " ");
  if (draft.name.size)
    contact.name = Object.fromEntries([...draft.name].map(([part, values]) => [part, values.join(" ")]));
  finishSlots(draft, contact, dateOrder);
  contact.categories = [...new Set(draft.categories)];
  contact.extra = draft.extra;
  contact.displayName ||= derivedDisplayName(contact);
  const { uid: _uid, ...withoutUid } = contact;
  return withoutUid;
}
