// Who writes and through which surface, for the audit log: the signed-in user, and the surface
// the client names in `X-Concord-Client: <surface>/<version>` (the add-in sends
// `outlook-addin/<version>`); anything else over REST is "rest".
import type { Request } from "express";
import { SURFACES, type Surface, type WriteContext } from "../store/contract";

const CLIENT_SURFACES = new Set<string>(SURFACES.filter((s) => s === "outlook-addin" || s === "web"));

export function writeContextOf(req: Request): WriteContext {
  const named = (req.get("x-concord-client") ?? "").split("/")[0].trim().toLowerCase();
  // Only surfaces that are REST clients may name themselves; server-side surfaces (import,
  // CardDAV, ...) set their own context and cannot be claimed from outside.
  const surface: Surface = CLIENT_SURFACES.has(named) ? (named as Surface) : "rest";
  return { user: req.user!._id, surface };
}
