// The embedded database and DATA_DIR are private to Concord's OS user: FerretDB has no
// credentials, so only the file system keeps other local processes from the password hashes.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { configFromEnv } from "../../server/config";
import { openDatabase } from "../../server/database";
import { socketPathFor, startFerretDb } from "../../server/db/ferretdb";
import { wire } from "../../server/wiring";
import { freshDatabase } from "../support/database";
import { scratchDir } from "../support/scratch-dir";

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("embedded database permissions", function () {
  this.timeout(60_000);

  it("makes DATA_DIR 0700 and its files 0600, also those an older version left readable to all", async () => {
    const dataDir = join(scratchDir("concord-perm-"), "data");
    mkdirSync(join(dataDir, "ferretdb"), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, "ferretdb", "notes.txt"), "", { mode: 0o644 });
    writeFileSync(join(dataDir, "left-over"), "", { mode: 0o644 });
    const db = await openDatabase(configFromEnv({ DATA_DIR: dataDir }), () => {});
    try {
      await db.models.Setting.create({ _id: "probe", value: "x" });
      assert.equal(modeOf(dataDir), 0o700);
      assert.equal(modeOf(join(dataDir, "ferretdb")), 0o700);
      for (const dir of [dataDir, join(dataDir, "ferretdb")]) {
        for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile())) {
          assert.equal(modeOf(join(dir, entry.name)), 0o600, `${dir}/${entry.name}`);
        }
      }
    } finally {
      await db.connection.close();
      await db.stop();
    }
  });

  it("listens on a Unix socket inside its own folder rather than on a loopback port", async () => {
    const dir = join(scratchDir("concord-sock-"), "ferretdb");
    const db = await startFerretDb(dir);
    try {
      assert.equal(db.uri, `mongodb://${encodeURIComponent(join(dir, "mongodb.sock"))}/`);
      assert.ok(statSync(join(dir, "mongodb.sock")).isSocket());
      assert.equal(modeOf(dir), 0o700);
    } finally {
      await db.stop();
    }
  });

  it("refuses clearly a DATA_DIR too long for a Unix socket path", () => {
    assert.throws(() => socketPathFor(`/tmp/${"d".repeat(120)}`), /longer than \d+ bytes.*DATA_DIR.*MONGODB_URI/s);
    assert.equal(socketPathFor("/tmp/short"), "/tmp/short/mongodb.sock");
  });
});

describe("JWT secret storage", () => {
  const silent = pino({ level: "silent" });

  it("keeps a generated JWT secret in a 0600 file in DATA_DIR, never in the database", async () => {
    const dataDir = scratchDir("concord-jwt-");
    const db = await freshDatabase();
    try {
      const deps = await wire({
        config: configFromEnv({ DATA_DIR: dataDir }),
        models: db.models,
        connection: db.connection,
        logger: silent,
      });
      assert.equal(await db.models.Setting.findById("jwtSecret").lean(), null);
      assert.equal(readFileSync(join(dataDir, "jwt-secret"), "utf8"), deps.jwtSecret);
      assert.equal(modeOf(join(dataDir, "jwt-secret")), 0o600);
      assert.ok(deps.jwtSecret.length >= 32);
      const again = await wire({
        config: configFromEnv({ DATA_DIR: dataDir }),
        models: db.models,
        connection: db.connection,
        logger: silent,
      });
      assert.equal(again.jwtSecret, deps.jwtSecret, "a restart keeps the sessions valid");
    } finally {
      await db.close();
    }
  });

  it("moves a secret an older version kept in the database to the file, so sessions survive the upgrade", async () => {
    const dataDir = scratchDir("concord-jwt-");
    const db = await freshDatabase();
    try {
      await db.models.Setting.create({ _id: "jwtSecret", value: "legacy-secret-that-is-long-enough-for-hs256" });
      const deps = await wire({
        config: configFromEnv({ DATA_DIR: dataDir }),
        models: db.models,
        connection: db.connection,
        logger: silent,
      });
      assert.equal(deps.jwtSecret, "legacy-secret-that-is-long-enough-for-hs256");
      assert.equal(await db.models.Setting.findById("jwtSecret").lean(), null);
      assert.equal(readFileSync(join(dataDir, "jwt-secret"), "utf8"), deps.jwtSecret);
    } finally {
      await db.close();
    }
  });
});
