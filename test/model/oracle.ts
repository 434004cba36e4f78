// What the model expects of the people in each book, tracked by identity: every person the model
// creates carries "person-N" in its notes (a scalar a merge cannot union) and in its categories (a set
// a merge unions, so two people in one contact show as two tags). Events on a side (create, edit,
// delete) are pending until the next sync of that side's pair settles them: a two-way sync carries
// them to the server, a pull sync reverts them (CONTRACTS.md: read-only books are pulled; a contact
// created in a read-only book's folder that was never on the server is kept, not deleted).
import assert from "node:assert/strict";

export type BookKey = "pab" | "gab";
/** "server:<book>" or a folder key. */
export type Place = string;
export type Mode = "two-way" | "pull";

export type FieldKey = string; // "jobTitle", "company", "phone:<n>", "email:<a>"
export type FieldValue = string | boolean | undefined;

type Edit = {
  place: Place;
  key: FieldKey;
  value: FieldValue;
  at: number;
  state: "pending" | "effective" | "reverted";
  killed: boolean;
};

export type Person = {
  id: string;
  book: BookKey;
  origin: Place;
  createdAt: number;
  /** On the server (created there, or a two-way sync of its folder completed since). */
  uploaded: boolean;
  /** A killed two-way sync may have uploaded it. */
  maybeUploaded: boolean;
  deleted?: {
    place: Place;
    at: number;
    state: "pending" | "settled" | "restored";
    killedTwoWay: boolean;
    settledAt?: number;
  };
  /** Concurrent edits and deletes make "stays deleted" and "reaches every side" undecidable: only shape is checked. */
  ambiguous: boolean;
  edits: Edit[];
};

export type Item = {
  place: Place;
  ref: string;
  persons: string[];
  notes?: string;
  fields: (key: FieldKey) => FieldValue;
};

