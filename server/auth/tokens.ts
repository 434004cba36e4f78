// JWT sessions: HS256 only. Pinning the algorithm on verify is what refuses
// alg=none and algorithm-confusion tokens. Every token carries iat, exp and the
// user's token version (`tv`); a token without exp or tv is refused, and one whose
// version is not the user's current one (bumped by a password change, a disable or
// a delete) is refused by authenticate. A token issued for a device session names it (`sid`):
// when that session ends (signed out, revoked, its refresh token reused) the token ends with it.
import jwt from "jsonwebtoken";

export type TokenClaims = { sub: string; tv: number; sid?: string };

export function issueToken(
  secret: string,
  username: string,
  tokenVersion: number,
  ttlSeconds: number,
  now: Date,
  sessionId?: string,
) {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const claims = { sub: username, tv: tokenVersion, iat, exp, ...(sessionId ? { sid: sessionId } : {}) };
  const token = jwt.sign(claims, secret, { algorithm: "HS256" });
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The claims of a valid token, or undefined when it is forged, malformed, expired or lacks exp. */
export function verifyToken(secret: string, token: string, now: Date): TokenClaims | undefined {
  try {
    const claims = jwt.verify(token, secret, {
      algorithms: ["HS256"],
      clockTimestamp: Math.floor(now.getTime() / 1000),
    });
    if (typeof claims !== "object" || typeof claims.sub !== "string") return undefined;
    if (typeof claims.exp !== "number" || typeof claims.iat !== "number" || !Number.isInteger(claims.tv))
      return undefined;
    if (claims.sid !== undefined && typeof claims.sid !== "string") return undefined;
    return { sub: claims.sub, tv: claims.tv, ...(claims.sid ? { sid: claims.sid } : {}) };
  } catch {
    return undefined;
  }
}
