// The HTTP application. createApp neither listens nor connects: main.ts does
// both, and tests call the app directly.
import express, { type Express } from "express";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AppDeps } from "./app-deps";
import { authenticate } from "./auth/authenticate";
import { errorHandler } from "./http/error-handler";
import { notFound } from "./http/errors";
import { handle } from "./http/handle";
import { jsonBodies, jsonBody, SMALL_BODY_BYTES } from "./http/json-body";
import { manifestRoute } from "./http/manifest";
import { openApiDocument } from "./http/openapi";
import { methodNotAllowed, refuseForms } from "./http/request-shape";
import { securityHeaders, setPageHeaders } from "./http/security-headers";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { bookRoutes } from "./routes/books";
import { bookAdminRoutes } from "./routes/book-admin";
import { contactRoutes } from "./routes/contacts";
import { deletedRoutes } from "./routes/deleted";
import { exportRoutes } from "./routes/export";
import { acceptsFormUpload, importRoutes } from "./routes/imports";
import { searchRoutes } from "./routes/search";
import { sessionRoutes } from "./routes/sessions";
import { syncStateRoutes } from "./routes/sync-state";
import { syncReportRoutes } from "./routes/sync-reports";
import { fromRoot } from "./paths";

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeaders());
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.logger.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          user: req.user?._id,
        },
        "request",
      );
    });
    next();
  });
  // Query values stay plain strings: `?since[$gt]=` must never become an object.
  app.set("query parser", "simple");
  app.set("trust proxy", deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false); // TRUST_PROXY
  app.use(refuseForms(acceptsFormUpload));

  app.get(
    "/healthz",
    handle(async (_req, res) => {
      await deps.ping();
      res.json({ status: "ok" });
    }),
  );
  app.get("/api/openapi.json", (_req, res) => void res.json(openApiDocument()));
  app.get("/manifest.xml", manifestRoute(deps.config, deps.logger));
  app.get("/api/client-config", (_req, res) => void res.json({ graphClientId: deps.config.graphClientId ?? null }));
  app.get(
    "/support",
    (_req, res) =>
      void res.type("text/plain").send("Concord: ask your administrator, or see the README shipped with the server."),
  );
  if (deps.addinDir) serveWebApp(app, deps.addinDir);

  // Bodies are read after authentication: an anonymous caller cannot make the server parse 16 MiB.
  app.use("/api/auth", jsonBody(SMALL_BODY_BYTES));
  app.use(authRoutes(deps));
  app.use(
    "/api",
    authenticate({
      accounts: deps.accounts,
      sessions: deps.sessions,
      secret: deps.jwtSecret,
      clock: deps.clock,
      limiter: deps.limiter,
    }),
  );
  const bodies = jsonBodies(deps.config);
  // The sync state is stored as the exact JSON text sent, so its route reads the raw text itself.
  app.use((req, res, next) => (req.path.startsWith("/api/sync-state/") ? next() : bodies(req, res, next)));
  app.get(
    "/api/me",
    (req, res) =>
      void res.json({ username: req.user!._id, admin: Boolean(req.user!.admin), primaryBook: req.user!.primaryBook }),
  );
  app.use(adminRoutes(deps));
  app.use(bookRoutes(deps));
  app.use(bookAdminRoutes(deps));
  app.use(contactRoutes(deps));
  app.use(deletedRoutes(deps));
  app.use(searchRoutes(deps));
  app.use(syncStateRoutes(deps));
  app.use(importRoutes(deps));
  app.use(exportRoutes(deps));
  app.use(sessionRoutes(deps));
  app.use(syncReportRoutes(deps));

  app.use(methodNotAllowed(app));
  app.use((req, _res, next) => next(notFound(`No route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * The built pages: Concord Web's index.html at `/` and at each of its deep links (a book, a contact, an
 * admin page), the task pane at /taskpane.html where the manifest points; a build without the web app
 * (looked for when the app is created) keeps serving the pane at `/`.
 */
function serveWebApp(app: Express, dir: string): void {
  const webPage = join(dir, "index.html");
  if (existsSync(webPage))
    app.get(["/books", "/books/*", "/admin", "/admin/*"], (_req, res) => {
      setPageHeaders(res, webPage);
      res.sendFile(webPage);
    });
  app.use("/", express.static(dir, { index: ["index.html", "taskpane.html"], setHeaders: setPageHeaders }));
}

export const defaultAddinDir = () => fromRoot("dist", "addin");
