// What the pane remembers. Settings roam with the mailbox (Office roaming settings); the server
// session (the JWT) stays in this browser only. The password is never stored.
import { z } from "zod";
import type { OfficeHost } from "../office-host";

export const conflictPolicies = ["server-wins", "outlook-wins", "newest-wins"] as const;

const pairSettingsSchema = z.object({
  /** The Outlook contacts folder the book is paired with, by id: a renamed or moved folder stays
   *  paired, and two folders of one name (every mailbox's "Contacts") are never confused. */
  folderId: z.string().optional(),
  /** Before pairing: the name of the folder to pair with (made when missing). After: its name, for display. */
  folderName: z.string().optional(),
  policy: z.enum(conflictPolicies).default("server-wins"),
  /** Chosen in the setup step: whether the book syncs at all. Unset: the user has not decided yet. */
  enabled: z.boolean().optional(),
});

export const paneSettingsSchema = z.object({
  serverUrl: z.string().default(""),
  username: z.string().default(""),
  /** Sync every N minutes while the pane is open; 0 turns it off. */
  intervalMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
  /** auto: Graph where Nested App Authentication works, EWS elsewhere. */
  outlookApi: z.enum(["auto", "graph", "ews"]).default("auto"),
  /** A per-user override of the Graph client id the server hands out (GET /api/client-config). */
  graphClientId: z.string().default(""),
  pairs: z.record(z.string(), pairSettingsSchema).default({}),
});

/** `refreshToken`: the device session's, renewed on every refresh; with it the session lasts until
 *  `sessionExpiresAt`, however short-lived each access token (`token`, until `expiresAt`) is. */
export const sessionSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  username: z.string(),
  admin: z.boolean(),
  refreshToken: z.string().optional(),
  sessionExpiresAt: z.string().optional(),
});

export type PaneSettings = z.infer<typeof paneSettingsSchema>;
export type PairSettings = z.infer<typeof pairSettingsSchema>;
export type Session = z.infer<typeof sessionSchema>;

const parse = <T>(schema: z.ZodType<T>, text: string | undefined): T | undefined => {
  try {
    const result = schema.safeParse(text === undefined ? undefined : JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
};

export const loadSettings = (host: OfficeHost): PaneSettings =>
  parse(paneSettingsSchema, host.roaming.get("settings")) ?? paneSettingsSchema.parse({});
export const saveSettings = (host: OfficeHost, settings: PaneSettings) =>
  host.roaming.set("settings", JSON.stringify(settings));

/** The remembered session, unless it has expired by `now`. */
export function loadSession(host: OfficeHost, now: Date): Session | undefined {
  const session = parse(sessionSchema, host.local.get("session"));
  return session && Date.parse(sessionEnd(session)) > now.getTime() ? session : undefined;
}
/** Until when the session lasts: its refresh token's lapse, else (an older server) its token's expiry. */
export const sessionEnd = (session: Session) => (session.refreshToken && session.sessionExpiresAt) || session.expiresAt;
export const saveSession = (host: OfficeHost, session: Session | undefined) =>
  host.local.set("session", session && JSON.stringify(session));

export const pairSettingsOf = (settings: PaneSettings, bookId: string): PairSettings =>
  settings.pairs[bookId] ?? { policy: "server-wins" };

/**
 * Whether a book syncs. A pair made before the setup step existed (a folder id, no choice recorded)
 * kept syncing, so it still does; a book nobody decided on never syncs.
 */
export const isEnabled = (pair: PairSettings | undefined): boolean => pair?.enabled ?? pair?.folderId !== undefined;

/** Whether the user has decided on this book (synced or not) in the setup step. */
export const isDecided = (pair: PairSettings | undefined): boolean =>
  pair?.enabled !== undefined || pair?.folderId !== undefined;
