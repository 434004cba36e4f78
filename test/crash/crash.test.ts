// kill -9 at seeded points: a store process with writers on one book (test/crash/writer.ts) is
// killed mid-batch, sometimes with the database under it. After the restart, without any write:
// every acknowledged batch shows in the listing, the full feed, the incremental feed and get; each
// batch is all or nothing (an unacknowledged batch that completed before the kill may show, whole);
// no uid shows twice. Then the first write goes through within seconds and the book stays so.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";

import { createInterface } from "node:readline";
import { randomUUID } from "node:crypto";
import { ensureFerretDbBinary, socketPathFor } from "../../server/db/ferretdb";
import { connectDatabase } from "../../server/db/models";
import { createContactStore } from "../../server/store/contact-store";
import type { Change, StoredContact } from "../../server/store/contract";
import { crashContact, crashUid } from "./writer";
import { scratchDir } from "../support/scratch-dir";

/** A seeded random source (mulberry32), so a failing crash point can be replayed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once("exit", () => r()));

/** FerretDB as its own process, so the test can kill it too. */
async function startDatabase(dir: string): Promise<{ uri: string; child: ChildProcess }> {
  const child = spawn(ensureFerretDbBinary(), ["-dir", dir, "-listen-unix", socketPathFor(dir)], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`FerretDB exited with ${code}`)));
  });
  assert.match(line, /^mongodb:\/\//);
  return { uri: line.trim(), child };
}

type Log = { acked: number[]; started: number[]; lines: string[] };

/** Starts the store process and kills it with SIGKILL after `acks` acknowledged batches and `delay` ms. */
async function runAndKill(
  uri: string,
  dbName: string,
  book: string,
  writers: number,
  group: number,
  acks: number,
  delay: number,
) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/crash/writer.ts", uri, dbName, book, String(writers), String(group)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const log: Log = { acked: Array(writers).fill(0), started: Array(writers).fill(0), lines: [] };
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      log.lines.push(line);
      const [what, w, b] = line.split(" ");
      if (what === "start") log.started[Number(w)] = Number(b);
      if (what === "ack") log.acked[Number(w)] = Number(b);
      if (what === "ack" && ++total === acks) setTimeout(resolve, delay);
    });
    child.once("exit", (code) =>
      reject(new Error(`the store process exited (${code}): ${log.lines.slice(-3).join(" | ")}`)),
    );
  });
  child.kill("SIGKILL");
  await exited(child);
  return log;
}

/** The round each uid shows, from its display name `w:i:b`. */
const roundOf = (c: { contact?: { displayName?: string } }) => Number(c.contact?.displayName?.split(":")[2]);

describe("crash recovery: kill -9 of the store process (and the database) mid-batch", function () {
  this.timeout(300_000);
  const dir = scratchDir("concord-crash-");
  let db: Awaited<ReturnType<typeof startDatabase>>;

  before(async () => {
    db = await startDatabase(dir);
  });
  after(async () => {
    db.child.kill("SIGKILL");
    await exited(db.child);
  });

  const plans = [
    ...Array.from({ length: 10 }, (_, k) => ({ seed: 1000 + k, writers: 1, group: 120, killDatabase: k % 4 === 3 })),
    ...Array.from({ length: 10 }, (_, k) => ({ seed: 2000 + k, writers: 4, group: 25, killDatabase: k % 5 === 4 })),
  ];
  for (const plan of plans) {
    const title = `${plan.writers} writer(s) × ${plan.group} contacts, seed ${plan.seed}${plan.killDatabase ? ", database killed too" : ""}`;
    it(`shows every acknowledged batch whole and nothing half-written after kill -9 (${title})`, async () => {
      const random = seeded(plan.seed);
      const dbName = `c${randomUUID().replace(/-/g, "").slice(0, 12)}`;
      const book = "crash-book";
      const uids = Array.from({ length: plan.writers }, (_, w) =>
        Array.from({ length: plan.group }, (_, i) => crashUid(w, i)),
      ).flat();

      let conn = await connectDatabase(db.uri, dbName);
      let store = createContactStore({ models: conn.models, clock: () => new Date() });
      await store.createBook({ id: book, kind: "pab", name: "Crash", owner: null });
      const initial = uids.map((uid) => {
        const [w, i] = uid.slice(1).split("-").map(Number);
        return { op: "put" as const, uid, contact: crashContact(w, i, 0) };
      });
      await store.applyWrites(book, initial);
      const token = (await readAll(store, book, undefined)).token;
      await conn.connection.close();

      const log = await runAndKill(
        db.uri,
        dbName,
        book,
        plan.writers,
        plan.group,
        1 + Math.floor(random() * 2),
        Math.floor(random() * 300),
      );
      if (plan.killDatabase) {
        db.child.kill("SIGKILL");
        await exited(db.child);
        db = await startDatabase(dir);
      }

      conn = await connectDatabase(db.uri, dbName);
      store = createContactStore({ models: conn.models, clock: () => new Date() });
      try {
        await assertConsistent(store, book, token, log, uids, plan.writers);
        // The first write after the kill: the dead writer's lease is not waited out.
        const began = Date.now();
        const [first] = await store.applyWrites(book, [
          { op: "put", uid: crashUid(0, 0), contact: crashContact(0, 0, 999) },
        ]);
        assert.equal(first.status, "updated");
        assert.ok(Date.now() - began < 5_000, `the first write after the kill took ${Date.now() - began} ms`);
        const after = await store.listContacts(book, undefined, 10_000);
        assert.equal(after.contacts.length, uids.length, "no contact vanishes after the first write either");
      } finally {
        await conn.connection.close();
      }
    });
  }
});

