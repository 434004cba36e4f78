// The one import service of an app: the routes, the resume pass and the daily pass share it.
import type { AppDeps } from "../app-deps";
import { createImportService, type ImportService } from "./service";

export { createImportService, type ImportService, type ImportServiceDeps } from "./service";
export { exportBook } from "./export";

type Deps = Pick<AppDeps, "store" | "imports" | "photos" | "clock" | "config" | "logger">;
const services = new WeakMap<Deps, ImportService>();

export function importServiceFor(deps: Deps): ImportService {
  let service = services.get(deps);
  if (!service) {
    service = createImportService({
      contacts: deps.store,
      imports: deps.imports,
      photos: deps.photos,
      clock: deps.clock,
      config: deps.config,
      onError: (err, id) => deps.logger.error({ err, import: id }, "an import job failed"),
    });
    services.set(deps, service);
  }
  return service;
}

/** Every `everyMs`: carries on jobs whose runner stopped (a crash, a restart); first at once. */
export function startImportResumer(deps: Deps, everyMs = 10_000): () => void {
  const service = importServiceFor(deps);
  const pass = () =>
    void service.resumeStalled().catch((err) => deps.logger.warn({ err }, "resuming import jobs failed"));
  pass();
  const timer = setInterval(pass, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
