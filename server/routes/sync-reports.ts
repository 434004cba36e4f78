// The add-in reports how each sync of a pair ended (result and counts), so administrators see sync
// activity per user and device (GET /api/admin/sync-activity). A report is about the caller's own
// device: it is kept under their user name.
import { Router } from "express";
import { syncReportSchema } from "../../core/api/schemas";
import type { AppDeps } from "../app-deps";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";

export function syncReportRoutes({ activity }: AppDeps): Router {
  const router = Router();
  router.post(
    "/api/sync-reports",
    handle(async (req, res) => {
      await activity.reportSync(req.user!._id, parseOr400(syncReportSchema, req.body));
      res.status(204).end();
    }),
  );
  return router;
}
