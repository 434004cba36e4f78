// Headers every answer carries, the framing policy of the add-in's pages, and which
// 401 answers challenge for Basic.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { createApp } from "../../server/app";
import { testApp, type TestApp } from "../support/app";

describe("response headers", () => {
  let t: TestApp;
  let addinDir: string;
  let pages: ReturnType<typeof createApp>;
  before(async () => {
    t = await testApp();
    addinDir = mkdtempSync(join(tmpdir(), "concord-addin-"));
    writeFileSync(join(addinDir, "taskpane.html"), "<!DOCTYPE html><title>pane</title>");
    writeFileSync(join(addinDir, "taskpane.js"), "void 0;");
    pages = createApp({ ...t.deps, addinDir });
  });
  after(async () => {
    rmSync(addinDir, { recursive: true, force: true });
    await t.close();
  });

  function assertHardened(res: request.Response, what: string) {
    assert.equal(res.headers["strict-transport-security"], "max-age=31536000", what);
    assert.equal(res.headers["referrer-policy"], "no-referrer", what);
    assert.equal(res.headers["x-content-type-options"], "nosniff", what);
  }

  it("sends Strict-Transport-Security and Referrer-Policy on every answer, errors included", async () => {
    const me = await t.user("alice");
    const answers = await Promise.all([
      request(pages).get("/healthz"),
      request(pages).get("/taskpane.html"),
      request(pages).get("/api/me").set(me.auth),
      request(pages).get("/api/me"),
      request(pages).get("/no/such/page"),
      request(pages).get(`/api/books/${me.primaryBook}/contacts/%FF`).set(me.auth),
      request(pages).post("/api/auth/login").set("Content-Type", "application/json").send("{broken"),
    ]);
    answers.forEach((res, i) => assertHardened(res, `answer ${i} (${res.status})`));
  });

  it("lets Office hosts, and no one else, frame the add-in's HTML pages", async () => {
    for (const path of ["/", "/taskpane.html"]) {
      const res = await request(pages).get(path).expect(200);
      const csp = res.headers["content-security-policy"] ?? "";
      const ancestors = /frame-ancestors ([^;]*)/.exec(csp)?.[1].split(" ") ?? [];
      for (const origin of [
        "'self'",
        "https://outlook.office.com",
        "https://outlook.office365.com",
        "https://*.cloud.microsoft",
      ]) {
        assert.ok(ancestors.includes(origin), `${path}: ${origin} in ${csp}`);
      }
      assert.ok(!ancestors.includes("*") && !ancestors.some((a) => a === "https:" || a === "https://*"), csp);
    }
    const script = await request(pages).get("/taskpane.js").expect(200);
    assert.equal(script.headers["content-security-policy"], undefined);
  });

  it("challenges browsers for Bearer only on a 401, so no Basic password dialog opens", async () => {
    const navigation = await request(pages)
      .get("/api/me")
      .set({ Accept: "text/html,application/xhtml+xml,*/*;q=0.8", "Sec-Fetch-Mode": "navigate" });
    const paneFetch = await request(pages)
      .get("/api/me")
      .set("Accept", "application/json")
      .set("Sec-Fetch-Mode", "cors");
    for (const res of [navigation, paneFetch]) {
      assert.equal(res.status, 401);
      assert.match(res.headers["www-authenticate"], /^Bearer/);
      assert.doesNotMatch(res.headers["www-authenticate"], /Basic/);
    }
    const script = await request(pages).get("/api/me").set("Accept", "application/json").expect(401);
    assert.match(script.headers["www-authenticate"], /Basic realm="Concord"/);
  });
});
