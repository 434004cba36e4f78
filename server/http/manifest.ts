// GET /manifest.xml: the add-in manifest with every URL under the server's public address.
// ADDIN_BASE_URL is that address whenever it is set. Without it the request's Host header
// stands in, and then only a name this server answers to (TLS_HOSTNAMES or its defaults) is
// accepted: the manifest must never point Outlook at a host an attacker chose.
import type { RequestHandler } from "express";
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { rewriteManifest } from "../addin-manifest";
import type { Config } from "../config";
import { serverNames } from "../tls";
import { badRequest } from "./errors";
import { fromRoot } from "../paths";

const manifestPath = fromRoot("manifest.xml");
const LOCAL = new Set(["localhost", "127.0.0.1", "::1"]);
export const LOCALHOST_WARNING =
  '199 concord "ADDIN_BASE_URL is not set: this manifest points at localhost, which only this machine can reach"';

/** The manifest's <Version>, set at build time from ADDIN_VERSION. */
export const withVersion = (xml: string, version: string | undefined) =>
  version ? xml.replace(/<Version>[^<]*<\/Version>/, `<Version>${version}</Version>`) : xml;

/** The host name of a Host header (brackets of an IPv6 literal dropped), or undefined when malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host || !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(host)) return undefined;
  try {
    return new URL(`https://${host}`).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return undefined;
  }
}

export function manifestRoute(config: Config, logger: Logger): RequestHandler {
  const template = readFileSync(manifestPath, "utf8");
  const allowed = new Set(serverNames(config));
  if (config.addinBaseUrl) allowed.add(new URL(config.addinBaseUrl).hostname.replace(/^\[|\]$/g, "").toLowerCase());
  return (req, res, next) => {
    let base = config.addinBaseUrl;
    if (!base) {
      const name = hostnameOf(req.get("host"));
      if (!name || !allowed.has(name)) {
        return next(
          badRequest(
            `This server does not answer to the host ${JSON.stringify(req.get("host") ?? "")}; set ADDIN_BASE_URL or TLS_HOSTNAMES`,
          ),
        );
      }
      base = `https://${req.get("host")}`;
      if (LOCAL.has(name)) {
        res.set("Warning", LOCALHOST_WARNING);
        logger.warn(
          "served /manifest.xml for localhost: set ADDIN_BASE_URL to the address Outlook clients reach this server by",
        );
      }
    }
    res.type("application/xml").send(withVersion(rewriteManifest(template, base), config.addinVersion));
  };
}
