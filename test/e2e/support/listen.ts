// Real HTTP listeners on 127.0.0.1 for the e2e tests, closed together at the end.
import type { RequestListener, Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";

export type Listeners = { listen(handler: RequestListener): Promise<string>; closeAll(): Promise<void> };

export function listeners(): Listeners {
  const servers: Server[] = [];
  return {
    async listen(handler) {
      const server = createServer(handler);
      // Keep-alive sockets of the fetch client would otherwise hold close() open.
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async closeAll() {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

/**
 * Microsoft Graph answers browser calls with CORS (https://learn.microsoft.com/graph/resolve-auth-errors,
 * SPAs call it cross-origin); the fake does not, so the pane's calls to it go through this layer.
 * Preflights are answered here and never reach the fake's request log.
 */
export function withCors(app: Express): Express {
  const outer = express();
  outer.use((req, res, next) => {
    res.set("Access-Control-Allow-Origin", req.get("origin") ?? "*");
    res.set("Access-Control-Expose-Headers", "Preference-Applied, Retry-After, ETag");
    if (req.method !== "OPTIONS") return next();
    res.set("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE");
    res.set(
      "Access-Control-Allow-Headers",
      req.get("access-control-request-headers") ?? "authorization, content-type, prefer, if-match",
    );
    res.set("Access-Control-Max-Age", "600");
    res.status(204).end();
  });
  outer.use(app);
  return outer;
}
