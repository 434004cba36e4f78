// Sync activity and server status for the admin console: the add-in's sync reports, each maintenance
// job's last run kept in the database, and book sizes.
import assert from "node:assert/strict";
import request from "supertest";
import pino from "pino";
import { createApp } from "../../server/app";
import { maintainBooks, nextMaintenanceRun } from "../../server/maintenance";
import { wire } from "../../server/wiring";
import { testApp, type TestApp } from "../support/app";

const report = (over: Record<string, unknown> = {}) => ({
  device: "outlook-dev-1",
  pair: "pair-1",
  book: "gab",
  finishedAt: "2026-03-01T10:00:00.000Z",
  result: "synced",
  counts: {
    outlook: { created: 3, updated: 1, deleted: 0 },
    server: { created: 0, updated: 2, deleted: 1 },
    conflicts: 0,
    errors: 0,
  },
  ...over,
});

describe("REST admin sync activity and server status", () => {
  let t: TestApp;
  let root: Awaited<ReturnType<TestApp["user"]>>;
  let dora: Awaited<ReturnType<TestApp["user"]>>;
  before(async () => {
    t = await testApp();
    root = await t.user("root", { admin: true });
    dora = await t.user("dora");
  });
  after(async () => t.close());

  describe("sync reports", () => {
    it("keeps a user's sync report and lists it to administrators with the last sync that did not fail", async () => {
      await t.http().post("/api/sync-reports").set(dora.auth).send(report()).expect(204);
      const failed = report({ finishedAt: "2026-03-01T11:00:00.000Z", result: "failed", message: "Server down" });
      await t.http().post("/api/sync-reports").set(dora.auth).send(failed).expect(204);
      const res = await t.http().get("/api/admin/sync-activity?user=dora").set(root.auth).expect(200);
      assert.equal(res.body.reports.length, 1);
      const [only] = res.body.reports;
      assert.equal(only.user, "dora");
      assert.equal(only.result, "failed");
      assert.equal(only.message, "Server down");
      assert.equal(only.lastSyncedAt, "2026-03-01T10:00:00.000Z");
      assert.deepEqual(only.counts.outlook, { created: 3, updated: 1, deleted: 0 });
    });

    it("files a report under the caller's own name, whatever the body says", async () => {
      await t
        .http()
        .post("/api/sync-reports")
        .set(root.auth)
        .send(report({ pair: "root-pair" }))
        .expect(204);
      const res = await t.http().get("/api/admin/sync-activity").set(root.auth).expect(200);
      const rootPair = res.body.reports.find((r: { pair: string }) => r.pair === "root-pair");
      assert.equal(rootPair.user, "root");
      const body = { ...report(), user: "dora" };
      await t.http().post("/api/sync-reports").set(root.auth).send(body).expect(400);
    });

    it("refuses a report with a negative count or an unknown result with 400", async () => {
      const bad = report({ counts: { ...report().counts, conflicts: -1 } });
      await t.http().post("/api/sync-reports").set(dora.auth).send(bad).expect(400);
      await t
        .http()
        .post("/api/sync-reports")
        .set(dora.auth)
        .send(report({ result: "great" }))
        .expect(400);
      await t
        .http()
        .post("/api/sync-reports")
        .set(dora.auth)
        .send(report({ device: "../x" }))
        .expect(400);
    });

    it("lists each signed-in device with the syncs reported through its session, and signed-out ones apart", async () => {
      const eve = await t.user("eve");
      const signIn = async (device: string) => {
        const res = await t.http().post("/api/auth/login").send({ username: "eve", password: eve.password, device });
        return { auth: { Authorization: `Bearer ${res.body.token}` }, sessionId: res.body.sessionId as string };
      };
      const laptop = await signIn("Outlook on Windows");
      const mac = await signIn("Outlook on Mac");
      await t
        .http()
        .post("/api/sync-reports")
        .set(laptop.auth)
        .send(report({ device: "id-laptop" }))
        .expect(204);
      const failed = report({ device: "id-mac", pair: "pair-2", result: "failed", message: "Outlook closed" });
      await t.http().post("/api/sync-reports").set(mac.auth).send(failed).expect(204);
      type Row = { user: string; device: string; session: { id: string } | null; syncs: { device: string }[] };
      const devices = async (): Promise<Row[]> =>
        (await t.http().get("/api/admin/sync-activity?user=eve").set(root.auth).expect(200)).body.devices;
      const shape = (rows: Row[]) =>
        rows.map((r) => [r.device, r.session?.id ?? null, r.syncs.map((x) => x.device)]).sort();
      assert.deepEqual(shape(await devices()), [
        ["", (await devices()).find((r) => r.device === "")!.session!.id, []], // t.user's own sign-in
        ["Outlook on Mac", mac.sessionId, ["id-mac"]],
        ["Outlook on Windows", laptop.sessionId, ["id-laptop"]],
      ]);
      // Signed out: the laptop's syncs stay listed, under the add-in's device id, with no session to end.
      await t.http().delete(`/api/admin/users/eve/sessions/${laptop.sessionId}`).set(root.auth).expect(204);
      const after = await devices();
      assert.deepEqual(
        after.filter((r) => r.session === null).map((r) => [r.device, r.syncs.length]),
        [["id-laptop", 1]],
      );
    });

    it("needs a signed-in caller to report and an administrator to list", async () => {
      await t.http().post("/api/sync-reports").send(report()).expect(401);
      await t.http().get("/api/admin/sync-activity").set(dora.auth).expect(403);
      await t.http().get("/api/admin/status").set(dora.auth).expect(403);
    });
  });

  describe("server status", () => {
    it("names the version, the embedded database, this instance's uptime and every book's size", async () => {
      const put = (uid: string) => ({ op: "put", uid, contact: { uid, displayName: uid } });
      await t
        .http()
        .post("/api/books/gab/batch")
        .set(root.auth)
        .send({ ops: [put("s1"), put("s2")] })
        .expect(200);
      const res = await t.http().get("/api/admin/status").set(root.auth).expect(200);
      assert.match(res.body.version, /^\d+\.\d+\.\d+/);
      assert.equal(res.body.database, "embedded");
      assert.ok(res.body.uptimeSeconds >= 0);
      const gab = res.body.books.find((b: { id: string }) => b.id === "gab");
      assert.deepEqual([gab.kind, gab.contacts, gab.tombstones], ["gab", 2, 0]);
      assert.ok(res.body.books.some((b: { owner: string }) => b.owner === "dora"));
    });

    it("shows each maintenance job's last run once a pass ran, the same from every instance", async () => {
      const before = await t.http().get("/api/admin/status").set(root.auth).expect(200);
      assert.ok(before.body.jobs.every((j: { result: string }) => j.result === "never"));
      assert.equal(await maintainBooks(t.deps), true);
      const after = await t.http().get("/api/admin/status").set(root.auth).expect(200);
      assert.deepEqual(
        after.body.jobs.map((j: { job: string; result: string }) => [j.job, j.result]),
        [
          ["audit-purge", "ok"],
          ["import-expiry", "ok"],
          ["photo-collection", "ok"],
          ["book-compaction", "ok"],
          ["quota-recount", "ok"],
        ],
      );
      // A second instance over the same database shows the runs the first recorded.
      const other = await wire({
        config: t.deps.config,
        models: t.models,
        connection: t.db.connection,
        logger: pino({ level: "silent" }),
      });
      const second = await request(createApp(other)).get("/api/admin/status").set(root.auth).expect(200);
      assert.deepEqual(second.body.jobs, after.body.jobs);
    });

    it("says when this instance runs the maintenance pass next, on its interval from the instance's start", async () => {
      const res = await t.http().get("/api/admin/status").set(root.auth).expect(200);
      const { intervalHours, nextRunAt } = res.body.maintenance;
      assert.equal(intervalHours, 6);
      const next = Date.parse(nextRunAt);
      const since = next - Date.parse(res.body.startedAt);
      assert.ok(next > Date.now() && next <= Date.now() + 6 * 3600_000, `${nextRunAt} is within the next 6 hours`);
      assert.equal(since % (6 * 3600_000), 0, "a tick of the instance's timer");
    });

    it("runs the pass on each interval's tick counted from the start", () => {
      const start = new Date("2026-03-01T10:00:00Z");
      const at = (iso: string) => nextMaintenanceRun(start, new Date(iso)).toISOString();
      assert.equal(at("2026-03-01T10:00:00Z"), "2026-03-01T16:00:00.000Z");
      assert.equal(at("2026-03-01T15:59:59Z"), "2026-03-01T16:00:00.000Z");
      assert.equal(at("2026-03-01T16:00:00Z"), "2026-03-01T22:00:00.000Z");
      assert.equal(at("2026-03-02T09:00:00Z"), "2026-03-02T10:00:00.000Z");
    });

    it("records a failed maintenance job and still runs the jobs after it", async () => {
      const purge = () => Promise.reject(new Error("disk full"));
      assert.equal(await maintainBooks({ ...t.deps, audit: { ...t.deps.audit, purge } }), false);
      const res = await t.http().get("/api/admin/status").set(root.auth).expect(200);
      const [audit, ...rest] = res.body.jobs;
      assert.deepEqual([audit.job, audit.result, audit.message], ["audit-purge", "failed", "disk full"]);
      for (const job of rest) {
        assert.equal(job.result, "ok");
        assert.ok(job.startedAt >= audit.finishedAt, `${job.job} ran after the failed job`);
      }
    });
  });
});
