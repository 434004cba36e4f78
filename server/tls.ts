// Office loads add-in pages over HTTPS only. Without TLS_CERT/TLS_KEY the server
// makes a self-signed certificate for localhost once, in DATA_DIR/tls, and reuses it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import type { Config } from "./config";

export async function tlsCredentials(config: Config, log: (msg: string) => void): Promise<{ cert: string; key: string }> {
  if (config.tls) return { cert: readFileSync(config.tls.certFile, "utf8"), key: readFileSync(config.tls.keyFile, "utf8") };
  const dir = join(config.dataDir, "tls");
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  if (existsSync(certFile) && existsSync(keyFile)) return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
  mkdirSync(dir, { recursive: true });
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 825 * 86_400_000), // the longest lifetime Apple platforms accept
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 2, value: hostname() }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  });
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  log(`generated a self-signed certificate in ${certFile}; see README "Trusting the certificate"`);
  return { cert: pems.cert, key: pems.private };
}
