// Where the server serves Concord Web and the task pane: the web app at `/` and at its deep links, the
// pane at /taskpane.html where the manifest points, and the pane at `/` for a build without the app.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { createApp } from "../../server/app";
import { testApp, type TestApp } from "../support/app";

describe("serving Concord Web beside the task pane", () => {
  let t: TestApp;
  const dirs: string[] = [];
  const built = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "concord-pages-"));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return createApp({ ...t.deps, addinDir: dir });
  };
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const pages = { "index.html": "<title>web</title>", "taskpane.html": "<title>pane</title>" };

  it("serves the web app at / and at each book's and contact's address, with the pages' framing policy", async () => {
    const app = built(pages);
    for (const path of ["/", "/books/gab", "/books/gab/contacts/some-uid", "/books/pab-1/deleted"]) {
      const res = await request(app).get(path).expect(200);
      assert.match(res.text, /<title>web<\/title>/, path);
      assert.match(res.headers["content-security-policy"] ?? "", /frame-ancestors/, path);
    }
  });

  it("keeps the task pane at /taskpane.html, where the manifest points", async () => {
    const res = await request(built(pages)).get("/taskpane.html").expect(200);
    assert.match(res.text, /<title>pane<\/title>/);
  });

  it("serves the pane at / when the build has no web app, and no page for unknown paths", async () => {
    const app = built({ "taskpane.html": "<title>pane</title>" });
    assert.match((await request(app).get("/").expect(200)).text, /<title>pane<\/title>/);
    await request(app).get("/books/gab").expect(404);
    await request(built(pages)).get("/no/such/page").expect(404);
    await request(built(pages)).get("/api/books").expect(401);
  });
});
