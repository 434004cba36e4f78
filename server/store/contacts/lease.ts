// One writer per book at a time: the book's lease is the next version of its lease chain
// (store/version-chain.ts), taken by inserting it under a unique _id. The newest version also
// publishes what readers may see: the log up to `head`, tokens from `horizon` on.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { storeError } from "../errors";
import { versionChain } from "../version-chain";
import type { StoreContext } from "./context";
import type { ContactLog } from "./log";

// Short, and renewed by a heartbeat while held: a holder that dies holds up the book's writers
// for at most this long (less when the next taker sees the holder's process is gone).
export const LEASE_MS = 5_000;
const BEAT_MS = 1_000;
// A holder that cannot renew for long: the lease of a write that takes this long runs out.
const LEASE_WAIT_MS = 45_000;
// A holder stops writing this long before its lease runs out (clocks of instances differ a little).
const LEASE_MARGIN_MS = 2_000;

/** The book's writer lease and published log state, one version per write. `host` and `pid`
 *  name the holder's process, so a taker on the same host sees at once that it died. */
export type Lease = {
  owner: string;
  until: Date;
  released: boolean;
  base: number;
  head: number;
  horizon: number;
  host?: string;
  pid?: number;
};
/** A lease this process holds: version n of the book's lease chain. `until` moves on with each heartbeat. */
export type Held = { owner: string; n: number; head: number; horizon: number; until: Date };

export const noSuchBook = () => storeError("not-found", "No such address book");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HOST = hostname();
/** Owners of leases this process holds or is taking: their holder is alive whatever the pid says. */
const mine = new Set<string>();

/** Whether the lease's holder is a process on this host that no longer runs (killed, crashed,
 *  restarted: a restarted instance has another pid, or, as pid 1 of a container, another owner). */
