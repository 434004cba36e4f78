// One writer per book at a time: the book's lease is the next version of its lease chain
// (store/version-chain.ts), taken by inserting it under a unique _id. The newest version also
// publishes what readers may see: the log up to `head`, tokens from `horizon` on.
import { randomUUID } from "node:crypto";
import { storeError } from "../errors";
import { versionChain } from "../version-chain";
import type { StoreContext } from "./context";
import type { ContactLog } from "./log";

export const LEASE_MS = 30_000;
// Longer than a lease, so a writer queued behind one that died gets its turn.
const LEASE_WAIT_MS = 45_000;
// A holder stops writing this long before its lease runs out (clocks of instances differ a little).
const LEASE_MARGIN_MS = 10_000;

/** The book's writer lease and published log state, one version per write. */
export type Lease = { owner: string; until: Date; released: boolean; base: number; head: number; horizon: number };
/** A lease this process holds: version n of the book's lease chain. */
export type Held = { owner: string; n: number; head: number; horizon: number; until: Date };

export const noSuchBook = () => storeError("not-found", "No such address book");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createLeases({ models, clock }: StoreContext, log: Pick<ContactLog, "lastPositionAfter">) {
  const leases = versionChain<Lease>(models.BookLease.collection, models.BookLeaseHint.collection);

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

  /** Takes the book's writer lease, repairing the head if the last holder died mid-write. */
  async function acquire(book: string): Promise<Held> {
    const owner = randomUUID();
    const giveUpAt = Date.now() + LEASE_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const cur = await leases.latest(book);
      if (!cur) throw noSuchBook();
      const now = clock();
      const free = cur.value.released || new Date(cur.value.until).getTime() < now.getTime();
      if (free) {
        const prior = cur.value;
        const base = prior.released ? prior.head : prior.base;
        const until = new Date(now.getTime() + LEASE_MS);
        const mine: Lease = { owner, until, released: false, base, head: base, horizon: prior.horizon };
        if (await leases.append(book, cur.n + 1, mine)) {
          const held = { owner, n: cur.n + 1, head: base, horizon: prior.horizon, until: mine.until };
          // A writer that died left entries past the head; readers validate entries, so moving past them is safe.
          return prior.released ? held : { ...held, head: await log.lastPositionAfter(book, base) };
        }
      }
      if (Date.now() > giveUpAt) throw storeError("busy", "The address book is busy; retry shortly");
      if (!free) await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
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
    const cur = await leases.latest(book);
    if (cur?.n !== lease.n) throw storeError("busy", "Another writer took over this address book; retry the write");
  }

  /** Whether a later holder took the lease since we took it. */
  async function takenOver(book: string, lease: Held): Promise<boolean> {
    return (await leases.latest(book))?.n !== lease.n;
  }

  async function release(book: string, lease: Held, head: number, horizon = lease.horizon) {
    const { owner } = lease;
    await leases.amend(book, lease.n, { owner, until: new Date(0), released: true, base: head, head, horizon });
  }

  /** Raises the horizon while still holding the lease: a token that might miss a deletion must expire. */
  async function raiseHorizon(book: string, lease: Held, horizon: number) {
    const { owner, until, head } = lease;
    await leases.amend(book, lease.n, { owner, until, released: false, base: head, head, horizon });
  }

  return { start, published, acquire, assertHeld, takenOver, release, raiseHorizon };
}

export type Leases = ReturnType<typeof createLeases>;
