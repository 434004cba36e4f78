// The task pane: sign in, the books with their Outlook folders, Sync now / Preview, progress, results.
// All Office access comes through `host` (addin/office-host.ts) and the Outlook connection factory.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  Button, Caption1, FluentProvider, MessageBar, MessageBarBody, Tab, TabList, Title3, webLightTheme,
} from "@fluentui/react-components";
import { deviceId as loadDeviceId, type OfficeHost } from "../office-host";
import { createServerApi, type Book } from "../server-api";
import type { ConfirmedDeletes, OutlookConnection, SyncProgress } from "../sync/sync-session";
import { BookList } from "./book-list";
import { ConfirmDeletesDialog, type DeletePurpose } from "./confirm-deletes";
import { chooseOutlookApi, connectOutlook } from "./outlook-connection";
import { loadSession, loadSettings, saveSession, saveSettings, type PairSettings, type PaneSettings, type Session } from "./pane-settings";
import { plainError } from "./plain-words";
import { SettingsPanel } from "./settings-panel";
import { SignIn } from "./sign-in";
import { syncBooks, type BookResult } from "./sync-books";
import { SyncProgressView, SyncResults } from "./sync-results";

export type AppProps = {
  host: OfficeHost;
  fetch?: typeof globalThis.fetch;
  /** Builds the Outlook side; the default picks Graph or EWS from the settings and the host. */
  connect?: (settings: PaneSettings, host: OfficeHost) => OutlookConnection;
  now?: () => Date;
};

const defaultConnect = (settings: PaneSettings, host: OfficeHost) => connectOutlook(chooseOutlookApi(settings.outlookApi, host), settings, host);

export function App({ host, fetch, connect = defaultConnect, now = () => new Date() }: AppProps) {
  const [settings, setSettings] = useState(() => loadSettings(host));
  const [session, setSession] = useState(() => loadSession(host, now()));
  const [books, setBooks] = useState<Book[]>([]);
  const [results, setResults] = useState<BookResult[]>([]);
  const [progress, setProgress] = useState<{ bookId: string; progress: SyncProgress }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirm, setConfirm] = useState<{ result: BookResult; purpose: DeletePurpose }>();
  const [tab, setTab] = useState<"books" | "settings">("books");
  const running = useRef(false);

  const api = useMemo(
    () => createServerApi({ baseUrl: settings.serverUrl || "http://localhost", getToken: () => session?.token, fetch }),
    [settings.serverUrl, session, fetch],
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
    [host],
  );

  type SyncOptions = { dryRun?: boolean; book?: string; mode?: "publish"; confirmedDeletes?: ConfirmedDeletes };
  const sync = useCallback(
    async (options: SyncOptions = {}) => {
      if (!session || running.current || books.length === 0) return;
      running.current = true;
      setBusy(true);
      setError(undefined);
      try {
        const outlook = connect(settings, host);
        const deviceId = await loadDeviceId(host);
        const chosen = options.book ? books.filter((b) => b.id === options.book) : books;
        const run = await syncBooks({
          api, outlook, deviceId, admin: session.admin, username: session.username, books: chosen, allBooks: books, settings, now,
          dryRun: options.dryRun,
          mode: options.mode,
          confirmedDeletes: options.confirmedDeletes,
          onPaired: savePair,
          onProgress: (bookId, p) => setProgress({ bookId, progress: p }),
        });
        setResults((previous) => [...previous.filter((r) => !run.results.some((n) => n.bookId === r.bookId)), ...run.results]);
        // "Replace the GAB" shows what goes before anything is written; a sync refused for its deletes asks.
        const replacing = options.mode === "publish" && options.dryRun ? run.results.find((r) => r.outcome?.kind === "preview") : undefined;
        const asking = run.results.find((r) => r.outcome?.kind === "needs-confirmation");
        if (replacing) setConfirm({ result: replacing, purpose: "replace" });
        else setConfirm(asking && { result: asking, purpose: options.mode === "publish" ? "replace" : "deletes" });
        if (run.sessionExpired) signOut("Your session expired; sign in again");
      } catch (e) {
        setError(plainError(e));
      } finally {
        running.current = false;
        setBusy(false);
        setProgress(undefined);
      }
    },
    [api, books, connect, host, now, savePair, session, settings, signOut],
  );

  // Books load once signed in; the first load syncs (sync on open).
  const syncedOnOpen = useRef(false);
  useEffect(() => {
    if (!session) return;
    api.listBooks().then(setBooks, (e) => (String(e?.kind) === "session-expired" ? signOut(plainError(e)) : setError(plainError(e))));
  }, [api, session, signOut]);
  useEffect(() => {
    if (books.length === 0 || syncedOnOpen.current) return;
    syncedOnOpen.current = true;
    void sync();
  }, [books, sync]);

  useEffect(() => {
    if (!session || settings.intervalMinutes <= 0) return;
    const timer = setInterval(() => void sync(), settings.intervalMinutes * 60_000);
    return () => clearInterval(timer);
  }, [session, settings.intervalMinutes, sync]);

  const signIn = async (serverUrl: string, username: string, password: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await createServerApi({ baseUrl: serverUrl, fetch }).login(username, password);
      const next: Session = { token: result.token, expiresAt: result.expiresAt, username: result.user.username, admin: result.user.admin };
      updateSettings({ ...settings, serverUrl, username });
      await saveSession(host, next);
      setSession(next);
    } catch (e) {
      setError(plainError(e));
    } finally {
      setBusy(false);
    }
  };

  const bookName = (id: string) => books.find((b) => b.id === id)?.name ?? id;

  return (
    <FluentProvider theme={webLightTheme} style={{ padding: 12, minHeight: "100vh", boxSizing: "border-box" }}>
      <Title3 as="h1">Concord</Title3>
      {!session ? (
        <SignIn serverUrl={settings.serverUrl} username={settings.username} error={error} busy={busy} onSignIn={signIn} />
      ) : (
        <div style={{ display: "flex", flexDirection: "column", gap: 12 }}>
          <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
            <Caption1>
              {session.username} on {settings.serverUrl}, signed in until {new Date(session.expiresAt).toLocaleString()}
            </Caption1>
            <Button size="small" appearance="subtle" onClick={() => signOut()}>Sign out</Button>
          </div>
          <div style={{ display: "flex", gap: 8 }}>
            <Button appearance="primary" disabled={busy || books.length === 0} onClick={() => void sync()}>Sync now</Button>
            <Button disabled={busy || books.length === 0} onClick={() => void sync({ dryRun: true })}>Preview (dry run)</Button>
          </div>
          {progress && <SyncProgressView bookName={bookName(progress.bookId)} progress={progress.progress} />}
          {error && (
            <MessageBar intent="error">
              <MessageBarBody>{error}</MessageBarBody>
            </MessageBar>
          )}
          <SyncResults results={results} books={books} />
          <TabList selectedValue={tab} onTabSelect={(_e, d) => setTab(d.value as "books" | "settings")}>
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
              onPairChange={(id, pair) => updateSettings({ ...settings, pairs: { ...settings.pairs, [id]: pair } })}
              onReplace={(id) => void sync({ book: id, mode: "publish", dryRun: true })}
            />
          ) : (
            <SettingsPanel settings={settings} onChange={updateSettings} />
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
            void sync({ book: confirm.result.bookId, confirmedDeletes, mode: confirm.purpose === "replace" ? "publish" : undefined });
          }}
        />
      )}
    </FluentProvider>
  );
}
