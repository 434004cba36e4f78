// The OpenAPI document is generated from the schemas the routes validate with;
// this pins that it also lists exactly the API routes the app serves.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { testApp, type TestApp } from "../support/app";
import { openApiDocument } from "../../server/http/openapi";
import { scratchDir } from "../support/scratch-dir";

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  name?: string;
  handle?: { stack?: Layer[] };
};

function routesOf(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`);
    return layer.name === "router" && layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

describe("OpenAPI document", () => {
  let t: TestApp;
  before(async () => (t = await testApp()));
  after(async () => t.close());

  it("documents every /api route the app serves, /healthz and /manifest.xml, and no route it does not", () => {
    const served = routesOf((t.app as unknown as { _router: { stack: Layer[] } })._router.stack)
      .filter((r) => /^\/(api\/|healthz$|manifest\.xml$)/.test(r.split(" ")[1]) && r !== "GET /api/openapi.json")
      .map((r) => r.replace(/:(\w+)/g, "{$1}"))
      .sort();
    const documented = Object.entries(openApiDocument().paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documented, served);
  });

  it("describes request bodies with the validators' JSON Schema, unknown fields refused", () => {
    const doc = openApiDocument();
    const put = doc.paths["/api/books/{book}/contacts/{uid}"].put;
    const { $ref } = put.requestBody.content["application/json"].schema;
    assert.equal($ref, "#/components/schemas/ContactBody");
    const schema = doc.components.schemas.ContactBody as {
      properties: Record<string, unknown>;
      additionalProperties: unknown;
    };
    assert.ok(schema.properties.emails && schema.properties.phones && schema.properties.extra);
    assert.equal(schema.additionalProperties, false);
  });

  it("gives every operation a summary and an operationId, unique across the document", () => {
    const ops = Object.values(openApiDocument().paths).flatMap(
      (path) => Object.values(path) as { summary?: string; operationId?: string }[],
    );
    for (const op of ops) assert.ok(op.summary && op.operationId, JSON.stringify(op).slice(0, 80));
    assert.equal(new Set(ops.map((op) => op.operationId)).size, ops.length);
  });

  it("declares vCard bodies and the If-Match, If-None-Match and ETag headers of a contact", () => {
    type Answer = { content?: Record<string, unknown>; headers?: Record<string, unknown> };
    const doc = openApiDocument();
    const { get, put } = doc.paths["/api/books/{book}/contacts/{uid}"];
    const got = get.responses["200"] as Answer;
    const created = put.responses["201"] as Answer;
    assert.ok(put.requestBody.content["text/vcard"] && got.content?.["text/vcard"]);
    assert.deepEqual(
      put.parameters.filter((p: { in: string }) => p.in === "header").map((p: { name: string }) => p.name),
      ["If-Match", "If-None-Match"],
    );
    assert.ok(got.headers?.ETag && created.headers?.ETag);
    assert.deepEqual(
      doc.servers.map((s: { url: string }) => s.url),
      ["/"],
    );
  });

  it("passes redocly lint with the recommended rules, offline, without a warning", async function () {
    this.timeout(60_000);
    const dir = scratchDir("concord-openapi-");
    const file = join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(openApiDocument(), null, 1));
    const env = {
      ...process.env,
      REDOCLY_TELEMETRY: "off",
      REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
      REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
    };
    const lint = await promisify(execFile)(
      "npx",
      ["--no-install", "redocly", "lint", file, "--extends", "recommended", "--format", "json"],
      { env },
    ).catch((err: { stdout: string }) => err);
    const report = JSON.parse(lint.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map((p) => `${p.location[0]?.pointer}: ${p.message}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
  });
});
