/// <reference types="office-js" />
// Graph tokens for the task pane through Nested App Authentication: Outlook signs the user in and
// MSAL asks the host for a token, so no sign-in page of our own.
// https://learn.microsoft.com/office/dev/add-ins/develop/enable-nested-app-authentication-in-your-add-in
// The app registration needs the SPA redirect URI brk-multihub://<add-in domain> and the delegated
// permission Contacts.ReadWrite.
import { createNestablePublicClientApplication, type IPublicClientApplication } from "@azure/msal-browser";

export const graphScopes = ["Contacts.ReadWrite"];

export type GraphAuthOptions = {
  /** The Entra ID application (client) id of the Concord registration. */
  clientId: string;
  authority?: string;
};

/** NAA needs requirement set NestedAppAuth 1.1; older clients take the EWS path instead. */
export const nestedAppAuthSupported = () => Office.context.requirements.isSetSupported("NestedAppAuth", "1.1");

/** A `getToken` for createGraphStore: silent first, a popup only when consent or MFA is needed. */
export function createGraphTokenSource({
  clientId,
  authority = "https://login.microsoftonline.com/common",
}: GraphAuthOptions): () => Promise<string> {
  let pca: Promise<IPublicClientApplication> | undefined;
  return async () => {
    pca ??= createNestablePublicClientApplication({ auth: { clientId, authority } });
    const app = await pca;
    try {
      return (await app.acquireTokenSilent({ scopes: graphScopes })).accessToken;
    } catch {
      return (await app.acquireTokenPopup({ scopes: graphScopes })).accessToken;
    }
  };
}
