// What the sign-in form says when signing in fails: one sentence per cause, each saying what to check.
import { ServerApiError } from "../server-api";
import { plainError } from "./plain-words";

const localHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The server address as typed, or what is wrong with it before anything is sent. */
export function checkServerUrl(typed: string): { url: string } | { problem: string } {
  const text = typed.trim().replace(/\/+$/, "");
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return {
      problem: `Start the server address with https:// (for example https://${text || "concord.example.com"}).`,
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: "That is not a web address. It looks like https://concord.example.com." };
  }
  if (url.protocol === "http:" && !localHosts.has(url.hostname)) {
    return { problem: "Use https:// for the server address: Outlook only talks to servers over a secure connection." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { problem: "The server address must start with https://." };
  return { url: text };
}

const certificateCodes = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
]);

/** The network error code behind a failed fetch (Node puts it on `cause`); browsers give none. */
export function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause ?? (e instanceof ServerApiError ? e.more.cause : undefined);
  }
  return undefined;
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** One sentence for a failed sign-in at `serverUrl`, naming what to check. */
export function signInError(error: unknown, serverUrl: string): string {
  const host = hostOf(serverUrl);
  if (!(error instanceof ServerApiError)) return plainError(error);
  switch (error.kind) {
    case "invalid-credentials":
      return "Wrong user name or password. Check both; the user name is not case-sensitive.";
    case "too-many-attempts": {
      const wait = error.more.retryAfterSeconds;
      return wait
        ? `Too many failed sign-ins. Wait ${minutes(wait)} minute${minutes(wait) === 1 ? "" : "s"}, then try again.`
        : "Too many failed sign-ins. Wait a few minutes, then try again.";
    }
    case "unreachable":
      return unreachable(networkCode(error), host);
    default:
      if (error.status === 404) return `${host} answered, but not as a Concord server (404). Check the server address.`;
      if (error.status !== undefined && error.status >= 500) {
        return `The Concord server at ${host} had an error (${error.status}). Try again later; if it stays, ask IT to check the server's log.`;
      }
      return error.message;
  }
}

function unreachable(code: string | undefined, host: string): string {
  if (code && certificateCodes.has(code)) {
    return `This computer does not trust the certificate of ${host}. Ask IT to give the server a certificate from a trusted authority, or to install its certificate on this computer.`;
  }
  if (code === "ECONNREFUSED")
    return `${host} refused the connection. Check the port in the address and that the Concord server is running.`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `The name ${host} was not found (DNS). Check the spelling of the server address.`;
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT")
    return `${host} did not answer in time. Check the address and your network connection.`;
  // A browser does not say why a request failed; opening the address in a tab shows the reason.
  return `Cannot reach ${host}. Check the address, that the server is running, and that this computer trusts its certificate: opening the address in a browser tab shows the exact error.`;
}

function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}

/** User names are lower-case on the server; what people type may not be. */
export const normalUsername = (typed: string) => typed.trim().toLowerCase();
