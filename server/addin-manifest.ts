// The committed manifest points at the development server; a deployment serves the add-in from
// ADDIN_BASE_URL instead. webpack (copy-webpack-plugin transform) and the server's /manifest.xml route
// both call this, so the two cannot disagree. It lives in server/ (which must never import addin/);
// addin/build/rewrite-manifest.ts re-exports it for the build.
import { escapeXml } from "../core/formats/xml-escape";

export const developmentBaseUrl = "https://localhost:3443";

// Office add-ins load every page and icon over HTTPS only
// (learn.microsoft.com/office/dev/add-ins/concepts/requirements-for-running-office-add-ins).
export function rewriteManifest(xml: string, baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== "https:") throw new Error(`ADDIN_BASE_URL must be https, got ${baseUrl}`);
  if (url.search || url.hash) throw new Error(`ADDIN_BASE_URL must not have a query or fragment, got ${baseUrl}`);
  const base = url.href.replace(/\/+$/, "");
  return xml.split(developmentBaseUrl).join(escapeXml(base));
}