async function readAll(store: ReturnType<typeof createContactStore>, book: string, since: string | undefined) {
  const changes: Change[] = [];
  let token = since;
  for (;;) {
    const page = await store.changesSince(book, token, 37);
    changes.push(...page.changes);
    token = page.token;
    if (!page.more) return { changes, token: token! };
  }
}

async function assertConsistent(
  store: ReturnType<typeof createContactStore>,
  book: string,
  token: string,
  log: Log,
  uids: string[],
  writers: number,
) {
  const context = `acked ${log.acked} started ${log.started}`;
  const listed: StoredContact[] = [];
  for (let cursor: string | undefined | null; cursor !== null; ) {
    const page = await store.listContacts(book, cursor, 53);
    listed.push(...page.contacts);
    cursor = page.cursor;
  }
  const full = (await readAll(store, book, undefined)).changes;
  const incremental = (await readAll(store, book, token)).changes;
  for (const [name, seen] of [
    ["listing", listed],
    ["full feed", full],
  ] as const) {
    assert.equal(seen.length, uids.length, `${name}: every contact shows (${context})`);
    assert.deepEqual(new Set(seen.map((c) => c.uid)), new Set(uids), `${name}: each uid once (${context})`);
  }
  const finalRound = new Map(listed.map((c) => [c.uid, roundOf(c)]));
  for (let w = 0; w < writers; w++) {
    const rounds = new Set(uids.filter((u) => u.startsWith(`w${w}-`)).map((u) => finalRound.get(u)));
    assert.equal(rounds.size, 1, `writer ${w}'s batches show whole: rounds ${[...rounds]} (${context})`);
    const [round] = rounds;
    assert.ok(round === log.acked[w] || round === log.started[w], `writer ${w} shows round ${round} (${context})`);
  }
  for (const c of full)
    assert.equal(
      roundOf(c as { contact?: { displayName?: string } }),
      finalRound.get(c.uid),
      `full feed agrees on ${c.uid}`,
    );
  const lastDelivered = new Map(incremental.map((c) => [c.uid, c]));
  for (const uid of uids) {
    const last = lastDelivered.get(uid);
    if (finalRound.get(uid) === 0 && !last) continue; // unchanged since the token
    assert.ok(last && !last.deleted, `the incremental feed delivers ${uid} (${context})`);
    assert.equal(
      roundOf(last as { contact?: { displayName?: string } }),
      finalRound.get(uid),
      `the incremental feed agrees on ${uid}`,
    );
  }
  for (const uid of uids.filter((_, k) => k % 17 === 0)) {
    assert.equal(
      roundOf((await store.getContact(book, uid))!),
      finalRound.get(uid),
      `get agrees on ${uid} (${context})`,
    );
  }
}
