// The task pane: sign in, the books with their Outlook folders, Sync now / Preview, progress, results.
// All Office access comes through `host` (addin/office-host.ts) and the Outlook connection factory.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  Button,
  Caption1,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Tab,
  TabList,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import { deviceId as loadDeviceId, isDarkColor, type OfficeHost } from "../office-host";
import type { ContactFolder } from "../outlook/outlook-store";
import { createServerApi, type Book, type RefreshResult } from "../server-api";
import type { ConfirmedDeletes, OutlookConnection, SyncProgress } from "../sync/sync-session";
import { backgroundSyncNote, usePeriodicSync } from "./background-sync";
import { BookList } from "./book-list";
import { ConfirmDeletesDialog, type DeletePurpose } from "./confirm-deletes";
import { chooseOutlookApi, connectOutlook, effectiveClientId, outlookAccessProblem } from "./outlook-connection";
import {
  loadSession,
  loadSettings,
  saveSession,
  saveSettings,
  sessionEnd,
  type PairSettings,
  type PaneSettings,
  type Session,
} from "./pane-settings";
import { plainError } from "./plain-words";
import { SettingsPanel } from "./settings-panel";
import { foldersForSetup, undecidedBooks } from "./setup";
import { SetupView } from "./setup-view";
import { checkServerUrl, normalUsername, signInError } from "./sign-in-errors";
import { SignIn } from "./sign-in";
import { enabledBooks, syncBooks, type BookResult } from "./sync-books";
import { SyncProgressView, SyncResults, type Overall } from "./sync-results";

export type AppProps = {
  host: OfficeHost;
  fetch?: typeof globalThis.fetch;
  /** Builds the Outlook side; the default picks Graph or EWS from the settings and the host. */
  connect?: (settings: PaneSettings, host: OfficeHost) => OutlookConnection;
  now?: () => Date;
  /** Where the pane was served from: the server address the sign-in form starts with. */
  origin?: string;
};

/** The server address the sign-in form shows first: the saved one, else the origin the pane came from. */
export function defaultServerUrl(saved: string, origin: string | undefined): string {
  if (saved) return saved;
  return origin && /^https?:\/\//.test(origin) ? origin : "";
}

const pageOrigin = () => (typeof location === "undefined" ? undefined : location.origin);

/** How this device is named in the user's list of signed-in devices. */
function deviceName(): string {
  const nav =
    typeof navigator === "undefined" ? undefined : (navigator as Navigator & { userAgentData?: { platform?: string } });
  const platform = nav?.userAgentData?.platform || nav?.platform;
  return platform ? `Outlook on ${platform}` : "Outlook";
}

const defaultConnect = (settings: PaneSettings, host: OfficeHost) =>
  connectOutlook(chooseOutlookApi(settings.outlookApi, host), settings, host);

