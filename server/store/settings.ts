// The JWT signing secret: JWT_SECRET, else a random one kept in DATA_DIR/jwt-secret (0600). It is
// not kept in the database, where anything that can read the database could forge sessions. Several
// instances behind a load balancer must share it: set JWT_SECRET (or share the file) there.
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Models } from "../db/models";

/** Where the generated secret lives. */
export const jwtSecretFile = (dataDir: string) => join(dataDir, "jwt-secret");

function readSecret(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Writes the secret unless another process wrote one first; returns the one on disk. */
function writeSecretOnce(file: string, secret: string): string {
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return readSecret(file) ?? secret;
  }
}

export async function jwtSecret(models: Models, configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = jwtSecretFile(dataDir);
  // Older versions kept the secret in the database: move it to the file, so sessions survive the upgrade.
  const legacy = await models.Setting.findById("jwtSecret").lean();
  const secret = readSecret(file) ?? writeSecretOnce(file, legacy?.value ?? randomBytes(48).toString("base64url"));
  chmodSync(file, 0o600);
  if (legacy) await models.Setting.deleteOne({ _id: "jwtSecret" });
  return secret;
}
