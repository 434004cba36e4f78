import assert from "node:assert/strict";
import { contactSchema, type Contact, type ContactInput } from "../../core/contact/contact";
import { contentHash } from "../../core/contact/content-hash";
import { reconcile, uidForOutlookItem, type ReconcileOptions } from "../../core/sync/reconcile";
import { PlanRefusedError, runSync, type RunSyncOptions } from "../../core/sync/run-sync";
import {
  baseOf,
  emptyStatus,
  statusFromJson,
  statusToJson,
  syncStatusSchema,
  type OutlookContact,
  type Plan,
  type SyncStatus,
} from "../../core/sync/sync-types";
import { Faults, memoryOutlook, memoryServer, type MemoryOutlook, type MemoryServer } from "../support/memory-sides";

const person = (uid: string, input: Partial<ContactInput> = {}): Contact =>
  contactSchema.parse({
    uid,
    displayName: `Person ${uid}`,
    emails: [{ type: "work", address: `${uid}@example.com` }],
    ...input,
  });
const unstamped = ({ uid: _uid, ...rest }: Contact): OutlookContact => rest;

type Sides = { outlook: MemoryOutlook; server: MemoryServer; status: SyncStatus };

function sides(): Sides {
  return { outlook: memoryOutlook(), server: memoryServer(), status: emptyStatus() };
}

const planFor = (s: Sides, options: ReconcileOptions = {}) =>
  reconcile(s.status, s.outlook.snapshot(), s.server.snapshot(), options);

/** One sync; the status is kept only as far as it was saved, as a real caller would. */
async function sync(s: Sides, options: ReconcileOptions = {}, faults = new Faults(), run: RunSyncOptions = {}) {
  const plan = planFor(s, options);
  try {
    const result = await runSync(
      plan,
      { outlook: s.outlook.adapter(faults), server: s.server.adapter(faults) },
      s.status,
      {
        ...run,
        saveStatus: (status) => {
          if (faults.killed) throw new Error("killed");
          s.status = syncStatusSchema.parse(JSON.parse(JSON.stringify(status)));
        },
      },
    );
    return { plan, result };
  } catch (error) {
    if ((error as Error).message !== "killed") throw error;
    return { plan, result: undefined };
  }
}

/** Both sides hold the same contacts; `unsynced` names Outlook items kept out of the sync. */
function assertConverged(s: Sides, unsynced: string[] = []): void {
  const outlook = [...s.outlook.items].filter(([id]) => !unsynced.includes(id)).map(([, i]) => i.contact);
  const uids = outlook.map((c) => c.uid);
  assert.equal(new Set(uids).size, uids.length, "duplicate uid in Outlook");
  assert.ok(
    uids.every((u) => u !== undefined),
    "Outlook item without uid",
  );
  assert.deepEqual([...uids].sort(), [...s.server.items.keys()].sort());
  for (const c of outlook)
    assert.equal(contentHash(c as Contact), contentHash(s.server.items.get(c.uid!)!.contact), `content of ${c.uid}`);
}

