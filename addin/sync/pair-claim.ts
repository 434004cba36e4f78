// Only one Outlook syncs a pair at a time. Outlook on the desktop and on the web share the mailbox's
// roaming device id, so both would load one pair state, write both sides, and then one of them
// would fail to save (If-Match) after its writes were done. A sync claims the pair on the server
// first, under a holder id of its own, renews the claim while it runs and gives it back at the end.
import { ServerApiError, type ServerApi } from "../server-api";

export const CLAIM_SECONDS = 120;

export type PairClaim = {
  /** Throws when another Outlook took the pair over (this sync's claim ran out unrenewed). */
  assertHeld(): void;
  release(): Promise<void>;
};

/** Throws ServerApiError "pair-busy" when another holder's claim is live. */
export async function claimPair(
  api: Pick<ServerApi, "claimPair" | "releasePair">,
  device: string,
  pair: string,
  seconds = CLAIM_SECONDS,
): Promise<PairClaim> {
  const holder = newHolderId();
  await api.claimPair(device, pair, holder, seconds);
  let lost: unknown;
  const renew = () =>
    api.claimPair(device, pair, holder, seconds).catch((error) => {
      // A failed renewal (the network) may still leave the claim live; only a taken pair is lost.
      if (error instanceof ServerApiError && error.kind === "pair-busy") lost ??= error;
    });
  const timer = setInterval(() => void renew(), (seconds * 1000) / 3);
  return {
    assertHeld() {
      if (lost) throw lost;
    },
    async release() {
      clearInterval(timer);
      // A claim not given back runs out by itself.
      await api.releasePair(device, pair, holder).catch(() => {});
    },
  };
}

function newHolderId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
