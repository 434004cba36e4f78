// Who is signed in, and the API client that signs its calls. A sign-in is a device session: a
// 15-minute access token and a refresh token. The client (addin/server-api.ts's, shared with the
// pane) trades the refresh token for a new pair when a call is answered 401, so the page stays
// signed in as long as the session lasts. A call that finds the session ended (refresh refused:
// signed out elsewhere, revoked, password changed) does not navigate away: it marks the session
// expired, the app asks to sign in again in a dialog over the page, and every form keeps what the
// user typed, ready to be sent again.
//
// The tokens live in sessionStorage, not localStorage as the pane's do (addin/taskpane/pane-settings.ts:
// one pane per Outlook, staying signed in across restarts): here each tab is its own session, kept
// over a reload and gone when the tab closes. A refresh token is good for one use and the server ends
// a session whose spent token comes back, so tabs sharing one session through localStorage would race
// to spend the same token (the client's guard is per page) and sign each other out.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import type { LoginResult, RefreshResult, ServerUser } from "../addin/server-api";
import { createWebApi, isExpired, type WebApi } from "./api";

export type SignedIn = { token: string; refreshToken?: string; sessionId?: string; user: ServerUser };

export type Session = {
  api: WebApi;
  signedIn: SignedIn | undefined;
  /** The session ran out (a call got 401 and no refresh): the sign-in dialog is open over the page. */
  expired: boolean;
  signIn(username: string, password: string): Promise<void>;
  /** Ends the session on the server too, then forgets it here. */
  signOut(): Promise<void>;
  /** Runs a call; a session that ended marks the session expired before the error goes on to the caller. */
  call<T>(work: (api: WebApi) => Promise<T>): Promise<T>;
};

const storageKey = "concord.web.session";
const SessionContext = createContext<Session | undefined>(undefined);

function loadSaved(): SignedIn | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(storageKey) ?? "null");
    return saved && typeof saved.token === "string" ? saved : undefined;
  } catch {
    return undefined;
  }
}

function save(next: SignedIn | undefined) {
  if (next) sessionStorage.setItem(storageKey, JSON.stringify(next));
  else sessionStorage.removeItem(storageKey);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [signedIn, setSignedIn] = useState<SignedIn | undefined>(loadSaved);
  const [expired, setExpired] = useState(false);
  // Read by the client on every call, so a refresh or a new sign-in takes effect at once.
  const current = useRef(signedIn);
  const api = useMemo(
    () =>
      createWebApi(location.origin, {
        getToken: () => current.current?.token,
        getRefreshToken: () => current.current?.refreshToken,
        onRefreshed: (next: RefreshResult) => {
          if (!current.current) return;
          current.current = { ...current.current, token: next.token, refreshToken: next.refreshToken };
          save(current.current);
        },
      }),
    [],
  );

  const keep = useCallback((next: SignedIn | undefined) => {
    current.current = next;
    save(next);
    setSignedIn(next);
    setExpired(false);
  }, []);
  const signIn = useCallback(
    async (username: string, password: string) => {
      const { token, refreshToken, sessionId, user }: LoginResult = await api.login(username, password, "Concord Web");
      keep({ token, refreshToken, sessionId, user });
    },
    [api, keep],
  );
  const signOut = useCallback(async () => {
    await api.logout().catch(() => undefined); // signed out here whatever the server says
    keep(undefined);
  }, [api, keep]);
  const call = useCallback(
    async <T,>(work: (api: WebApi) => Promise<T>) => {
      try {
        return await work(api);
      } catch (error) {
        if (isExpired(error)) setExpired(true);
        throw error;
      }
    },
    [api],
  );
  const session = useMemo(
    () => ({ api, signedIn, expired, signIn, signOut, call }),
    [api, signedIn, expired, signIn, signOut, call],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
