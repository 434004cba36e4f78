/// <reference types="office-js" />
// Everything the pane and the sync session need from Office, behind one small object, so
// office-addin-mock (or a plain stub `Office` global in the browser tests) can stand in for Outlook.
// Nothing else in the add-in reads the `Office` global, except the EWS transport and NAA token source
// it hands out.

/** A string store: Office roaming settings, or the browser's localStorage. */
export type KeyValueStore = {
  get(key: string): string | undefined;
  set(key: string, value: string | undefined): Promise<void>;
};

export type OfficeHost = {
  /** Settings that follow the mailbox to every Outlook the user signs in to. */
  roaming: KeyValueStore;
  /** Settings of this browser only (the server session). */
  local: KeyValueStore;
  /** Whether this Outlook can call EWS (mailbox.makeEwsRequestAsync; absent in new Outlook and on Microsoft 365 without EWS). */
  ewsAvailable(): boolean;
  /** Nested App Authentication needs requirement set NestedAppAuth 1.1 (Graph path). */
  nestedAppAuthSupported(): boolean;
  /** Office's theme (Office.context.officeTheme): the pane follows its background; undefined outside Office. */
  officeTheme(): { bodyBackgroundColor?: string } | undefined;
};

type OfficeLike = {
  context?: {
    roamingSettings?: {
      get(name: string): unknown;
      set(name: string, value: unknown): void;
      remove(name: string): void;
      saveAsync(callback?: (result: { status: unknown; error?: { message?: string } }) => void): void;
    };
    mailbox?: { makeEwsRequestAsync?: unknown };
    officeTheme?: { bodyBackgroundColor?: string };
    requirements?: { isSetSupported(name: string, minVersion?: string): boolean };
  };
};

type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem">;

const prefix = "concord.";

export function createOfficeHost(
  office: OfficeLike | undefined = globalOffice(),
  storage: StorageLike | undefined = globalStorage(),
): OfficeHost {
  const local = storageStore(storage);
  const roamingSettings = office?.context?.roamingSettings;
  return {
    roaming: roamingSettings ? roamingStore(roamingSettings) : local,
    local,
    ewsAvailable: () => typeof office?.context?.mailbox?.makeEwsRequestAsync === "function",
    officeTheme: () => office?.context?.officeTheme,
    nestedAppAuthSupported: () => {
      try {
        return office?.context?.requirements?.isSetSupported("NestedAppAuth", "1.1") === true;
      } catch {
        return false;
      }
    },
  };
}

function roamingStore(settings: NonNullable<NonNullable<OfficeLike["context"]>["roamingSettings"]>): KeyValueStore {
  return {
    get: (key) => {
      const value = settings.get(prefix + key);
      return typeof value === "string" ? value : undefined;
    },
    // Roaming settings live in memory until saveAsync stores them with the mailbox (32 KB in all).
    set: (key, value) =>
      new Promise((resolve, reject) => {
        if (value === undefined) settings.remove(prefix + key);
        else settings.set(prefix + key, value);
        settings.saveAsync((result) => {
          if (String(result.status) === "succeeded") resolve();
          else
            reject(
              new Error(`Outlook could not save the add-in settings: ${result.error?.message ?? "unknown error"}`),
            );
        });
      }),
  };
}

function storageStore(storage: StorageLike | undefined): KeyValueStore {
  const memory = new Map<string, string>();
  return {
    get: (key) => (storage ? (storage.getItem(prefix + key) ?? undefined) : memory.get(key)),
    set: async (key, value) => {
      if (!storage) void (value === undefined ? memory.delete(key) : memory.set(key, value));
      else if (value === undefined) storage.removeItem(prefix + key);
      else storage.setItem(prefix + key, value);
    },
  };
}

function globalOffice(): OfficeLike | undefined {
  return typeof Office === "undefined" ? undefined : (Office as unknown as OfficeLike);
}

function globalStorage(): StorageLike | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    // Storage access can throw in sandboxed frames.
    return undefined;
  }
}

/** A stable id for this mailbox's sync states; kept in roaming settings so every Outlook of the mailbox shares it. */
export async function deviceId(host: OfficeHost, newId: () => string = () => crypto.randomUUID()): Promise<string> {
  const known = host.roaming.get("deviceId");
  if (known) return known;
  const id = newId();
  await host.roaming.set("deviceId", id);
  return id;
}

/**
 * TEST ONLY. The browser end-to-end test sets `window.__concordTestHooks` before the pane loads, to
 * point the Graph store at a fake Graph with a fixed token instead of signing in through NAA. Read
 * only when present; production never sets it.
 */
export type TestHooks = { graphToken?: string; graphBaseUrl?: string };

export function testHooks(): TestHooks | undefined {
  const hooks = (globalThis as { __concordTestHooks?: unknown }).__concordTestHooks;
  return hooks && typeof hooks === "object" ? (hooks as TestHooks) : undefined;
}

/** Whether a CSS hex colour (#rgb or #rrggbb) is dark: the pane then uses the dark theme. */
export function isDarkColor(color: string | undefined): boolean {
  const hex = color?.trim().replace(/^#/, "") ?? "";
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex;
  if (!/^[0-9a-f]{6}$/i.test(full)) return false;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
  // Relative luminance (WCAG), without the gamma step: close enough to tell dark from light.
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! < 0.5;
}