describe("runSync", () => {
  it("brings both sides to the same contacts on a first sync and records every pair", async () => {
    const s = sides();
    s.outlook.userCreate(unstamped(person("a")));
    s.outlook.userCreate(unstamped(person("b")));
    s.server.userPut(person("c"));
    s.server.userPut(person("b", { company: "Acme" }));
    const { result } = await sync(s);
    assert.deepEqual(result?.errors, []);
    assertConverged(s);
    assert.equal(s.status.entries.length, 3);
    assert.equal(s.server.items.get("b")?.contact.company, "Acme");
    assert.deepEqual(planFor(s).actions, []);
  });

  it("refuses to apply a dry-run plan and writes nothing", async () => {
    const s = sides();
    s.server.userPut(person("c"));
    const plan = planFor(s, { dryRun: true });
    await assert.rejects(
      runSync(plan, { outlook: s.outlook.adapter(new Faults()), server: s.server.adapter(new Faults()) }, s.status),
      (e: unknown) => e instanceof PlanRefusedError && e.reason === "dry-run",
    );
    assert.equal(s.outlook.items.size, 0);
  });

  it("refuses to apply a plan with refusals and writes nothing", async () => {
    const s = sides();
    for (const uid of ["a", "b", "c", "d", "e", "f"]) s.server.userPut(person(uid));
    await sync(s);
    for (const id of [...s.outlook.items.keys()]) s.outlook.userDelete(id);
    const plan = planFor(s);
    await assert.rejects(
      runSync(plan, { outlook: s.outlook.adapter(new Faults()), server: s.server.adapter(new Faults()) }, s.status),
      (e: unknown) => e instanceof PlanRefusedError && e.refusals.some((r) => r.kind === "side-emptied"),
    );
    assert.equal(s.server.items.size, 6);
  });

  it("refuses a pull plan that carries a server write, so a read-only book never sees one", async () => {
    const s = sides();
    const plan: Plan = {
      ...planFor(s, { mode: "pull" }),
      actions: [{ uid: "x", row: "outlook-changed", server: "put", contact: person("x") }],
    };
    const server = s.server.adapter(new Faults());
    await assert.rejects(
      runSync(plan, { outlook: s.outlook.adapter(new Faults()), server }, s.status),
      PlanRefusedError,
    );
    assert.deepEqual(server.batches, []);
  });

  it("keeps the old status for an item whose Outlook write failed, and the next sync retries the server edit", async () => {
    const s = sides();
    s.server.userPut(person("a"));
    await sync(s);
    const before = s.status.entries[0];
    s.server.userEdit("a", (c) => void (c.jobTitle = "CTO"));
    const { result } = await sync(s, {}, new Faults(new Set([1])));
    assert.equal(result?.errors[0]?.side, "outlook");
    assert.deepEqual(s.status.entries[0], before);
    const retry = planFor(s);
    assert.deepEqual(
      retry.actions.map((a) => [a.row, a.outlook]),
      [["server-changed", "update"]],
    );
    await sync(s);
    assertConverged(s);
  });

  it("retries a failed server delete instead of restoring the item to Outlook", async () => {
    const s = sides();
    s.server.userPut(person("a"));
    s.server.userPut(person("b"));
    await sync(s);
    const [idA] = [...s.outlook.items].find(([, i]) => i.contact.uid === "a")!;
    s.outlook.userDelete(idA);
    const { result } = await sync(s, {}, new Faults(new Set([1])));
    assert.equal(result?.errors[0]?.side, "server");
    assert.deepEqual(
      planFor(s).actions.map((a) => [a.row, a.server, a.outlook]),
      [["outlook-deleted", "delete", undefined]],
    );
  });

  it("records nothing for a server write rejected by If-Match, and merges the newer server edit next time", async () => {
    const s = sides();
    s.server.userPut(person("a"));
    await sync(s);
    const [id] = [...s.outlook.items.keys()];
    s.outlook.userEdit(id, (c) => void (c.jobTitle = "CTO"));
    const plan = planFor(s);
    s.server.userEdit("a", (c) => void (c.company = "Globex")); // lands between read and write
    const before = s.status;
    const result = await runSync(
      plan,
      { outlook: s.outlook.adapter(new Faults()), server: s.server.adapter(new Faults()) },
      s.status,
    );
    assert.match(result.errors[0]?.message ?? "", /conflict/);
    assert.deepEqual(result.status, before);
    s.status = result.status;
    await sync(s);
    assertConverged(s);
    assert.equal(s.server.items.get("a")?.contact.jobTitle, "CTO");
    assert.equal(s.server.items.get("a")?.contact.company, "Globex");
  });

  it("saves the status after each chunk, one server batch per chunk, and reports progress", async () => {
    const s = sides();
    for (let i = 0; i < 7; i++) s.outlook.userCreate(unstamped(person(`p${i}`)));
    const plan = planFor(s);
    const saves: number[] = [];
    const progress: string[] = [];
    const server = s.server.adapter(new Faults());
    await runSync(plan, { outlook: s.outlook.adapter(new Faults()), server }, s.status, {
      chunkSize: 3,
      saveStatus: (status) => void saves.push(status.entries.length),
      onProgress: ({ done, total }) => void progress.push(`${done}/${total}`),
    });
    assert.deepEqual(saves, [3, 6, 7]);
    assert.deepEqual(progress, ["3/7", "6/7", "7/7"]);
    assert.deepEqual(
      server.batches.map((b) => b.length),
      [3, 3, 1],
    );
  });

  it("stops before the next chunk when asked, every chunk before it applied and saved, and finishes on the next run", async () => {
    const s = sides();
    for (let i = 0; i < 7; i++) s.outlook.userCreate(unstamped(person(`p${i}`)));
    const plan = planFor(s);
    const server = s.server.adapter(new Faults());
    let chunks = 0;
    const run = await runSync(plan, { outlook: s.outlook.adapter(new Faults()), server }, s.status, {
      chunkSize: 3,
      onProgress: () => void chunks++,
      shouldStop: () => chunks >= 1,
    });
    assert.equal(run.stopped, true);
    assert.equal(run.results.length, 3);
    assert.deepEqual(
      server.batches.map((b) => b.length),
      [3],
    );
    assert.equal(run.status.entries.length, 3);
    s.status = run.status;
    await sync(s);
    assertConverged(s);
    assert.equal(s.server.items.size, 7);
  });

  it("reaches the same final state with no duplicates when killed after any number of writes and run again", async () => {
    const build = () => {
      const s = sides();
      for (let i = 0; i < 6; i++) s.outlook.userCreate(unstamped(person(`o${i}`)));
      for (let i = 0; i < 6; i++) s.server.userPut(person(`s${i}`));
      s.outlook.userCreate(unstamped(person("both", { jobTitle: "CTO" })));
      s.server.userPut(person("both", { company: "Acme" }));
      return s;
    };
    const reference = build();
    const counted = new Faults();
    await sync(reference, {}, counted, { chunkSize: 4 });
    assertConverged(reference);
    assert.equal(counted.ops, 20);
    const expected = [...reference.server.items.values()].map((i) => contentHash(i.contact)).sort();
    for (let k = 0; k < counted.ops; k++) {
      const s = build();
      const first = await sync(s, {}, new Faults(new Set(), k), { chunkSize: 4 });
      assert.equal(first.result, undefined, `kill after ${k} ops should interrupt`);
      await sync(s, {}, new Faults(), { chunkSize: 4 });
      assertConverged(s);
      assert.equal(s.server.items.size, 13, `after kill at ${k}`);
      assert.deepEqual([...s.server.items.values()].map((i) => contentHash(i.contact)).sort(), expected);
      assert.deepEqual(planFor(s).actions, [], `idempotent after kill at ${k}`);
    }
  });

  it("does not ping-pong with an Outlook that rewrites what it stores", async () => {
    const s = sides();
    s.server.userPut(person("a", { name: { given: "Ann", family: "Lee" } }));
    const plain = s.outlook.adapter(new Faults());
    // Outlook computes FileAs on save and answers with the hash of what it kept.
    const rewriting = {
      ...plain,
      async create(contact: Contact) {
        const stored = { ...contact, name: { ...contact.name, fileAs: "Lee, Ann" } };
        const { id } = await plain.create(stored);
        return { id, hash: contentHash(stored), changeKey: s.outlook.items.get(id)!.changeKey };
      },
    };
    const plan = planFor(s);
    s.status = (await runSync(plan, { outlook: rewriting, server: s.server.adapter(new Faults()) }, s.status)).status;
    assert.equal([...s.outlook.items.values()][0].contact.name?.fileAs, "Lee, Ann");
    assert.deepEqual(planFor(s).actions, []);
    // Even when Outlook re-saves it with a new changeKey, the hash says nothing changed.
    const [id] = [...s.outlook.items.keys()];
    s.outlook.userEdit(id, () => {});
    assert.deepEqual(
      planFor(s).actions.map((a) => [a.row, a.outlook, a.server]),
      [["outlook-changekey-moved", undefined, undefined]],
    );
  });

  it("never calls the server adapter in pull mode, while restoring and reverting Outlook", async () => {
    const s = sides();
    s.server.userPut(person("a"));
    s.server.userPut(person("b"));
    await sync(s, { mode: "pull" });
    const [idA, idB] = [...s.outlook.items.keys()];
    s.outlook.userEdit(idA, (c) => void (c.jobTitle = "Hacker"));
    s.outlook.userDelete(idB);
    s.outlook.userCreate(unstamped(person("mine")));
    const mine = [...s.outlook.items].find(([, i]) => i.contact.displayName === "Person mine")![0];
    const faults = new Faults();
    const server = s.server.adapter(faults);
    const plan = planFor(s, { mode: "pull" });
    s.status = (await runSync(plan, { outlook: s.outlook.adapter(faults), server }, s.status)).status;
    assert.deepEqual(server.batches, []);
    // The contact the user made there was never on the server: kept as it is, not synced.
    assert.deepEqual(plan.unsynced, [{ outlookId: mine, name: "Person mine" }]);
    assert.equal(s.outlook.items.get(mine)?.contact.uid, undefined);
    assertConverged(s, [mine]);
    assert.deepEqual(planFor(s, { mode: "pull" }).actions, []);
  });

  it("refuses a confirmed sync when more was deleted after the confirmation, and writes nothing", async () => {
    const s = sides();
    for (let i = 0; i < 60; i++) s.server.userPut(person(`p${i}`));
    await sync(s);
    const idOf = (uid: string) => [...s.outlook.items].find(([, i]) => i.contact.uid === uid)![0];
    for (let i = 0; i < 8; i++) s.outlook.userDelete(idOf(`p${i}`));
    const shown = planFor(s);
    assert.equal(shown.refusals[0]?.kind, "mass-delete");
    const confirmedDeletes = { outlook: [], server: shown.deletions.server.map((d) => d.uid) };
    for (let i = 8; i < 60; i++) s.outlook.userDelete(idOf(`p${i}`));
    const refused = (e: unknown) => e instanceof PlanRefusedError && e.reason === "refused";
    await assert.rejects(sync(s, { confirmedDeletes }), refused);
    assert.equal(s.server.items.size, 60);
  });

  it("deletes only the confirmed ones when the user confirms the deletes shown", async () => {
    const s = sides();
    for (let i = 0; i < 60; i++) s.server.userPut(person(`p${i}`));
    await sync(s);
    for (const [id, item] of [...s.outlook.items]) if (Number(item.contact.uid!.slice(1)) < 8) s.outlook.userDelete(id);
    const confirmedDeletes = { outlook: [], server: planFor(s).deletions.server.map((d) => d.uid) };
    const { result } = await sync(s, { confirmedDeletes });
    assert.deepEqual(result?.errors, []);
    assert.equal(s.server.items.size, 52);
    assertConverged(s);
  });

  it("gives an Outlook copy of a synced contact its own uid and server item, and syncs the original on", async () => {
    const s = sides();
    s.server.userPut(person("a"));
    await sync(s);
    const [original] = [...s.outlook.items.keys()];
    const copy = s.outlook.userCreate(structuredClone(s.outlook.items.get(original)!.contact));
    s.server.userEdit("a", (c) => void (c.jobTitle = "CTO"));
    const { plan, result } = await sync(s);
    assert.deepEqual([plan.quarantined, result?.errors], [[], []]);
    assert.equal(s.outlook.items.get(original)?.contact.jobTitle, "CTO");
    assert.equal(s.outlook.items.get(copy)?.contact.uid, uidForOutlookItem(copy));
    assert.equal(s.server.items.size, 2);
    assertConverged(s);
    assert.deepEqual(planFor(s).actions, []);
  });

  it("with the sync state lost, deletes in Outlook once confirmed what the server deleted", async () => {
    const s = sides();
    for (const uid of ["a", "b"]) s.server.userPut(person(uid));
    await sync(s);
    s.server.userDelete("b");
    s.status = emptyStatus();
    const adapters = () => ({ outlook: s.outlook.adapter(new Faults()), server: s.server.adapter(new Faults()) });
    const refused = reconcile(s.status, s.outlook.snapshot(), s.server.snapshot({ tombstones: true }), {});
    await assert.rejects(runSync(refused, adapters(), s.status), PlanRefusedError);
    assert.equal(s.server.items.has("b"), false);
    const confirmed = reconcile(s.status, s.outlook.snapshot(), s.server.snapshot({ tombstones: true }), {
      confirmedDeletes: { outlook: refused.deletions.outlook.map((d) => d.uid), server: [] },
    });
    s.status = (await runSync(confirmed, adapters(), s.status)).status;
    assert.deepEqual([...s.server.items.keys()], ["a"]);
    assertConverged(s);
  });

  it("keeps each base as compact JSON text without empty defaults, and reads the stored status back unchanged", async () => {
    const s = sides();
    s.server.userPut(person("a", { categories: [], displayName: "" }));
    s.server.userPut(person("b", { phones: [{ type: "mobile", number: "1" }] }));
    await sync(s);
    for (const entry of s.status.entries) {
      const base = entry.baseJson!;
      assert.doesNotMatch(base, /"urls"|"im"|"extra"|"addresses"|"displayName":""/);
      assert.deepEqual(baseOf(entry), s.server.items.get(entry.uid)!.contact);
      assert.ok(base.length < JSON.stringify(baseOf(entry)).length * 0.8);
    }
    assert.match(s.status.entries.find((e) => e.uid === "b")!.baseJson!, /"phones":\[\{/);
    assert.deepEqual(statusFromJson(statusToJson(s.status)), s.status);
  });

  it("refuses to load a status whose base is not a contact, instead of failing in a later merge", async () => {
    const s = sides();
    s.server.userPut(person("a"));
    await sync(s);
    const damaged = {
      ...s.status,
      entries: s.status.entries.map((e) => ({ ...e, baseJson: '{"uid":"a","emails":[{"type":"work"}]}' })),
    };
    assert.throws(() => statusFromJson(statusToJson(damaged)), /baseJson/);
    const truncated = {
      ...s.status,
      entries: s.status.entries.map((e) => ({ ...e, baseJson: e.baseJson!.slice(0, -1) })),
    };
    assert.throws(() => statusFromJson(statusToJson(truncated)), /baseJson/);
  });

  it("keeps the base in a pull sync's status too, so the next sync can read only changes, and follows server edits", async () => {
    const s = sides();
    s.server.userPut(person("a"));
    await sync(s, { mode: "pull" });
    assert.equal(JSON.parse(s.status.entries[0].baseJson!).uid, "a");
    s.server.userEdit("a", (c) => void (c.jobTitle = "CTO"));
    await sync(s, { mode: "pull" });
    assert.equal([...s.outlook.items.values()][0].contact.jobTitle, "CTO");
    assert.deepEqual(planFor(s, { mode: "pull" }).actions, []);
  });
});
