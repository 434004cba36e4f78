// `npm start` as an operator runs it: a real process, HTTPS, the embedded database, SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, existsSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

describe("server process (server/main.ts)", function () {
  this.timeout(120_000);

  it("serves HTTPS on the embedded database with a generated certificate, and stops cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "concord-main-"));
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", ADMIN_PASSWORD: "first-admin-pw", LOG_LEVEL: "info", CONCORD_SKIP_ADDIN_BUILD: "1", MONGODB_URI: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (c) => (output += c));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (c) => {
        output += c;
        const m = /"port":(\d+)/.exec(output);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
    });

    assert.deepEqual(await httpsGet(`https://127.0.0.1:${port}/healthz`), { status: 200, body: '{"status":"ok"}' });
    assert.ok(existsSync(join(dataDir, "tls", "cert.pem")), "a self-signed certificate was generated into DATA_DIR");
    assert.match((await httpsGet(`https://127.0.0.1:${port}/manifest.xml`)).body, /<OfficeApp/);

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.match(output, /stopped/);
    assert.ok(!existsSync(join(dataDir, "ferretdb.uri")), "the embedded database was stopped");
  });
});
