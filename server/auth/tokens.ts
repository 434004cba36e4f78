// JWT sessions: HS256 only. Pinning the algorithm on verify is what refuses
// alg=none and algorithm-confusion tokens.
import jwt from "jsonwebtoken";

export type TokenClaims = { sub: string };

export function issueToken(secret: string, username: string, ttlSeconds: number, now: Date) {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const token = jwt.sign({ sub: username, iat, exp }, secret, { algorithm: "HS256", noTimestamp: true });
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The username a token names, or undefined when it is forged, malformed or expired. */
export function verifyToken(secret: string, token: string, now: Date): string | undefined {
  try {
    const claims = jwt.verify(token, secret, { algorithms: ["HS256"], clockTimestamp: Math.floor(now.getTime() / 1000) });
    return typeof claims === "object" && typeof claims.sub === "string" ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}
