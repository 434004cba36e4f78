// Picks and builds the Outlook side: Microsoft Graph (with Nested App Authentication) or EWS.
import { createEwsContactStore } from "../outlook/ews-store";
import { officeEwsTransport } from "../outlook/ews-transport";
import { createGraphTokenSource } from "../outlook/graph-auth";
import { createGraphStore } from "../outlook/graph-store";
import { testHooks, type OfficeHost } from "../office-host";
import { ewsCodec, graphCodec } from "../sync/outlook-codec";
import type { OutlookConnection } from "../sync/sync-session";
import type { PaneSettings } from "./pane-settings";

export type OutlookApi = "graph" | "ews";

/** The setting wins; otherwise Graph where NAA is supported (Microsoft 365), else EWS (Exchange on-premises). */
export function chooseOutlookApi(setting: PaneSettings["outlookApi"], host: OfficeHost): OutlookApi {
  if (setting !== "auto") return setting;
  return host.nestedAppAuthSupported() || testHooks()?.graphToken ? "graph" : "ews";
}

export function connectOutlook(api: OutlookApi, settings: PaneSettings, host: OfficeHost): OutlookConnection {
  if (api === "ews") {
    if (!host.ewsAvailable())
      throw new Error("This Outlook cannot reach Exchange Web Services. Choose Microsoft Graph in Settings.");
    return { store: createEwsContactStore({ transport: officeEwsTransport() }), codec: ewsCodec };
  }
  const hooks = testHooks();
  if (hooks?.graphToken) {
    const token = hooks.graphToken;
    return { store: createGraphStore({ getToken: async () => token, baseUrl: hooks.graphBaseUrl }), codec: graphCodec };
  }
  if (!settings.graphClientId.trim()) throw new Error(noClientIdText);
  return {
    store: createGraphStore({ getToken: createGraphTokenSource({ clientId: settings.graphClientId.trim() }) }),
    codec: graphCodec,
  };
}

/** The client id the pane uses: the user's override in Settings, else the one the server hands out. */
export const effectiveClientId = (settings: PaneSettings, fromServer: string | null | undefined): string =>
  settings.graphClientId.trim() || fromServer?.trim() || "";

const noClientIdText =
  "Concord has no Microsoft Graph client id. Your IT must register Concord in Microsoft Entra ID (Contacts.ReadWrite, " +
  "with Nested App Authentication) and set GRAPH_CLIENT_ID on the Concord server; or choose EWS in Settings.";

/**
 * What stops this Outlook reaching the user's contacts, in words for the user to pass to IT, or
 * undefined when a way is open.
 */
export function outlookAccessProblem(settings: PaneSettings, host: OfficeHost, clientId: string): string | undefined {
  const api = chooseOutlookApi(settings.outlookApi, host);
  if (api === "graph") return clientId || testHooks()?.graphToken ? undefined : noClientIdText;
  if (host.ewsAvailable()) return undefined;
  return (
    "This Outlook offers neither Nested App Authentication (for Microsoft Graph) nor Exchange Web Services. " +
    "On Microsoft 365 your IT must allow Nested App Authentication for Concord's Entra ID app; or use Outlook on the web."
  );
}
