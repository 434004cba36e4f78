// Office loads add-in pages over HTTPS only. Without TLS_CERT/TLS_KEY the server makes a
// self-signed certificate once, in DATA_DIR/tls, for the names in TLS_HOSTNAMES (default:
// localhost, this machine's host name and its LAN addresses), and reuses it while it covers them.
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createPlainServer, type Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { isIP, createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import type { Config } from "./config";

/** The names clients reach this server by: TLS_HOSTNAMES, or localhost, the host name and the LAN addresses. */
export function serverNames(config: Pick<Config, "tlsHostnames">): string[] {
  if (config.tlsHostnames?.length) return config.tlsHostnames.map((n) => n.toLowerCase());
  const lan = Object.values(networkInterfaces()).flatMap((addrs) =>
    (addrs ?? []).map((a) => a.address.replace(/%.*$/, "")),
  );
  return [...new Set(["localhost", hostname().toLowerCase(), "127.0.0.1", "::1", ...lan])];
}

export async function tlsCredentials(
  config: Config,
  log: (msg: string) => void,
): Promise<{ cert: string; key: string }> {
  if (config.tls)
    return { cert: readFileSync(config.tls.certFile, "utf8"), key: readFileSync(config.tls.keyFile, "utf8") };
  const dir = join(config.dataDir, "tls");
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const names = serverNames(config);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, "utf8");
    const missing = names.filter((n) => !coveredBy(cert, n));
    if (missing.length === 0) return { cert, key: readFileSync(keyFile, "utf8") };
    log(
      `the certificate in ${certFile} does not cover ${missing.join(", ")}: generating a new one (clients must trust it again)`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: names.find((n) => !isIP(n)) ?? "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 825 * 86_400_000), // the longest lifetime Apple platforms accept
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    ],
  });
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  log(
    `generated a self-signed certificate for ${names.join(", ")} in ${certFile}; see README "Trusting the certificate"`,
  );
  return { cert: pems.cert, key: pems.private };
}

function coveredBy(pem: string, name: string): boolean {
  try {
    const cert = new X509Certificate(pem);
    return Boolean(isIP(name) ? cert.checkIP(name) : cert.checkHost(name));
  } catch {
    return false;
  }
}

/** The HTTPS server on one port, and a plain answer for `http://` requests to that port (a TLS
 *  handshake starts with byte 0x16; an HTTP request with a letter), instead of a dropped connection. */
export function withPlainHttpNotice(https: HttpsServer): { front: TcpServer; close: () => Promise<void> } {
  const notice: HttpServer = createPlainServer((req, res) => {
    const host = /^[a-z0-9.:[\]-]+$/i.test(req.headers.host ?? "") ? req.headers.host : undefined;
    const where = host ? `https://${host}${req.url?.startsWith("/") ? req.url : "/"}` : "https:// on this port";
    res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
    res.end(`Concord speaks HTTPS only: use ${where}\n`);
  });
  const front = createTcpServer({ pauseOnConnect: true }, (socket: Socket) => {
    socket.once("readable", () => {
      const first: Buffer | null = socket.read(1);
      if (!first) return void socket.destroy();
      socket.unshift(first);
      (first[0] === 0x16 ? https : notice).emit("connection", socket);
      socket.resume();
    });
    socket.on("error", () => socket.destroy());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      // Requests in flight finish; idle keep-alive connections go now, and any left after 10 s too.
      const force = setTimeout(() => (https.closeAllConnections(), notice.closeAllConnections()), 10_000);
      front.close(() => (clearTimeout(force), resolve()));
      https.close();
      notice.close();
      https.closeIdleConnections();
    });
  return { front, close };
}
