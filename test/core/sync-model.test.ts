// Random histories against two in-memory sides: users create, edit and delete on
// both, syncs fail item by item, get killed mid-way and read partial snapshots,
// over many rounds. Then one clean sync must converge, and every invariant below
// must hold on the way.
import assert from "node:assert/strict";
import fc from "fast-check";
import { contactSchema, type Contact } from "../../core/contact/contact";
import { contentHash } from "../../core/contact/content-hash";
import { reconcile, type ReconcileOptions } from "../../core/sync/reconcile";
import { PlanRefusedError, runSync } from "../../core/sync/run-sync";
import {
  emptyStatus,
  syncStatusSchema,
  type OutlookContact,
  type OutlookItem,
  type Plan,
  type ServerItem,
  type Snapshot,
  type SyncMode,
  type SyncStatus,
} from "../../core/sync/sync-types";
import { Faults, memoryOutlook, memoryServer, type MemoryOutlook, type MemoryServer } from "../support/memory-sides";
import { confirming } from "../model/confirm";

const names = ["Ann Lee", "Bob Ray", "Cy Dee", "Di Fox"];
const emails = ["ann@x.com", "bob@x.com", "cy@x.com", "team@x.com"];
const values = ["Acme", "Globex", "Initech", ""];
const phones = ["+1 555 0100", "+1 555 0101", "+44 20 7946 0000"];

type Field = "company" | "jobTitle" | "displayName" | "addPhone" | "dropPhones" | "addEmail";
const fields: Field[] = ["company", "jobTitle", "displayName", "addPhone", "dropPhones", "addEmail"];

type Step =
  | { kind: "create"; side: "outlook" | "server"; name: number; email: number | null }
  | { kind: "edit"; side: "outlook" | "server"; pick: number; field: Field; value: number }
  | { kind: "delete"; side: "outlook" | "server"; pick: number }
  | { kind: "wipe"; side: "outlook" | "server"; keep: number }
  | {
      kind: "sync";
      failOps: number[];
      killAfter: number | null;
      chunkSize: number;
      confirm: boolean;
      partial: "none" | "outlook" | "server";
    };

const side = fc.constantFrom("outlook" as const, "server" as const);
const createStep = fc.record({
  kind: fc.constant("create" as const),
  side,
  name: fc.nat(names.length - 1),
  email: fc.option(fc.nat(emails.length - 1)),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: createStep },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      side,
      pick: fc.nat(20),
      field: fc.constantFrom(...fields),
      value: fc.nat(9),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), side, pick: fc.nat(20) }) },
  // Most of a side gone at once: a wiped folder, or a read that returns (almost) nothing.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wipe" as const), side, keep: fc.nat(2) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("sync" as const),
      failOps: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }),
      killAfter: fc.option(fc.nat(8), { freq: 3 }),
      chunkSize: fc.integer({ min: 1, max: 4 }),
      confirm: fc.boolean(),
      partial: fc.constantFrom("none" as const, "none" as const, "outlook" as const, "server" as const),
    }),
  },
);

type World = {
  outlook: MemoryOutlook;
  server: MemoryServer;
  status: SyncStatus;
  options: ReconcileOptions;
  nextOrigin: number;
  deletedOrigins: Set<string>;
  everyOrigin: Map<string, "outlook" | "server">;
  /** People a first sync identified as one (matched by e-mail or name, as the contract allows only then). */
  aliases: Map<string, string>;
  /** Outlook ids the final pull kept in place because they were never on the server. */
  unsynced: Set<string>;
};

const personOf = (w: World, origin: string): string => {
  const next = w.aliases.get(origin);
  return next === undefined || next === origin ? origin : personOf(w, next);
};

/** A first sync may pair an Outlook item and a server item of different origins: once the pairing took
 *  effect (recorded in the status, or the Outlook item stamped with the server's uid) they are one person.
 *  A pairing a killed sync planned but never carried out is no pairing: the next first sync decides anew. */
function recordFirstSyncMatches(
  w: World,
  first: boolean,
  plan: Plan,
  outlook: Snapshot<OutlookItem>,
  server: Snapshot<ServerItem>,
): void {
  if (!first) return;
  const byId = new Map(outlook.items.map((i) => [i.id, i]));
  const byUid = new Map(server.items.map((i) => [i.contact.uid, i]));
  const recorded = new Set(w.status.entries.map((e) => e.uid));
  for (const a of plan.actions) {
    const o = a.outlookId === undefined ? undefined : byId.get(a.outlookId);
    const s = byUid.get(a.uid);
    if (!o || !s) continue;
    if (!recorded.has(a.uid) && w.outlook.items.get(o.id)?.contact.uid !== a.uid) continue;
    for (const x of originsOf(o.contact))
      for (const y of originsOf(s.contact))
        if (personOf(w, x) !== personOf(w, y)) w.aliases.set(personOf(w, x), personOf(w, y));
  }
}

