// The OpenAPI document is generated from the schemas the routes validate with;
// this pins that it also lists exactly the API routes the app serves.
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";
import { openApiDocument } from "../../server/http/openapi";

type Layer = { route?: { path: string; methods: Record<string, boolean> }; name?: string; handle?: { stack?: Layer[] } };

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

  it("documents every /api route the app serves, and no route it does not", () => {
    const served = routesOf((t.app as unknown as { _router: { stack: Layer[] } })._router.stack)
      .filter((r) => r.split(" ")[1].startsWith("/api/") && r !== "GET /api/openapi.json")
      .map((r) => r.replace(/:(\w+)/g, "{$1}"))
      .sort();
    const documented = Object.entries(openApiDocument().paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documented, served);
  });

  it("describes request bodies with the validators' JSON Schema, unknown fields refused", () => {
    const put = openApiDocument().paths["/api/books/{book}/contacts/{uid}"].put;
    const schema = put.requestBody.content["application/json"].schema as { properties: Record<string, unknown>; additionalProperties: unknown };
    assert.ok(schema.properties.emails && schema.properties.phones && schema.properties.extra);
    assert.equal(schema.additionalProperties, false);
  });
});
