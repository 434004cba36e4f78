// Bounded retry for throttled calls, shared by the Graph and EWS adapters.
// Graph: 429/503 carry Retry-After in seconds (https://learn.microsoft.com/graph/throttling,
// "Best practices to handle throttling"); EWS: ErrorServerBusy carries BackOffMilliseconds
// (https://learn.microsoft.com/exchange/client-developer/exchange-web-services/ews-throttling-in-exchange).

export type Sleep = (ms: number) => Promise<void>;

export type RetryOptions = {
  /** Total tries including the first. */
  attempts?: number;
  /** A server asking for a longer pause than this is not waited for: the throttled result is returned. */
  maxWaitMs?: number;
  sleep?: Sleep;
};

export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until `delayBeforeRetry` says the result is final (undefined) or the attempts run out;
 * the last result is returned either way, so the caller reports the failure in its own terms.
 */
export async function retrying<T>(
  attempt: () => Promise<T>,
  delayBeforeRetry: (result: T, attemptIndex: number) => number | undefined,
  { attempts = 5, maxWaitMs = 120_000, sleep = defaultSleep }: RetryOptions = {},
): Promise<T> {
  for (let index = 0; ; index++) {
    const result = await attempt();
    const delay = delayBeforeRetry(result, index);
    if (delay === undefined || index + 1 >= attempts || delay > maxWaitMs) return result;
    await sleep(delay);
  }
}

/** Exponential backoff for a throttled answer that named no pause: 1 s, 2 s, 4 s, ... */
export const backoffMs = (attemptIndex: number) => 1000 * 2 ** attemptIndex;

/** For HTTP: the pause a 429 or 503 asks for (Retry-After seconds or HTTP-date, RFC 9110 §10.2.3). */
export function httpRetryDelay(
  response: { status: number; headers: { get(name: string): string | null } },
  attemptIndex: number,
): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const retryAfter = response.headers.get("retry-after")?.trim();
  if (!retryAfter) return backoffMs(attemptIndex);
  if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const at = Date.parse(retryAfter);
  return Number.isNaN(at) ? backoffMs(attemptIndex) : Math.max(0, at - Date.now());
}