const originsOf = (c: OutlookContact) => c.extra.filter((e) => e.source === "test").map((e) => e.value);

function applyEdit(c: OutlookContact, field: Field, value: number): void {
  if (field === "company") c.company = values[value % values.length] || undefined;
  else if (field === "jobTitle") c.jobTitle = `Title ${value}`;
  else if (field === "displayName") c.displayName = names[value % names.length];
  else if (field === "addPhone") c.phones = [...c.phones, { type: "business", number: phones[value % phones.length] }];
  else if (field === "dropPhones") c.phones = [];
  else c.emails = [...c.emails, { type: "home", address: `extra${value}@y.org` }];
}

function userStep(w: World, s: Exclude<Step, { kind: "sync" }>): void {
  if (s.kind === "wipe") {
    const keys = s.side === "outlook" ? [...w.outlook.items.keys()] : [...w.server.items.keys()];
    for (let i = s.keep; i < keys.length; i++) userStep(w, { kind: "delete", side: s.side, pick: s.keep });
    return;
  }
  if (s.kind === "create") {
    const origin = `${s.side[0]}${w.nextOrigin++}`;
    w.everyOrigin.set(origin, s.side);
    const contact = contactSchema.parse({
      uid: `s-${origin}`,
      displayName: names[s.name],
      emails: s.email === null ? [] : [{ type: "work", address: emails[s.email] }],
      // The person's identity twice: in a set a merge unions (so two people in one contact show
      // as two origins) and in a scalar a merge cannot union (notes).
      extra: [{ source: "test", name: "origin", value: origin }],
      notes: origin,
    });
    if (s.side === "server") return w.server.userPut(contact);
    const { uid: _uid, ...unstamped } = contact;
    w.outlook.userCreate(unstamped);
    return;
  }
  const keys = s.side === "outlook" ? [...w.outlook.items.keys()] : [...w.server.items.keys()];
  if (!keys.length) return;
  const key = keys[s.pick % keys.length];
  if (s.kind === "edit") {
    if (s.side === "outlook") w.outlook.userEdit(key, (c) => applyEdit(c, s.field, s.value));
    else w.server.userEdit(key, (c) => applyEdit(c, s.field, s.value));
    return;
  }
  const contact = s.side === "outlook" ? w.outlook.items.get(key)!.contact : w.server.items.get(key)!.contact;
  for (const origin of originsOf(contact)) w.deletedOrigins.add(origin);
  if (s.side === "outlook") w.outlook.userDelete(key);
  else w.server.userDelete(key);
}

const storeText = (w: World) => JSON.stringify([[...w.outlook.items], [...w.server.items]]);

async function syncStep(w: World, s: Extract<Step, { kind: "sync" }>): Promise<void> {
  const faults = new Faults(new Set(s.failOps), s.killAfter ?? undefined);
  const outlookSnap = w.outlook.snapshot();
  const serverSnap = w.server.snapshot();
  // A partial read: some items missing, and the snapshot says so.
  if (s.partial === "outlook")
    Object.assign(outlookSnap, { complete: false, items: outlookSnap.items.filter((_, i) => i % 2 === 0) });
  if (s.partial === "server")
    Object.assign(serverSnap, { complete: false, items: serverSnap.items.filter((_, i) => i % 2 === 0) });
  const unconfirmed = reconcile(w.status, outlookSnap, serverSnap, w.options);
  const plan = s.confirm
    ? reconcile(w.status, outlookSnap, serverSnap, { ...w.options, ...confirming(unconfirmed) })
    : unconfirmed;
  const first = w.status.entries.length === 0;
  const uids = plan.actions.map((a) => a.uid);
  assert.equal(new Set(uids).size, uids.length, "one action per uid");

  const before = storeText(w);
  const sizes = { outlook: w.outlook.items.size, server: w.server.items.size };
  const server = w.server.adapter(faults);
  try {
    const run = await runSync(plan, { outlook: w.outlook.adapter(faults), server }, w.status, {
      chunkSize: s.chunkSize,
      saveStatus: (status) => {
        if (faults.killed) throw new Error("killed");
        w.status = syncStatusSchema.parse(JSON.parse(JSON.stringify(status)));
      },
    });
    if (plan.actions.length)
      assert.deepEqual(
        syncStatusSchema.parse(JSON.parse(JSON.stringify(run.status))),
        w.status,
        "the last save is the final status",
      );
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    if (error instanceof PlanRefusedError) {
      assert.ok(!s.confirm && plan.refusals.length > 0);
      assert.equal(storeText(w), before, "a refused plan writes nothing");
    } else assert.equal((error as Error).message, "killed");
  }

  recordFirstSyncMatches(w, first, plan, outlookSnap, serverSnap);
  if (w.options.mode === "pull") assert.deepEqual(server.batches, [], "a read-only book is never written");
  if (!s.confirm) {
    // The mass-delete guard: without confirmation no side loses more than its threshold.
    const lost = { outlook: sizes.outlook - w.outlook.items.size, server: sizes.server - w.server.items.size };
    for (const k of ["outlook", "server"] as const)
      assert.ok(lost[k] <= Math.max(4, Math.floor(sizes[k] / 10)), `${k} lost ${lost[k]} of ${sizes[k]} unconfirmed`);
  }
}

