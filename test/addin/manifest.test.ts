import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { developmentBaseUrl, rewriteManifest } from "../../addin/build/rewrite-manifest";
import { scratchDir } from "../support/scratch-dir";

const run = promisify(execFile);
const schema = fileURLToPath(new URL("../../addin/manifest-schemas/OfficeAppManifestV1_1.xsd", import.meta.url));
const manifestPath = fileURLToPath(new URL("../../manifest.xml", import.meta.url));
const deployedBase = "https://concord.example.com/addin";

async function validate(path: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stderr } = await run("xmllint", ["--noout", "--schema", schema, path]);
    return { ok: true, output: stderr };
  } catch (error) {
    const failure = error as { stderr?: string; code?: number | string };
    if (failure.code === "ENOENT") throw new Error("xmllint is missing: apt-get install -y libxml2-utils");
    return { ok: false, output: failure.stderr ?? String(error) };
  }
}

async function writeTemp(name: string, text: string): Promise<string> {
  const path = join(scratchDir("concord-manifest-"), name);
  await writeFile(path, text);
  return path;
}

// Every URL outside comments: attribute values and element text alike.
function urlsIn(xml: string): string[] {
  const withoutComments = xml.replace(/<!--[\s\S]*?-->/g, "");
  const namespaces = /^http:\/\/(schemas\.microsoft\.com|www\.w3\.org)\//;
  return (withoutComments.match(/[a-z][a-z0-9+.-]*:\/\/[^"'<>\s]+/gi) ?? []).filter((url) => !namespaces.test(url));
}

describe("add-in manifest", () => {
  let manifest: string;
  before(async () => {
    manifest = await readFile(manifestPath, "utf8");
  });

  it("validates against the Office add-in manifest schema", async () => {
    const result = await validate(manifestPath);
    assert.ok(result.ok, result.output);
    assert.match(result.output, /validates/);
  });

  it("fails validation when a required element is missing, so the schema check has teeth", async () => {
    const broken = await writeTemp("broken.xml", manifest.replace(/<Id>[^<]*<\/Id>/, ""));
    const result = await validate(broken);
    assert.equal(result.ok, false);
  });

  it("is a mail add-in with ReadWriteMailbox, which makeEwsRequestAsync needs", () => {
    assert.match(manifest, /xsi:type="MailApp"/);
    assert.match(manifest, /<Permissions>ReadWriteMailbox<\/Permissions>/);
    assert.match(manifest, /xsi:type="MessageReadCommandSurface"/);
    assert.match(manifest, /<Action xsi:type="ShowTaskpane">/);
  });

  it("points every URL at the https development server", () => {
    const urls = urlsIn(manifest);
    assert.ok(urls.length >= 7, `found only ${urls.join(", ")}`);
    for (const url of urls) assert.ok(url.startsWith(`${developmentBaseUrl}/`), url);
  });

  it("after the build rewrite, every URL is https under ADDIN_BASE_URL and the manifest still validates", async () => {
    const rewritten = rewriteManifest(manifest, deployedBase);
    const urls = urlsIn(rewritten);
    assert.equal(urls.length, urlsIn(manifest).length);
    for (const url of urls) {
      assert.ok(url.startsWith("https://"), url);
      assert.ok(url.startsWith(`${deployedBase}/`), url);
    }
    const result = await validate(await writeTemp("manifest.xml", rewritten));
    assert.ok(result.ok, result.output);
  });

  it("references icons that exist as PNGs of the size their name gives", async () => {
    // The 1.1 overrides repeat the 1.0 resources: each icon is checked once.
    const icons = [...new Set(urlsIn(manifest).filter((url) => url.includes("/assets/")))];
    assert.deepEqual(icons.map((url) => url.match(/icon-(\d+)\.png$/)?.[1]).sort(), ["128", "16", "32", "64", "80"]);
    for (const url of icons) {
      const file = await readFile(new URL(`../../addin/assets/${url.split("/assets/")[1]}`, import.meta.url));
      assert.deepEqual([...file.subarray(1, 4)], [...Buffer.from("PNG")]);
      const size = Number(url.match(/icon-(\d+)\.png$/)?.[1]);
      assert.equal(file.readUInt32BE(16), size, `${url} width`);
      assert.equal(file.readUInt32BE(20), size, `${url} height`);
    }
  });
});

describe("rewriteManifest", () => {
  const xml = `<a href="${developmentBaseUrl}/taskpane.html"/><b>${developmentBaseUrl}/x</b>`;

  it("replaces the development base with ADDIN_BASE_URL, dropping a trailing slash", () => {
    assert.equal(
      rewriteManifest(xml, "https://mail.example.org/concord/"),
      `<a href="https://mail.example.org/concord/taskpane.html"/><b>https://mail.example.org/concord/x</b>`,
    );
  });

  it("refuses a base URL that is not https, which Office would not load", () => {
    assert.throws(() => rewriteManifest(xml, "http://mail.example.org"), /must be https/);
  });

  it("refuses a base URL with a query, which would break every path appended to it", () => {
    assert.throws(() => rewriteManifest(xml, "https://mail.example.org/?a=1"), /query/);
  });

  it("escapes characters that would break the XML attribute", () => {
    assert.equal(rewriteManifest(`"${developmentBaseUrl}"`, "https://h.example/a&b"), `"https://h.example/a&amp;b"`);
  });
});
