// Response headers that harden every answer, and the framing policy for the add-in's pages.
import type { Request, RequestHandler, Response } from "express";

// Office embeds the task pane in an iframe on the web. Microsoft lists the origins that may
// frame a Microsoft 365 app, Outlook's included (MicrosoftDocs/msteams-docs,
// msteams-platform/includes/tabs/content-security-policy-headers.md: Outlook
// outlook.live.com, outlook.office.com, outlook.office365.com; Microsoft 365 *.office.com,
// *.microsoft365.com; every host moving to *.cloud.microsoft). Desktop Outlook shows the
// pane as a top-level page in a WebView, which frame-ancestors does not restrict; 'self'
// covers the add-in's own dialogs. Scripts are not restricted here: office.js loads its own.
export const officeFrameAncestors = [
  "'self'",
  "https://outlook.office.com",
  "https://outlook.office365.com",
  "https://outlook.live.com",
  "https://*.office.com",
  "https://*.office365.com",
  "https://*.microsoft365.com",
  "https://*.cloud.microsoft",
];
export const htmlContentSecurityPolicy = `frame-ancestors ${officeFrameAncestors.join(" ")}; object-src 'none'; base-uri 'self'`;

/** HSTS (the server speaks only HTTPS), no Referer leaving the pane, no MIME sniffing. */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.set({
      "Strict-Transport-Security": "max-age=31536000",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
    });
    next();
  };
}

/** For express.static's setHeaders: HTML pages get the framing policy. */
export function setPageHeaders(res: Response, path: string): void {
  if (/\.html?$/i.test(path)) res.set("Content-Security-Policy", htmlContentSecurityPolicy);
}

/**
 * A browser (fetch and navigation send Sec-Fetch-Mode; a page load asks for HTML) that gets a
 * Basic challenge shows its own password dialog, inside Outlook too, outside the pane's
 * sign-in; such a request is challenged for Bearer only. Scripts and CLI tools still see Basic.
 */
export function authChallenge(req: Request): string {
  const browser =
    req.get("sec-fetch-mode") !== undefined || req.accepts(["application/json", "text/html"]) === "text/html";
  return browser ? 'Bearer realm="Concord"' : 'Bearer, Basic realm="Concord"';
}
