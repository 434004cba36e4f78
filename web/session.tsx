// Who is signed in, and the API client that signs its calls. The token lives in sessionStorage (this
// tab only, gone when it closes). A call that finds the session expired does not navigate away: it
// marks the session expired, the app asks to sign in again in a dialog over the page, and every form
// keeps what the user typed, ready to be sent again.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import type { ServerUser } from "../addin/server-api";
import { createWebApi, isExpired, type WebApi } from "./api";

export type SignedIn = { token: string; user: ServerUser };

export type Session = {
  api: WebApi;
  signedIn: SignedIn | undefined;
  /** The session ran out (a call got 401): the sign-in dialog is open over the page. */
  expired: boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): void;
  /** Runs a call; a 401 marks the session expired before the error goes on to the caller. */
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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [signedIn, setSignedIn] = useState<SignedIn | undefined>(loadSaved);
  const [expired, setExpired] = useState(false);
  const token = useRef(signedIn?.token);
  const api = useMemo(() => createWebApi(location.origin, () => token.current), []);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const result = await api.login(username, password);
      const next = { token: result.token, user: result.user };
      token.current = next.token;
      sessionStorage.setItem(storageKey, JSON.stringify(next));
      setSignedIn(next);
      setExpired(false);
    },
    [api],
  );
  const signOut = useCallback(() => {
    token.current = undefined;
    sessionStorage.removeItem(storageKey);
    setSignedIn(undefined);
    setExpired(false);
  }, []);
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
