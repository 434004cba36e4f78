// One XML escaping (core/formats/xml-escape.ts) for core's EWS mapping, the add-in's EWS requests and the manifest.
import assert from "node:assert/strict";
import { XMLParser } from "fast-xml-parser";
import { escapeXml as ewsStoreEscape } from "../../addin/outlook/ews-xml";
import { escapeXml } from "../../core/formats/xml-escape";

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);

describe("escapeXml", () => {
  it("escapes the five XML specials so text and attribute values read back as written", () => {
    const value = `Tom & Jerry's <"pals">`;
    assert.equal(escapeXml(value), "Tom &amp; Jerry&apos;s &lt;&quot;pals&quot;&gt;");
    const doc = parse(`<a b="${escapeXml(value)}">${escapeXml(value)}</a>`);
    assert.deepEqual(doc.a, { b: value, "#text": value });
  });

  it("drops the control characters XML 1.0 cannot carry and keeps tab, line feed and carriage return", () => {
    assert.equal(escapeXml("a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf"), "abcdef");
    assert.equal(escapeXml("a\tb\nc\rd"), "a\tb\nc\rd");
  });

  it("drops forbidden control characters from the add-in's EWS requests too (a folder named with one)", () => {
    assert.equal(ewsStoreEscape("Team\u0001 & Co"), "Team &amp; Co");
  });
});