export function App({
  host,
  fetch,
  connect = defaultConnect,
  now = () => new Date(),
  origin = pageOrigin(),
}: AppProps) {
  const [settings, setSettings] = useState(() => loadSettings(host));
  const [session, setSessionState] = useState(() => loadSession(host, now()));
  // The tokens as of now: a refresh renews them under a running sync without re-rendering the pane.
  const tokens = useRef(session);
  const setSession = useCallback((next: Session | undefined) => {
    tokens.current = next;
    setSessionState(next);
  }, []);
  const refreshed = useCallback(
    async (next: RefreshResult) => {
      if (!tokens.current) return;
      const { token, expiresAt, refreshToken, sessionExpiresAt } = next;
      tokens.current = { ...tokens.current, token, expiresAt, refreshToken, sessionExpiresAt };
      await saveSession(host, tokens.current);
    },
    [host],
  );
  const [books, setBooks] = useState<Book[]>([]);
  const [results, setResults] = useState<BookResult[]>([]);
  const [progress, setProgress] = useState<{ bookId: string; progress: SyncProgress; overall: Overall }>();
  const [stopping, setStopping] = useState(false);
  const stopRequested = useRef(false);
  const [serverClientId, setServerClientId] = useState<string | null>();
  /** The setup step: the books it asks about, and the Outlook folders to offer. */
  const [setup, setSetup] = useState<{ books: Book[]; folders?: ContactFolder[]; foldersError?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirm, setConfirm] = useState<{ result: BookResult; purpose: DeletePurpose }>();
  const [tab, setTab] = useState<"books" | "settings">("books");
  const running = useRef(false);

  // A new sign-in gets a new client: the one before may still hold a refresh it made for the old session.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `session` is there to start that new client
  const api = useMemo(
    () =>
      createServerApi({
        baseUrl: settings.serverUrl || "http://localhost",
        getToken: () => tokens.current?.token,
        getRefreshToken: () => tokens.current?.refreshToken,
        onRefreshed: refreshed,
        fetch,
      }),
    [settings.serverUrl, session, fetch, refreshed],
  );

  const updateSettings = useCallback(
    (next: PaneSettings) => {
      setSettings(next);
      saveSettings(host, next).catch((e) => setError(plainError(e)));
    },
    [host],
  );

  // A pair is saved the moment it is made, before the sync writes to its folder; `latest` keeps
  // pairs made earlier in the same run.
  const latest = useRef(settings);
  latest.current = settings;
  const savePair = useCallback(
    async (bookId: string, pair: PairSettings) => {
      const next = { ...latest.current, pairs: { ...latest.current.pairs, [bookId]: pair } };
      latest.current = next;
      setSettings(next);
      await saveSettings(host, next);
    },
    [host],
  );

  const signOut = useCallback(
    (message?: string) => {
      setSession(undefined);
      setBooks([]);
      setError(message);
      void saveSession(host, undefined);
    },
    [host, setSession],
  );

  const withClientId = useCallback(
    (s: PaneSettings): PaneSettings => ({ ...s, graphClientId: effectiveClientId(s, serverClientId) }),
    [serverClientId],
  );

  type SyncOptions = { dryRun?: boolean; book?: string; mode?: "publish"; confirmedDeletes?: ConfirmedDeletes };
  const sync = useCallback(
    async (options: SyncOptions = {}) => {
      if (!session || running.current || enabledBooks(books, latest.current).length === 0) return;
      running.current = true;
      stopRequested.current = false;
      setStopping(false);
      setBusy(true);
      setError(undefined);
      try {
        const outlook = connect(withClientId(settings), host);
        const deviceId = await loadDeviceId(host);
        const chosen = options.book ? books.filter((b) => b.id === options.book) : books;
        const run = await syncBooks({
          api,
          outlook,
          deviceId,
          admin: session.admin,
          username: session.username,
          books: chosen,
          allBooks: books,
          settings: latest.current,
          now,
          dryRun: options.dryRun,
          mode: options.mode,
          confirmedDeletes: options.confirmedDeletes,
          onPaired: savePair,
          onProgress: (bookId, p, overall) => setProgress({ bookId, progress: p, overall }),
          shouldStop: () => stopRequested.current,
        });
        setResults((previous) => [
          ...previous.filter((r) => !run.results.some((n) => n.bookId === r.bookId)),
          ...run.results,
        ]);
        // "Replace the GAB" shows what goes before anything is written; a sync refused for its deletes asks.
        const replacing =
          options.mode === "publish" && options.dryRun
            ? run.results.find((r) => r.outcome?.kind === "preview")
            : undefined;
        const asking = run.results.find((r) => r.outcome?.kind === "needs-confirmation");
        if (replacing) setConfirm({ result: replacing, purpose: "replace" });
        else setConfirm(asking && { result: asking, purpose: options.mode === "publish" ? "replace" : "deletes" });
        if (run.sessionExpired) signOut(run.results.at(-1)?.error ?? "Your session expired; sign in again");
      } catch (e) {
        setError(plainError(e));
      } finally {
        running.current = false;
        setBusy(false);
        setProgress(undefined);
      }
    },
    [api, books, connect, host, now, savePair, session, withClientId, signOut, settings],
  );

  // The Graph client id comes from the server (unauthenticated); an override in Settings wins.
  useEffect(() => {
    if (!settings.serverUrl) return;
    api.clientConfig().then(
      (c) => setServerClientId(c.graphClientId),
      () => setServerClientId(null),
    );
  }, [api, settings.serverUrl]);

  // Books load once signed in. Books nobody decided on go to the setup step first; the enabled ones
  // sync once on open, and only after setup (nothing syncs before the user pressed Start syncing).
  const syncedOnOpen = useRef(false);
  useEffect(() => {
    if (!session) return;
    api
      .listBooks()
      .then(setBooks, (e) =>
        String(e?.kind) === "session-expired" ? signOut(plainError(e)) : setError(plainError(e)),
      );
  }, [api, session, signOut]);
  const openSetup = useCallback(
    async (asked: Book[]) => {
      setSetup({ books: asked });
      try {
        const folders = await foldersForSetup(connect(withClientId(latest.current), host).store);
        setSetup({ books: asked, folders });
      } catch (e) {
        setSetup({ books: asked, folders: [], foldersError: plainError(e) });
      }
    },
    [connect, host, withClientId],
  );
  useEffect(() => {
    if (books.length === 0 || syncedOnOpen.current || setup || serverClientId === undefined) return;
    const undecided = undecidedBooks(books, latest.current);
    if (undecided.length) return void openSetup(undecided);
    syncedOnOpen.current = true;
    void sync();
  }, [books, openSetup, serverClientId, setup, sync]);

  const startSyncing = async (pairs: Record<string, PairSettings>) => {
    const next = { ...latest.current, pairs: { ...latest.current.pairs, ...pairs } };
    latest.current = next;
    setSettings(next);
    setSetup(undefined);
    try {
      await saveSettings(host, next);
    } catch (e) {
      return setError(plainError(e));
    }
    syncedOnOpen.current = true;
    void sync();
  };

  usePeriodicSync(() => void sync(), settings.intervalMinutes, Boolean(session));

  const signIn = async (typedUrl: string, typedUser: string, password: string) => {
    const checked = checkServerUrl(typedUrl);
    if ("problem" in checked) return setError(checked.problem);
    const serverUrl = checked.url;
    const username = normalUsername(typedUser);
    setBusy(true);
    setError(undefined);
    try {
      const result = await createServerApi({ baseUrl: serverUrl, fetch }).login(username, password, deviceName());
      const { token, expiresAt, refreshToken, sessionExpiresAt } = result;
      const next: Session = {
        token,
        expiresAt,
        refreshToken,
        sessionExpiresAt,
        username: result.user.username,
        admin: result.user.admin,
      };
      updateSettings({ ...settings, serverUrl, username });
      await saveSession(host, next);
      setSession(next);
    } catch (e) {
      setError(signInError(e, serverUrl));
    } finally {
      setBusy(false);
    }
  };

  const bookName = (id: string) => books.find((b) => b.id === id)?.name ?? id;

  const dark = isDarkColor(host.officeTheme()?.bodyBackgroundColor);
  const accessProblem =
    session && serverClientId !== undefined
      ? outlookAccessProblem(settings, host, effectiveClientId(settings, serverClientId))
      : undefined;
  const syncable = enabledBooks(books, settings).length > 0;

  return (
    <FluentProvider
      theme={dark ? webDarkTheme : webLightTheme}
      style={{ padding: 8, minHeight: "100vh", boxSizing: "border-box" }}
    >
      {!session ? (
        <SignIn
          serverUrl={defaultServerUrl(settings.serverUrl, origin)}
          username={settings.username}
          error={error}
          busy={busy}
          onSignIn={signIn}
        />
      ) : (
        <div style={{ display: "flex", flexDirection: "column", gap: 12 }}>
          <div style={{ display: "flex", justifyContent: "space-between", alignItems: "flex-start", gap: 4 }}>
            <Caption1 style={{ minWidth: 0, overflowWrap: "anywhere" }}>
              {session.username} on {settings.serverUrl}, signed in until{" "}
              {new Date(sessionEnd(session)).toLocaleString()}
            </Caption1>
            <Button
              size="small"
              appearance="subtle"
              style={{ flexShrink: 0 }}
              onClick={() =>
                void api
                  .logout()
                  .catch(() => undefined)
                  .finally(() => signOut())
              }
            >
              Sign out
            </Button>
          </div>
          {accessProblem && (
            <MessageBar intent="warning" data-access-problem>
              <MessageBarBody>{accessProblem}</MessageBarBody>
            </MessageBar>
          )}
          {error && (
            <MessageBar intent="error">
              <MessageBarBody>{error}</MessageBarBody>
            </MessageBar>
          )}
          {setup ? (
            setup.folders ? (
              <SetupView
                books={setup.books}
                allBooks={books}
                folders={setup.folders}
                foldersError={setup.foldersError}
                settings={settings}
                username={session.username}
                onStart={(pairs) => void startSyncing(pairs)}
                onCancel={undecidedBooks(books, settings).length ? undefined : () => setSetup(undefined)}
              />
            ) : (
              <Caption1>Reading your Outlook folders…</Caption1>
            )
          ) : (
            <>
              <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
                <Button appearance="primary" disabled={busy || !syncable} onClick={() => void sync()}>
                  Sync now
                </Button>
                <Button disabled={busy || !syncable} onClick={() => void sync({ dryRun: true })}>
                  Preview
                </Button>
              </div>
              {settings.intervalMinutes > 0 && <Caption1 data-background-note>{backgroundSyncNote}</Caption1>}
              {progress && (
                <SyncProgressView
                  bookName={bookName(progress.bookId)}
                  progress={progress.progress}
                  overall={progress.overall}
                  stopping={stopping}
                  onCancel={() => {
                    stopRequested.current = true;
                    setStopping(true);
                  }}
                />
              )}
              <SyncResults results={results} books={books} />
              <TabList
                size="small"
                selectedValue={tab}
                onTabSelect={(_e, d) => setTab(d.value as "books" | "settings")}
              >
                <Tab value="books">Address books</Tab>
                <Tab value="settings">Settings</Tab>
              </TabList>
              {tab === "books" ? (
                <BookList
                  books={books}
                  admin={session.admin}
                  username={session.username}
                  settings={settings}
                  busy={busy}
                  results={results}
                  onPairChange={(id, pair) => updateSettings({ ...settings, pairs: { ...settings.pairs, [id]: pair } })}
                  onChangeFolder={(id) => void openSetup(books.filter((b) => b.id === id))}
                  onReplace={(id) => void sync({ book: id, mode: "publish", dryRun: true })}
                />
              ) : (
                <SettingsPanel settings={settings} serverClientId={serverClientId} onChange={updateSettings} />
              )}
            </>
          )}
        </div>
      )}
      {confirm?.result.outcome && (
        <ConfirmDeletesDialog
          bookName={bookName(confirm.result.bookId)}
          purpose={confirm.purpose}
          plan={confirm.result.outcome.plan}
          refusals={confirm.result.outcome.refusals}
          onCancel={() => setConfirm(undefined)}
          onConfirm={(confirmedDeletes) => {
            setConfirm(undefined);
            void sync({
              book: confirm.result.bookId,
              confirmedDeletes,
              mode: confirm.purpose === "replace" ? "publish" : undefined,
            });
          }}
        />
      )}
    </FluentProvider>
  );
}
