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
    if (!host.ewsAvailable()) throw new Error("This Outlook cannot reach Exchange Web Services. Choose Microsoft Graph in Settings.");
    return { store: createEwsContactStore({ transport: officeEwsTransport() }), codec: ewsCodec };
  }
  const hooks = testHooks();
  if (hooks?.graphToken) {
    const token = hooks.graphToken;
    return { store: createGraphStore({ getToken: async () => token, baseUrl: hooks.graphBaseUrl }), codec: graphCodec };
  }
  if (!settings.graphClientId.trim()) throw new Error("Enter the Graph client id in Settings (ask your administrator), or choose EWS.");
  return { store: createGraphStore({ getToken: createGraphTokenSource({ clientId: settings.graphClientId.trim() }) }), codec: graphCodec };
}
