// `npm start` as an operator runs it: a real process, HTTPS, the embedded database, SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { request } from "node:https";
import { get as plainGet } from "node:http";
import { join } from "node:path";
import { scratchDir } from "../support/scratch-dir";
import { INLINE_BYTES } from "../../server/imports/analyze-worker";

/** A request over HTTPS to the server's self-signed certificate; its status and body as text. */
function httpsRequest(
  url: string,
  {
    method = "GET",
    token,
    body,
    type = "application/json",
  }: { method?: string; token?: string; body?: unknown; type?: string } = {},
): Promise<{ status: number; body: string }> {
  const payload =
    body === undefined ? undefined : type === "application/json" ? JSON.stringify(body) : (body as Buffer);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        rejectUnauthorized: false,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload === undefined ? {} : { "content-type": type }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const httpsGet = (url: string) => httpsRequest(url);

/** A JSON request over HTTPS; its status and parsed answer. */
async function httpsJson(url: string, method: string, token: string | undefined, body: unknown, type?: string) {
  const res = await httpsRequest(url, { method, token, body, type });
  return { status: res.status, json: (res.body ? JSON.parse(res.body) : {}) as Record<string, unknown> };
}

const serverEnv = (dataDir: string, port: number | string) => ({
  ...process.env,
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST: "127.0.0.1",
  ADMIN_PASSWORD: "first-admin-pw",
  LOG_LEVEL: "info",
  CONCORD_SKIP_ADDIN_BUILD: "1",
  MONGODB_URI: "",
});

/** Starts `npm start` as an operator (or systemd, or Docker) does, and resolves with its port once it listens. */
async function npmStart(dataDir: string) {
  const child = spawn("npm", ["start"], { env: serverEnv(dataDir, 0), stdio: ["ignore", "pipe", "pipe"] });
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
  return { child, port, output: () => output };
}

/** Whether a TCP port on loopback, or a Unix socket (the embedded database's), takes connections. */
const accepts = (where: number | string) =>
  new Promise<boolean>((resolve) => {
    const socket = typeof where === "number" ? connect(where, "127.0.0.1") : connect({ path: where });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    plainGet(url, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

describe("server process (server/main.ts)", function () {
  this.timeout(120_000);

  it("serves HTTPS on the embedded database with a generated certificate, answers http:// on that port with a clear 400, and stops cleanly on SIGTERM", async () => {
    const dataDir = scratchDir("concord-main-");
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        ADMIN_PASSWORD: "first-admin-pw",
        LOG_LEVEL: "info",
        CONCORD_SKIP_ADDIN_BUILD: "1",
        MONGODB_URI: "",
      },
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
    const plain = await httpGet(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual(plain, {
      status: 400,
      body: `Concord speaks HTTPS only: use https://127.0.0.1:${port}/healthz\n`,
    });

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.match(output, /stopped/);
    assert.ok(!existsSync(join(dataDir, "ferretdb.uri")), "the embedded database was stopped");
  });

  for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
    const how = signal === "SIGKILL" ? "is killed outright (the server is orphaned)" : `gets ${signal}`;
    it(`stops the server and the embedded database when npm start ${how}`, async () => {
      const dataDir = scratchDir("concord-npm-");
      const { child, port, output } = await npmStart(dataDir);
      // The embedded database listens on a Unix socket: mongodb://<percent-encoded path>/
      const uri = readFileSync(join(dataDir, "ferretdb.uri"), "utf8").trim();
      const databasePort = decodeURIComponent(uri.slice("mongodb://".length).replace(/\/.*$/, ""));
      assert.ok(await accepts(databasePort), "the embedded database is running");
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill(signal); // the npm process itself, as `systemctl stop` or `docker stop` signals it
      await exited;
      // Whatever npm answers, what matters is that nothing is left running.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && ((await accepts(port)) || (await accepts(databasePort))))
        await new Promise((r) => setTimeout(r, 200));
      assert.equal(await accepts(port), false, `the HTTPS server still listens: ${output()}`);
      assert.equal(await accepts(databasePort), false, "the embedded database still runs");
      assert.ok(!existsSync(join(dataDir, "ferretdb.uri")), "the database's address was withdrawn");
    });
  }

  it("runs npm start's bundled server, which reads an upload past 2 MiB on its own worker thread and imports it", async () => {
    const dataDir = scratchDir("concord-bundle-");
    const { child, port } = await npmStart(dataDir);
    try {
      const base = `https://127.0.0.1:${port}`;
      const login = await httpsJson(`${base}/api/auth/login`, "POST", undefined, {
        username: "admin",
        password: "first-admin-pw",
      });
      const token = login.json.token as string;
      const book = (await httpsJson(`${base}/api/books`, "POST", token, { name: "Imported" })).json.id as string;
      // Past INLINE_BYTES (2 MiB), the upload's summary is read on a worker: the bundle's own
      // dist/server/analyze-worker.mjs, not TypeScript under tsx. The running import reads the CSV
      // on the server's thread, its bytes held compressed.
      const rows = 12_000;
      const lines = Array.from(
        { length: rows },
        (_, i) => `Person ${i},Example,person${i}@example.com,${"Lives on a long street. ".repeat(8)}`,
      );
      const csv = Buffer.from(`First Name,Last Name,E-mail Address,Notes\n${lines.join("\n")}\n`);
      assert.ok(csv.length > INLINE_BYTES);
      const upload = await httpsJson(`${base}/api/books/${book}/imports`, "POST", token, csv, "text/csv");
      assert.equal(upload.status, 201, JSON.stringify(upload.json));
      assert.equal(upload.json.rows, rows);
      const id = upload.json.id as string;
      assert.equal(
        (await httpsJson(`${base}/api/imports/${id}/commit`, "POST", token, { duplicates: "skip" })).status,
        202,
      );
      let job: Record<string, unknown>;
      do {
        await new Promise((r) => setTimeout(r, 200));
        job = (await httpsJson(`${base}/api/imports/${id}`, "GET", token, undefined)).json;
      } while (job.state === "running");
      assert.equal(job.state, "done", JSON.stringify(job));
      assert.equal(job.created, rows);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it('says "Concord could not start: port N is in use" when the port is taken', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as { port: number };
    try {
      const dataDir = scratchDir("concord-busy-");
      const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
        env: serverEnv(dataDir, port),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (c) => (stderr += c));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      assert.equal(code, 1);
      assert.equal(stderr.trim(), `Concord could not start: port ${port} is in use`);
      assert.ok(!existsSync(join(dataDir, "ferretdb.uri")), "the embedded database it started was stopped again");
    } finally {
      busy.close();
    }
  });
});
