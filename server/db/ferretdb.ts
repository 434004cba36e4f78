// The embedded database: FerretDB v1.24.2 on SQLite, built from our Go module in
// tools/ferretdb (the upstream cmd/ferretdb binary panics when built from the
// module zip) and run as a child process. FerretDB v1 has no credentials of its own
// on SQLite, so it listens on a Unix socket inside its 0700 folder: only Concord's
// own OS user can open it (a loopback port would let any local process in).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fromRoot } from "../paths";

const moduleDir = fromRoot("tools", "ferretdb");
const binary = join(moduleDir, ".build", "ferretdb-embedded");

export type EmbeddedDatabase = { uri: string; stop(): Promise<void> };

/** sun_path holds 108 bytes on Linux, the terminating NUL included (104 on macOS). */
const MAX_SOCKET_PATH_BYTES = process.platform === "linux" ? 107 : 103;

/** Where the embedded database listens for a data folder; refuses a path too long for a socket. */
export function socketPathFor(dataDir: string): string {
  const path = join(resolve(dataDir), "mongodb.sock");
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `The embedded database's socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit for a Unix ` +
        "socket. Set DATA_DIR to a shorter path, or set MONGODB_URI to a MongoDB server.",
    );
  }
  return path;
}

function newestSource(): number {
  return Math.max(
    ...readdirSync(moduleDir)
      .filter((f) => /\.(go|mod|sum)$/.test(f))
      .map((f) => statSync(join(moduleDir, f)).mtimeMs),
  );
}

/** Builds the binary when it is missing or older than its sources. */
export function ensureFerretDbBinary(log: (msg: string) => void = () => {}): string {
  if (existsSync(binary) && statSync(binary).mtimeMs >= newestSource()) return binary;
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error || go.status !== 0) {
    throw new Error(
      "The embedded database needs Go to build FerretDB, and `go` was not found. " +
        "Either install Go 1.24 or newer (https://go.dev/dl/), or set MONGODB_URI to a MongoDB server.",
    );
  }
  log("building the embedded FerretDB (first start only; about a minute)");
  const build = spawnSync("go", ["build", "-o", binary, "."], {
    cwd: moduleDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (build.status !== 0) throw new Error(`Building FerretDB failed:\n${build.stderr}`);
  return binary;
}

/** Starts FerretDB with its SQLite files in `dir`, and resolves once it accepts connections. */
export async function startFerretDb(dir: string, log: (msg: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const bin = ensureFerretDbBinary(log);
  const dataDir = resolve(dir);
  const socket = socketPathFor(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const child = spawn(bin, ["-dir", dataDir, "-listen-unix", socket], { stdio: ["ignore", "pipe", "pipe"] });
  // A child left running would hold the port and the SQLite files; never outlive the parent.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  const stderr: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 50) stderr.shift();
  });

  const uri = await new Promise<string>((resolveUri, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error("FerretDB did not start within 30 s")), 30_000);
    function fail(err: Error) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${err.message}\n${stderr.join("")}`));
    }
    lines.once("line", (line) => {
      clearTimeout(timer);
      line.startsWith("mongodb://") ? resolveUri(line.trim()) : fail(new Error(`FerretDB said: ${line}`));
    });
    child.once("exit", (code) => fail(new Error(`FerretDB exited with code ${code}`)));
  });

  return { uri, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM");
  });
}