function assertConverged(w: World): void {
  // Pull keeps Outlook items that were never on the server in place (plan.unsynced): not synced, not lost.
  const outlook = [...w.outlook.items].filter(([id]) => !w.unsynced.has(id)).map(([, item]) => item.contact);
  const uids = outlook.map((c) => c.uid);
  assert.ok(
    uids.every((u) => u !== undefined),
    "every Outlook item carries a uid",
  );
  assert.equal(new Set(uids).size, uids.length, "no duplicate uid in Outlook");
  assert.deepEqual([...uids].sort(), [...w.server.items.keys()].sort(), "same uids on both sides");
  for (const c of outlook)
    assert.equal(
      contentHash(c as Contact),
      contentHash(w.server.items.get(c.uid!)!.contact),
      `same content for ${c.uid}`,
    );
  const seen = new Map<string, number>();
  for (const c of outlook) {
    // Two people never become one: a merge would leave two origins in one contact, or notes of the other.
    const persons = new Set(originsOf(c).map((o) => personOf(w, o)));
    assert.equal(persons.size, 1, `contact ${c.uid} holds persons ${originsOf(c).join(", ")}`);
    assert.ok(
      originsOf(c).includes(c.notes ?? ""),
      `contact ${c.uid} of person ${originsOf(c)[0]} carries notes ${c.notes}`,
    );
    for (const person of persons) seen.set(person, (seen.get(person) ?? 0) + 1);
  }
  for (const [origin, n] of seen) assert.equal(n, 1, `person ${origin} duplicated`);
  if (w.options.mode !== "two-way") return;
  const deleted = new Set([...w.deletedOrigins].map((o) => personOf(w, o)));
  for (const origin of w.everyOrigin.keys()) {
    if (!deleted.has(personOf(w, origin)))
      assert.equal(seen.get(personOf(w, origin)), 1, `person ${origin}, never deleted, was lost`);
  }
}

async function finalSync(w: World): Promise<void> {
  const outlookSnap = w.outlook.snapshot();
  const serverSnap = w.server.snapshot();
  const shown = reconcile(w.status, outlookSnap, serverSnap, w.options);
  const plan = reconcile(w.status, outlookSnap, serverSnap, { ...w.options, ...confirming(shown) });
  const first = w.status.entries.length === 0;
  assert.deepEqual(plan.quarantined, []);
  const server = w.server.adapter(new Faults());
  const run = await runSync(plan, { outlook: w.outlook.adapter(new Faults()), server }, w.status);
  assert.deepEqual(run.errors, []);
  if (w.options.mode === "pull") assert.deepEqual(server.batches, []);
  w.status = run.status;
  recordFirstSyncMatches(w, first, plan, outlookSnap, serverSnap);
  w.unsynced = new Set(plan.unsynced.map((u) => u.outlookId));
  if (w.options.mode !== "pull") assert.deepEqual(plan.unsynced, [], "only pull keeps items unsynced");
}

const settings = fc.record({
  mode: fc.constantFrom<SyncMode>("two-way", "two-way", "pull", "publish"),
  policy: fc.constantFrom("server-wins" as const, "outlook-wins" as const, "newest-wins" as const),
  deleteVsChange: fc.constantFrom("change-wins" as const, "delete-wins" as const),
});

