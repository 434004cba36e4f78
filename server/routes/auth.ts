import { Router } from "express";
import type { AppDeps } from "../app-deps";
import { verifyCredentials } from "../auth/authenticate";
import { issueToken } from "../auth/tokens";
import { handle } from "../http/handle";
import { parseOr400 } from "../http/validate";
import { loginSchema } from "../http/api-schemas";

export function authRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post(
    "/api/auth/login",
    handle(async (req, res) => {
      const { username, password } = parseOr400(loginSchema, req.body);
      const user = await verifyCredentials({ ...deps, secret: deps.jwtSecret }, username, password, req.ip ?? "");
      const { token, expiresAt } = issueToken(
        deps.jwtSecret,
        user._id,
        user.tokenVersion ?? 0,
        deps.config.tokenTtlSeconds,
        deps.clock(),
      );
      res.json({ token, expiresAt, user: await deps.accounts.findUser(user._id) });
    }),
  );
  return router;
}
