// The add-in reports how each sync of a pair ended (result and counts), so administrators see sync
// activity per user and device (GET /api/admin/sync-activity). A report is about the caller's own
// device: it is kept under their user name, with the device session it came through.
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
      const report = parseOr400(syncReportSchema, req.body);
      const session = req.user!.sessionId;
      await activity.reportSync(req.user!._id, session ? { ...report, session } : report);
      res.status(204).end();
    }),
  );
  return router;
}