describe("sync model: random histories on both sides", () => {
  it("converges without duplicates or lost people, stays idempotent, never writes a read-only book and never bypasses the delete guard", async () => {
    await fc.assert(
      fc.asyncProperty(
        settings,
        fc.array(createStep, { minLength: 1, maxLength: 8 }),
        fc.array(step, { minLength: 4, maxLength: 20, size: "max" }),
        async (options, setup, steps) => {
          const w: World = {
            outlook: memoryOutlook(),
            server: memoryServer(),
            status: emptyStatus(),
            options,
            nextOrigin: 1,
            deletedOrigins: new Set(),
            everyOrigin: new Map(),
            aliases: new Map(),
            unsynced: new Set(),
          };
          for (const s of [...setup, ...steps]) {
            if (s.kind === "sync") await syncStep(w, s);
            else userStep(w, s);
          }
          await finalSync(w);
          assertConverged(w);
          const again = reconcile(w.status, w.outlook.snapshot(), w.server.snapshot(), options);
          assert.deepEqual(again.actions, [], "a second sync right after is a no-op");
        },
      ),
      { numRuns: 1000, seed: 7007 },
    );
  });

  it("never loses an edit to a field changed on only one side, through failed and killed syncs", async () => {
    const editsArb = fc.array(
      fc.record({
        pick: fc.nat(4),
        side,
        field: fc.constantFrom<Field>("company", "jobTitle", "addPhone", "addEmail"),
        value: fc.nat(9),
      }),
      { minLength: 1, maxLength: 6 },
    );
    const faultyRounds = fc.array(
      fc.record({
        failOps: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
        killAfter: fc.option(fc.nat(6)),
        chunkSize: fc.integer({ min: 1, max: 3 }),
      }),
      { maxLength: 3 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        editsArb,
        faultyRounds,
        fc.constantFrom("server-wins" as const, "outlook-wins" as const),
        async (n, edits, rounds, policy) => {
          const w: World = {
            outlook: memoryOutlook(),
            server: memoryServer(),
            status: emptyStatus(),
            options: { policy },
            nextOrigin: 1,
            deletedOrigins: new Set(),
            everyOrigin: new Map(),
            aliases: new Map(),
            unsynced: new Set(),
          };
          for (let i = 0; i < n; i++) {
            const origin = `p${i}`;
            w.server.userPut(
              contactSchema.parse({
                uid: origin,
                displayName: `P ${i}`,
                company: "Start",
                jobTitle: "Start",
                notes: origin,
                extra: [{ source: "test", name: "origin", value: origin }],
              }),
            );
          }
          await finalSync(w);
          const idOf = new Map([...w.outlook.items].map(([id, item]) => [item.contact.uid!, id]));
          // Which side touched which field of which contact; only one-sided edits are checked.
          const touched = new Map<string, Set<string>>();
          const expected = new Map<string, (c: Contact) => boolean>();
          for (const e of edits) {
            const uid = `p${e.pick % n}`;
            const key = `${uid}.${e.field}`;
            (touched.get(key) ?? touched.set(key, new Set()).get(key)!).add(e.side);
            if (e.side === "outlook") w.outlook.userEdit(idOf.get(uid)!, (c) => applyEdit(c, e.field, e.value));
            else w.server.userEdit(uid, (c) => applyEdit(c, e.field, e.value));
            const after =
              e.side === "outlook" ? w.outlook.items.get(idOf.get(uid)!)!.contact : w.server.items.get(uid)!.contact;
            const scalar = (c: OutlookContact) => (e.field === "company" ? c.company : c.jobTitle);
            const want = JSON.stringify(
              e.field === "addPhone"
                ? after.phones.at(-1)
                : e.field === "addEmail"
                  ? after.emails.at(-1)
                  : scalar(after),
            );
            expected.set(key, (c) =>
              e.field === "addPhone"
                ? c.phones.some((p) => JSON.stringify(p) === want)
                : e.field === "addEmail"
                  ? c.emails.some((m) => JSON.stringify(m) === want)
                  : JSON.stringify(scalar(c)) === want,
            );
          }
          for (const r of rounds)
            await syncStep(w, { kind: "sync", ...r, killAfter: r.killAfter ?? null, confirm: false, partial: "none" });
          await finalSync(w);
          assertConverged(w);
          for (const [key, check] of expected) {
            if (touched.get(key)!.size > 1) continue;
            const uid = key.split(".")[0];
            assert.ok(check(w.server.items.get(uid)!.contact), `edit ${key} lost`);
          }
        },
      ),
      { numRuns: 300, seed: 7008 },
    );
  });
});
