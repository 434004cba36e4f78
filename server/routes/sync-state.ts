import express, { Router } from "express";
import type { AppDeps } from "../app-deps";
import { badRequest, HttpError, notFound } from "../http/errors";
import { etagOf, quoted } from "../http/etag";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { pairClaimSchema, pathIdSchema } from "../http/api-schemas";
import { z } from "zod";
import { MAX_SYNC_STATE_BYTES } from "../store/sync-states";

const holderQuerySchema = z.strictObject({ holder: pairClaimSchema.shape.holder });

export function syncStateRoutes({ syncStates, pairClaims, config }: AppDeps): Router {
  const router = Router();
  // The state is opaque: kept as the exact JSON text the client sent.
  const jsonText = express.text({ type: "application/json", limit: MAX_SYNC_STATE_BYTES });
  const params = (p: Record<string, string>) => ({
    device: parseOr400(pathIdSchema, p.device, "device"),
    pair: parseOr400(pathIdSchema, p.pair, "pair"),
  });

  router.get(
    "/api/sync-state/:device/:pair",
    handle(async (req, res) => {
      const { device, pair } = params(req.params);
      const state = await syncStates.get(req.user!._id, device, pair);
      if (!state) throw notFound("No sync state saved for this device and pair");
      res.set("ETag", quoted(state.etag)).type("application/json").send(state.json);
    }),
  );

  router.put(
    "/api/sync-state/:device/:pair",
    jsonText,
    handle(async (req, res) => {
      const { device, pair } = params(req.params);
      if (typeof req.body !== "string") throw badRequest("Send the sync state as application/json");
      try {
        JSON.parse(req.body);
      } catch {
        throw new HttpError(400, "malformed-json", "The request body is not valid JSON");
      }
      const { etag } = await syncStates.put(req.user!._id, device, pair, req.body, {
        ifMatch: etagOf(req.get("if-match")),
        ifNoneMatch: etagOf(req.get("if-none-match")) === "*",
      });
      res.set("ETag", quoted(etag)).json({ etag });
    }),
  );
  // Forgets a device's state (an Outlook no longer used), freeing its place in the user's device
  // and byte quotas, so a user at the device limit can make room.
  router.delete(
    "/api/sync-state/:device/:pair",
    handle(async (req, res) => {
      const { device, pair } = params(req.params);
      await syncStates.delete(req.user!._id, device, pair, { ifMatch: etagOf(req.get("if-match")) });
      res.status(204).end();
    }),
  );
  // The sync-state paths skip the app's JSON parser (the state is kept as raw text), so the claim parses its own.
  router.post(
    "/api/sync-state/:device/:pair/claim",
    express.json({ limit: config.maxBodyBytes, strict: true }),
    handle(async (req, res) => {
      const { device, pair } = params(req.params);
      const { holder, seconds } = parseOr400(pairClaimSchema, req.body);
      const claim = await pairClaims.claim(req.user!._id, device, pair, holder, seconds);
      res.json({ holder: claim.holder, until: claim.until.toISOString() });
    }),
  );

  router.delete(
    "/api/sync-state/:device/:pair/claim",
    handle(async (req, res) => {
      const { device, pair } = params(req.params);
      const { holder } = parseOr400(holderQuerySchema, req.query, "query");
      await pairClaims.release(req.user!._id, device, pair, holder);
      res.status(204).end();
    }),
  );
  return router;
}
