// The server endpoints of CONTRACTS.md (issue 7) that the SERVER helper adds in parallel, served here
// for add-in tests until they land: a fetch that answers
//   POST   /api/books/:book/lookup                  {uids} -> {results}: each known uid, live or tombstone
//   POST   /api/sync-state/:device/:pair/claim      {holder, seconds} -> 200 {holder, until} | 409 pair-busy
//   DELETE /api/sync-state/:device/:pair/claim?holder=H -> 204
// and passes every other request to the real server. The lookup reads the book's whole log through
// the real server's change feed from position 0, so it sees the real tombstones.
import { encodeToken } from "../../server/store/contact-store";
import type { Change } from "../../addin/server-api";

type Claim = { holder: string; until: number };

export function withContractEndpoints(
  realFetch: typeof globalThis.fetch = globalThis.fetch.bind(globalThis),
  now = () => Date.now(),
) {
  const claims = new Map<string, Claim>();
  const requests: { method: string; path: string; body?: unknown }[] = [];

  const reply = (status: number, body?: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });

  async function lookup(url: URL, book: string, init: RequestInit, uids: string[]): Promise<Response> {
    const latest = new Map<string, Change>();
    let since = encodeToken(book, { p: 0 });
    for (;;) {
      const page = await realFetch(
        `${url.origin}/api/books/${encodeURIComponent(book)}/changes?since=${since}&limit=1000`,
        { headers: init.headers },
      );
      if (!page.ok) return page;
      const body = (await page.json()) as { changes: Change[]; token: string; more: boolean };
      for (const change of body.changes) latest.set(change.uid, change);
      since = body.token;
      if (!body.more) break;
    }
    return reply(200, { results: uids.flatMap((uid) => (latest.has(uid) ? [latest.get(uid)!] : [])) });
  }

  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = new URL(String(input));
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    const lookupPath = /^\/api\/books\/([^/]+)\/lookup$/.exec(url.pathname);
    const claimPath = /^\/api\/sync-state\/([^/]+)\/([^/]+)\/claim$/.exec(url.pathname);
    if (lookupPath || claimPath) requests.push({ method, path: url.pathname, body });
    if (lookupPath && method === "POST") return lookup(url, decodeURIComponent(lookupPath[1]!), init, body.uids);
    if (claimPath) {
      const auth = new Headers(init.headers).get("authorization") ?? "";
      const key = `${auth} ${claimPath[1]} ${claimPath[2]}`;
      const current = claims.get(key);
      const live = current && current.until > now() ? current : undefined;
      if (method === "POST") {
        if (live && live.holder !== body.holder) {
          return reply(409, { error: { code: "pair-busy", message: "Another sync holds this pair" } });
        }
        const claim = { holder: body.holder as string, until: now() + body.seconds * 1000 };
        claims.set(key, claim);
        return reply(200, { holder: claim.holder, until: new Date(claim.until).toISOString() });
      }
      if (method === "DELETE") {
        if (live?.holder === url.searchParams.get("holder")) claims.delete(key);
        return new Response(null, { status: 204 });
      }
    }
    return realFetch(input, init);
  };

  /** Another Outlook's live claim on a pair (as if it were syncing it now). */
  const claimedByOther = (token: string, device: string, pair: string, seconds = 120) =>
    void claims.set(`Bearer ${token} ${device} ${pair}`, { holder: "another-outlook", until: now() + seconds * 1000 });
  const liveClaims = () => [...claims.values()].filter((c) => c.until > now());

  return { fetch, requests, claimedByOther, liveClaims };
}