function holderDied(lease: Lease): boolean {
  if (lease.host !== HOST || !lease.pid) return false;
  if (lease.pid === process.pid) return !mine.has(lease.owner);
  try {
    process.kill(lease.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Renews a held lease every BEAT_MS, one amend at a time; `stop` waits for the amend in flight. */
type Beat = { value: Lease; chain: Promise<void>; timer?: NodeJS.Timeout };

export function createLeases({ models, clock }: StoreContext, log: Pick<ContactLog, "rollBackAfter">) {
  const leases = versionChain<Lease>(models.BookLease.collection, models.BookLeaseHint.collection);
  const beats = new Map<string, Beat>();

  /** A new book's first lease version: released, with an empty log. */
  async function start(book: string): Promise<void> {
    await leases.append(book, 1, { owner: "", until: new Date(0), released: true, base: 0, head: 0, horizon: 0 });
  }

  /** What readers may see: the log up to `head`, and tokens from `horizon` on. */
  async function published(book: string): Promise<{ head: number; horizon: number }> {
    const cur = await leases.latest(book);
    if (!cur) throw noSuchBook();
    return { head: cur.value.released ? cur.value.head : cur.value.base, horizon: cur.value.horizon };
  }

  /** Takes the book's writer lease. If the last holder died mid-write, rolls back what it wrote
   *  past the published head (log.rollBackAfter) before anything else is written. */
  async function acquire(book: string): Promise<Held> {
    const known = releasedHere.get(book);
    releasedHere.delete(book);
    const fast = known && (await acquireAfter(book, known));
    if (fast) return fast;
    const owner = randomUUID();
    const giveUpAt = Date.now() + LEASE_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const cur = await leases.latest(book);
      if (!cur) throw noSuchBook();
      const now = clock();
      const prior = cur.value;
      const free = prior.released || new Date(prior.until).getTime() < now.getTime() || holderDied(prior);
      // A verdict on a holder read a moment ago: make sure it did not release meanwhile, else our
      // base would be its old one and a crash of ours would have its published writes rolled back.
      if (free && !prior.released && (await versionAt(book, cur.n))?.released) continue;
      if (free) {
        const base = prior.released ? prior.head : prior.base;
        const until = new Date(now.getTime() + LEASE_MS);
        const mineNow: Lease = {
          owner,
          until,
          released: false,
          base,
          head: base,
          horizon: prior.horizon,
          host: HOST,
          pid: process.pid,
        };
        mine.add(owner);
        if (await leases.append(book, cur.n + 1, mineNow)) {
          const held: Held = { owner, n: cur.n + 1, head: base, horizon: prior.horizon, until };
          beat(book, held, mineNow);
          if (prior.released) return held;
          try {
            await takeOverFrom(book, held, cur.n);
            return held;
          } catch (err) {
            await stopBeat(held); // the lease runs out: the next taker rolls back again
            mine.delete(owner);
            throw err;
          }
        }
        mine.delete(owner);
      }
      if (Date.now() > giveUpAt) throw storeError("busy", "The address book is busy; retry shortly");
      if (!free) await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }

  /** The version this instance last released on each book: its next write tries the version after
   *  it straight away, as no other writer came in between when that insert succeeds. */
  const releasedHere = new Map<string, { n: number; value: Lease }>();

  /** Takes version n + 1 after our own released version n without walking the chain; null when the
   *  book was deleted or created again (version n is gone or another's) or another writer came in
   *  between (the insert fails or is withdrawn). Version n is read first, so nothing is inserted, nor
   *  a hint made, for a book that is gone. */
  async function acquireAfter(book: string, known: { n: number; value: Lease }): Promise<Held | null> {
    const prior = await versionAt(book, known.n);
    if (prior?.owner !== known.value.owner || !prior.released) return null;
    const owner = randomUUID();
    const until = new Date(clock().getTime() + LEASE_MS);
    const { head, horizon } = known.value;
    const value: Lease = { owner, until, released: false, base: head, head, horizon, host: HOST, pid: process.pid };
    mine.add(owner);
    if (!(await leases.append(book, known.n + 1, value))) {
      mine.delete(owner);
      return null;
    }
    const held: Held = { owner, n: known.n + 1, head, horizon, until };
    beat(book, held, value);
    return held;
  }

  const versionAt = async (book: string, n: number) =>
    (await models.BookLease.findById(`${book}#${n}`).lean())?.value as Lease | undefined;

  /** We took the lease over from version n, whose holder looked dead or out of time when we read
   *  it. If it released since, its head is ours to build on; otherwise we roll back its leftovers. */
  async function takeOverFrom(book: string, held: Held, n: number): Promise<void> {
    const prior = await versionAt(book, n);
    if (!prior?.released) {
      held.head = await log.rollBackAfter(book, held.head);
      return;
    }
    held.head = prior.head;
    held.horizon = prior.horizon;
    const b = beats.get(held.owner)!;
    b.value = { ...b.value, base: prior.head, head: prior.head, horizon: prior.horizon };
    const amended = b.chain.then(() => leases.amend(book, held.n, b.value));
    b.chain = amended.catch(() => undefined);
    await amended;
  }

  function beat(book: string, held: Held, value: Lease) {
    const b: Beat = { value, chain: Promise.resolve() };
    beats.set(held.owner, b);
    startBeat(book, held, b);
  }

  function startBeat(book: string, held: Held, b: Beat) {
    const renew = async () => {
      const until = new Date(clock().getTime() + LEASE_MS);
      b.value = { ...b.value, until };
      await leases.amend(book, held.n, b.value);
      held.until = until;
    };
    // A renewal that fails leaves `until` as it was: the fence then stops the holder in time.
    b.timer = setInterval(() => void (b.chain = b.chain.then(renew).catch(() => undefined)), BEAT_MS);
    b.timer.unref();
  }

  async function stopBeat(held: Held): Promise<void> {
    const b = beats.get(held.owner);
    beats.delete(held.owner);
    if (!b) return;
    clearInterval(b.timer);
    await b.chain;
  }

  /** Test seam: a pause of the whole holder (GC, a stalled process) stops its heartbeat too. */
  async function whilePaused(book: string, held: Held, pause: () => Promise<void> | undefined): Promise<void> {
    const b = beats.get(held.owner);
    clearInterval(b?.timer);
    try {
      await pause();
    } finally {
      if (b && beats.get(held.owner) === b) startBeat(book, held, b);
    }
  }

  /** Fencing: a holder whose lease ran out must not write on. Its clock is checked before each
   *  write phase (free); before contacts are written, the lease chain is read too, which also
   *  catches a taker-over whose clock runs far ahead of ours. */
  async function assertHeld(book: string, lease: Held, readChain = false): Promise<void> {
    if (clock().getTime() > lease.until.getTime() - LEASE_MARGIN_MS) {
      throw storeError("busy", "The write took too long and was stopped; retry it");
    }
    if (!readChain) return;
    if (!(await leases.isLatest(book, lease.n)))
      throw storeError("busy", "Another writer took over this address book; retry the write");
  }

  /** Whether a later holder took the lease since we took it. */
  async function takenOver(book: string, lease: Held): Promise<boolean> {
    return !(await leases.isLatest(book, lease.n));
  }

  /** Publishes `head` (and `horizon`) and frees the lease, after the last heartbeat has landed. */
  async function release(book: string, lease: Held, head: number, horizon = lease.horizon) {
    const { owner } = lease;
    await stopBeat(lease);
    try {
      const value: Lease = { owner, until: new Date(0), released: true, base: head, head, horizon };
      await leases.amend(book, lease.n, value);
      releasedHere.set(book, { n: lease.n, value });
    } finally {
      mine.delete(owner); // only now: until released, a taker here must not think this holder died
    }
  }

  /** Raises the horizon while still holding the lease: a token that might miss a deletion must expire. */
  async function raiseHorizon(book: string, lease: Held, horizon: number) {
    const b = beats.get(lease.owner);
    const value = {
      ...(b?.value ?? { owner: lease.owner, until: lease.until, released: false }),
      base: lease.head,
      head: lease.head,
      horizon,
    };
    if (!b) return leases.amend(book, lease.n, value);
    // In the heartbeat's queue: two amends of one version never race.
    b.value = value;
    const amended = b.chain.then(() => leases.amend(book, lease.n, b.value));
    b.chain = amended.catch(() => undefined);
    await amended;
  }

  return { start, published, acquire, assertHeld, takenOver, release, raiseHorizon, whilePaused };
}

export type Leases = ReturnType<typeof createLeases>;
