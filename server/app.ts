// The HTTP application. createApp neither listens nor connects: main.ts does
// both, and tests call the app directly.
import express, { type Express } from "express";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { rewriteManifest } from "./addin-manifest";
import type { AppDeps } from "./app-deps";
import { authenticate } from "./auth/authenticate";
import { errorHandler } from "./http/error-handler";
import { notFound } from "./http/errors";
import { handle } from "./http/handle";
import { openApiDocument } from "./http/openapi";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { bookRoutes } from "./routes/books";
import { contactRoutes } from "./routes/contacts";
import { sessionRoutes } from "./routes/sessions";
import { syncStateRoutes } from "./routes/sync-state";

const SAFE_IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/heic", "image/heif"]);
const manifestPath = fileURLToPath(new URL("../manifest.xml", import.meta.url));

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use((req, res, next) => {
    res.set("X-Content-Type-Options", "nosniff");
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.logger.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, user: req.user?._id }, "request");
    });
    next();
  });
  // Query values stay plain strings: `?since[$gt]=` must never become an object.
  app.set("query parser", "simple");
  app.set("trust proxy", deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false); // TRUST_PROXY
  const jsonBody = express.json({ limit: deps.config.maxBodyBytes, strict: true });
  // The sync state is stored as the exact JSON text sent, so its route reads the raw text itself.
  app.use((req, res, next) => (req.path.startsWith("/api/sync-state/") ? next() : jsonBody(req, res, next)));

  app.get(
    "/healthz",
    handle(async (_req, res) => {
      await deps.ping();
      res.json({ status: "ok" });
    }),
  );
  app.get("/api/openapi.json", (_req, res) => void res.json(openApiDocument()));
  app.get("/manifest.xml", (req, res) => {
    const base = deps.config.addinBaseUrl ?? `https://${req.get("host")}`;
    res.type("application/xml").send(rewriteManifest(readFileSync(manifestPath, "utf8"), base));
  });
  app.get("/support", (_req, res) => void res.type("text/plain").send("Concord: ask your administrator, or see the README shipped with the server."));
  if (deps.addinDir) app.use("/", express.static(deps.addinDir, { index: "taskpane.html" }));

  app.use(authRoutes(deps));
  app.use("/api", authenticate({ ...deps, secret: deps.jwtSecret }));
  app.get("/api/me", (req, res) => void res.json({ username: req.user!._id, admin: Boolean(req.user!.admin), primaryBook: req.user!.primaryBook }));
  app.use(adminRoutes(deps));
  app.use(bookRoutes(deps));
  app.use(contactRoutes(deps));
  app.use(syncStateRoutes(deps));
  app.use(sessionRoutes(deps));
  app.get(
    "/api/photos/:hash",
    handle(async (req, res) => {
      const photo = /^[0-9a-f]{64}$/.test(req.params.hash) ? await deps.photos.load(req.params.hash) : null;
      if (!photo) throw notFound("No such photo");
      // The media type came from a client: only raster image types are served as such, and the
      // response may never run as a page on this origin (where the add-in keeps its session).
      const type = SAFE_IMAGE_TYPES.has(photo.mediaType.toLowerCase()) ? photo.mediaType : "application/octet-stream";
      res.set({ "Cache-Control": "private, max-age=31536000, immutable", "Content-Security-Policy": "sandbox; default-src 'none'" }).type(type).send(photo.bytes);
    }),
  );

  app.use((req, _res, next) => next(notFound(`No route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger));
  return app;
}

export const defaultAddinDir = () => join(fileURLToPath(new URL("..", import.meta.url)), "dist", "addin");
