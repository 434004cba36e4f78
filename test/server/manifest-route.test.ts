// /manifest.xml points Outlook at the server's public address, never at one a request made up;
// /api/client-config hands the pane the settings IT sets once; the certificate covers the server's names.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import express from "express";
import pino from "pino";
import request from "supertest";
import { configFromEnv } from "../../server/config";
import { manifestRoute } from "../../server/http/manifest";
import { serverNames, tlsCredentials } from "../../server/tls";
import { testApp } from "../support/app";
import { scratchDir } from "../support/scratch-dir";

const urlsIn = (xml: string) => [...xml.matchAll(/"(https:\/\/[^"]+)"/g)].map((m) => m[1]);

describe("GET /manifest.xml and GET /api/client-config", () => {
  it("uses ADDIN_BASE_URL whenever it is set, whatever the Host header says", async () => {
    const t = await testApp({ env: { ADDIN_BASE_URL: "https://concord.example.com:8443" } });
    try {
      const res = await t.http().get("/manifest.xml").set("Host", "evil.example").expect(200);
      const urls = urlsIn(res.text);
      assert.ok(urls.length > 0);
      for (const url of urls) assert.ok(url.startsWith("https://concord.example.com:8443/"), url);
      assert.equal(res.headers.warning, undefined);
    } finally {
      await t.close();
    }
  });

  it("without ADDIN_BASE_URL refuses a Host header the server does not answer to, and a malformed one, with 400", async () => {
    const t = await testApp({ env: { TLS_HOSTNAMES: "concord.lan,10.0.0.5" } });
    try {
      for (const host of ["evil.example", "evil.example:3443", "concord.lan.evil.example"]) {
        const res = await t.http().get("/manifest.xml").set("Host", host).expect(400);
        assert.match(res.body.error.message, /does not answer to the host/);
      }
      for (const host of ["exa mple.com", "[::1", "concord.lan:99999x", "concord.lan/x"])
        await t.http().get("/manifest.xml").set("Host", host).expect(400);
      const res = await t.http().get("/manifest.xml").set("Host", "concord.lan:3443").expect(200);
      for (const url of urlsIn(res.text)) assert.ok(url.startsWith("https://concord.lan:3443/"), url);
      await t.http().get("/manifest.xml").set("Host", "10.0.0.5:3443").expect(200);
    } finally {
      await t.close();
    }
  });

  it("warns in a header and on the console when it serves a localhost manifest because ADDIN_BASE_URL is unset", async () => {
    let logged = "";
    const logger = pino(
      { level: "info" },
      new Writable({
        write: (chunk, _enc, done) => {
          logged += chunk;
          done();
        },
      }),
    );
    const app = express().get("/manifest.xml", manifestRoute(configFromEnv({}), logger));
    const res = await request(app).get("/manifest.xml").set("Host", "localhost:3443").expect(200);
    assert.match(res.headers.warning, /^199 concord "ADDIN_BASE_URL is not set/);
    assert.match(logged, /"level":40.*set ADDIN_BASE_URL/);
    for (const url of urlsIn(res.text)) assert.ok(url.startsWith("https://localhost:3443/"), url);
  });

  it("sets the manifest <Version> from ADDIN_VERSION, and refuses a version Office would not accept", async () => {
    const t = await testApp({ env: { ADDIN_BASE_URL: "https://concord.example.com", ADDIN_VERSION: "2.3.0.1" } });
    try {
      const res = await t.http().get("/manifest.xml").expect(200);
      assert.match(res.text, /<Version>2\.3\.0\.1<\/Version>/);
    } finally {
      await t.close();
    }
    assert.throws(() => configFromEnv({ ADDIN_VERSION: "v2" }), /ADDIN_VERSION: use a version such as 1\.2\.0\.0/);
    assert.throws(
      () => configFromEnv({ ADDIN_BASE_URL: "http://concord.example.com" }),
      /ADDIN_BASE_URL: Office loads add-ins over https only/,
    );
  });

  it("serves GRAPH_CLIENT_ID to the task pane without sign-in, and null when it is unset", async () => {
    const id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    const t = await testApp({ env: { GRAPH_CLIENT_ID: id } });
    try {
      assert.deepEqual((await t.http().get("/api/client-config").expect(200)).body, { graphClientId: id });
    } finally {
      await t.close();
    }
    const u = await testApp();
    try {
      assert.deepEqual((await u.http().get("/api/client-config").expect(200)).body, { graphClientId: null });
    } finally {
      await u.close();
    }
    assert.throws(
      () => configFromEnv({ GRAPH_CLIENT_ID: "my-app" }),
      /GRAPH_CLIENT_ID: use the app's client id, a GUID/,
    );
  });
});

describe("the self-signed certificate", () => {
  it("covers localhost, the host name and the LAN addresses by default, and the TLS_HOSTNAMES names when set", async () => {
    const defaults = serverNames({});
    assert.ok(defaults.includes("localhost") && defaults.includes("127.0.0.1"));
    const dir = scratchDir("concord-tls-");
    const first = new X509Certificate((await tlsCredentials(configFromEnv({ DATA_DIR: dir }), () => {})).cert);
    for (const name of defaults) assert.ok(first.checkHost(name) || first.checkIP(name), `covers ${name}`);

    const config = configFromEnv({ DATA_DIR: dir, TLS_HOSTNAMES: "concord.example.lan, 192.168.1.20" });
    let log = "";
    const named = new X509Certificate((await tlsCredentials(config, (m) => (log += m))).cert);
    assert.match(log, /does not cover concord\.example\.lan, 192\.168\.1\.20: generating a new one/);
    assert.equal(named.checkHost("concord.example.lan"), "concord.example.lan");
    assert.equal(named.checkIP("192.168.1.20"), "192.168.1.20");
    assert.equal(named.checkHost("localhost"), undefined, "only the names asked for");
    const again = await tlsCredentials(config, () => {});
    assert.equal(
      again.cert,
      readFileSync(join(dir, "tls", "cert.pem"), "utf8"),
      "a certificate that covers the names is reused",
    );
    assert.equal(new X509Certificate(again.cert).fingerprint256, named.fingerprint256);
  });
});
