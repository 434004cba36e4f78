// Per user, device and pair: who is syncing the pair right now. Two Outlooks of one
// mailbox (one device id each, but the same pairs when they share a roaming status)
// must not sync one pair at once, so a sync claims the pair for a while first.
//
// A claim changes under compare-and-set, so it lives in a version chain
// (store/version-chain.ts): FerretDB runs a filtered update as read-then-write,
// and only the insert of the next version under its unique _id is atomic. Of two
// holders that read version n, exactly one inserts n + 1; the other reads again
// and finds the winner's live claim.
import type { Models } from "../db/models";
import { storeError } from "./errors";
import type { PairClaims } from "./contract";
import { versionChain } from "./version-chain";

type Claim = { holder: string; until: Date };
export type ClaimView = { holder: string; until: Date };

// Racing appends by one holder (a retried request) or by holders whose claims
// keep expiring could loop; a handful of rounds always settles a real race.
const MAX_ROUNDS = 20;

export function createPairClaims(models: Models, clock: () => Date): PairClaims {
  const chain = versionChain<Claim>(models.PairClaim.collection, models.PairClaimHint.collection);
  const keyOf = (username: string, device: string, pair: string) => `${username}/${device}/${pair}`;
  const live = (c: Claim, now: Date) => new Date(c.until).getTime() > now.getTime();

  /** Claims the pair for `seconds`: when it is free, expired, or already this holder's (a renewal). */
  async function claim(username: string, device: string, pair: string, holder: string, seconds: number) {
    const key = keyOf(username, device, pair);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const cur = await chain.latest(key);
      const now = clock();
      if (cur && cur.value.holder !== holder && live(cur.value, now)) {
        const until = new Date(cur.value.until).toISOString();
        throw storeError("conflict", `Another Outlook is syncing this pair until ${until}`, { claim: "pair", until });
      }
      const until = new Date(now.getTime() + seconds * 1000);
      if (await chain.append(key, (cur?.n ?? 0) + 1, { holder, until })) return { holder, until } as ClaimView;
    }
    throw storeError("busy", "The pair's claim keeps changing; retry shortly");
  }

  /** Ends the holder's claim; a claim someone else holds (or none) is left as it is. */
  async function release(username: string, device: string, pair: string, holder: string): Promise<void> {
    const key = keyOf(username, device, pair);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const cur = await chain.latest(key);
      if (!cur || cur.value.holder !== holder || !live(cur.value, clock())) return;
      if (await chain.append(key, cur.n + 1, { holder: "", until: new Date(0) })) return;
    }
  }

  return { claim, release };
}