export function createOracle() {
  const persons = new Map<string, Person>();
  /** When the last completed sync of each folder began. */
  const lastSync = new Map<Place, number>();
  let clock = 0;
  let next = 1;
  const tick = () => ++clock;

  function create(book: BookKey, origin: Place): Person {
    const person: Person = {
      id: `person-${next++}`,
      book,
      origin,
      createdAt: tick(),
      uploaded: origin.startsWith("server:"),
      maybeUploaded: false,
      ambiguous: false,
      edits: [],
    };
    persons.set(person.id, person);
    return person;
  }

  function edit(id: string, place: Place, key: FieldKey, value: FieldValue): void {
    const p = persons.get(id)!;
    p.edits.push({
      place,
      key,
      value,
      at: tick(),
      state: place.startsWith("server:") ? "effective" : "pending",
      killed: false,
    });
    if (p.deleted && p.deleted.place !== place) p.ambiguous = true;
  }

  function remove(id: string, place: Place): void {
    const p = persons.get(id)!;
    if (p.deleted && p.deleted.state !== "restored") {
      // Deleted again elsewhere before the first deletion settled: which one a sync acts on first decides
      // whether a pull restores it, so only the shape is checked for this person.
      if (p.deleted.state === "pending" && p.deleted.place !== place) p.ambiguous = true;
      return;
    }
    // A contact never on the server has nothing to restore it from: the delete is final at once.
    const settled = place.startsWith("server:") || (place === p.origin && !p.uploaded && !p.maybeUploaded);
    const at = tick();
    p.deleted = {
      place,
      at,
      state: settled ? "settled" : "pending",
      killedTwoWay: false,
      settledAt: settled ? at : undefined,
    };
    if (p.edits.some((e) => e.place !== place)) p.ambiguous = true;
  }

  /** A sync of a pair over `folder` began at `startedAt` and ended: completed in `mode`, or killed. */
  function settle(folder: Place, mode: Mode, startedAt: number, outcome: "completed" | "killed"): void {
    const now = tick();
    if (outcome === "completed") lastSync.set(folder, startedAt);
    for (const p of persons.values()) {
      if (p.origin === folder && p.createdAt < startedAt && !p.uploaded && mode === "two-way") {
        if (outcome === "completed") p.uploaded = true;
        else p.maybeUploaded = true;
      }
      const d = p.deleted;
      if (d && d.place === folder && d.state === "pending" && d.at < startedAt) {
        if (outcome === "killed") d.killedTwoWay ||= mode === "two-way";
        else if (mode === "two-way") Object.assign(d, { state: "settled", settledAt: now });
        else {
          d.state = "restored";
          if (d.killedTwoWay) p.ambiguous = true;
        }
      }
      for (const e of p.edits) {
        if (e.place !== folder || e.state !== "pending" || e.at >= startedAt) continue;
        if (outcome === "killed") e.killed = true;
        else e.state = mode === "two-way" ? "effective" : "reverted";
      }
    }
  }

  const live = (p: Person) => !p.deleted || p.deleted.state === "restored";

  /** Checked after every sync: each item is one person, each person at most one item per place,
   *  and a person whose deletion settled is nowhere. */
  function checkShape(items: Item[], what: string): void {
    const seen = new Map<string, Item>();
    for (const item of items) {
      assert.equal(
        item.persons.length,
        1,
        `${what}: ${item.place} item ${item.ref} holds persons [${item.persons.join(", ")}] (two people became one)`,
      );
      const id = item.persons[0];
      assert.equal(
        item.notes,
        id,
        `${what}: ${item.place} item ${item.ref} of ${id} carries notes ${item.notes} (two people became one)`,
      );
      const key = `${item.place}|${id}`;
      assert.ok(!seen.has(key), `${what}: ${id} twice in ${item.place} (${seen.get(key)?.ref}, ${item.ref})`);
      seen.set(key, item);
      const p = persons.get(id);
      assert.ok(p, `${what}: ${item.place} item ${item.ref} holds unknown ${id}`);
      const d = p.deleted;
      const since = item.place.startsWith("server:") || (lastSync.get(item.place) ?? 0) > (d?.settledAt ?? Infinity);
      if (d?.state === "settled" && !p.ambiguous && since) {
        assert.fail(`${what}: ${id}, deleted in ${d.place} and synced, is live again in ${item.place}`);
      }
    }
  }

  /** After the final clean syncs of every pair: each live person is where it belongs, with every one-sided edit. */
  function checkFinal(
    itemsByPlace: Map<Place, Item[]>,
    placesOf: (book: BookKey) => Place[],
    finalMode: (folder: Place) => Mode,
  ): void {
    const all = [...itemsByPlace.values()].flat();
    checkShape(all, "after the final sync");
    const at = new Map(all.map((i) => [`${i.place}|${i.persons[0]}`, i]));
    for (const p of persons.values()) {
      if (p.ambiguous || !live(p)) continue;
      const local = !p.origin.startsWith("server:") && !p.uploaded && finalMode(p.origin) === "pull";
      for (const place of placesOf(p.book)) {
        const item = at.get(`${place}|${p.id}`);
        const wanted = local ? place === p.origin || (p.maybeUploaded ? undefined : false) : true;
        if (wanted === undefined) continue;
        if (wanted && !item) {
          const why = local
            ? "never synced, in a read-only book's folder,"
            : p.deleted
              ? `(its deletion in ${p.deleted.place} reverted)`
              : "never deleted,";
          assert.fail(`${p.id} (made in ${p.origin}) ${why} is missing from ${place}`);
        }
        if (!wanted && item)
          assert.fail(`${p.id}, made in the read-only folder ${p.origin} and never uploaded, is in ${place}`);
        if (item) checkEdits(p, item);
      }
    }
  }

  /** An edit made on one side only (no other side touched the field) is what every side holds at the end. */
  function checkEdits(p: Person, item: Item): void {
    const keys = new Set(p.edits.map((e) => e.key));
    for (const key of keys) {
      const edits = p.edits.filter((e) => e.key === key);
      if (new Set(edits.map((e) => e.place)).size > 1) continue;
      if (edits.some((e) => e.state !== "effective")) continue;
      const last = edits.at(-1)!;
      assert.deepEqual(
        item.fields(key),
        last.value,
        `${p.id}: ${key} set to ${String(last.value)} in ${last.place} only, but ${item.place} holds ${String(item.fields(key))}`,
      );
    }
  }

  return { persons, tick, now: () => clock, create, edit, remove, settle, checkShape, checkFinal, live };
}

export type Oracle = ReturnType<typeof createOracle>;
