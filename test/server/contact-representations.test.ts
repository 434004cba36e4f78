// One contact URL, two representations (JSON and vCard) chosen by Accept: a browser's cache must
// never answer one with the other (RFC 9111 §4.1 Vary, §4.3 validators naming one representation).
import assert from "node:assert/strict";
import { testApp, type TestApp } from "../support/app";

describe("a contact's JSON and vCard representations", function () {
  let t: TestApp;
  let ann: Awaited<ReturnType<TestApp["user"]>>;
  const url = () => `/api/books/${ann.primaryBook}/contacts/c1`;

  before(async () => {
    t = await testApp();
    ann = await t.user("ann");
    await t.http().put(url()).set(ann.auth).send({ displayName: "Carol Doe" }).expect(201);
  });
  after(async () => t.close());

  it("says the answer varies with Accept, on 200 and on 304", async () => {
    const json = await t.http().get(url()).set(ann.auth).expect(200);
    assert.match(json.headers.vary ?? "", /\bAccept\b/i);
    const again = await t.http().get(url()).set(ann.auth).set("If-None-Match", json.headers.etag).expect(304);
    assert.match(again.headers.vary ?? "", /\bAccept\b/i);
  });

  it("gives the vCard its own ETag, so the JSON's validator never gets a 304 for the vCard", async () => {
    const json = await t.http().get(url()).set(ann.auth).expect(200);
    const vcard = await t
      .http()
      .get(url())
      .set(ann.auth)
      .set("Accept", "text/vcard")
      .set("If-None-Match", json.headers.etag)
      .expect(200);
    assert.match(vcard.text, /^BEGIN:VCARD/);
    assert.notEqual(vcard.headers.etag, json.headers.etag);
    // And the other way round; each representation revalidates against its own validator.
    await t.http().get(url()).set(ann.auth).set("If-None-Match", vcard.headers.etag).expect(200);
    await t
      .http()
      .get(url())
      .set(ann.auth)
      .set("Accept", "text/vcard")
      .set("If-None-Match", vcard.headers.etag)
      .expect(304);
    const v4 = await t.http().get(url()).set(ann.auth).set("Accept", "text/vcard;version=4.0").expect(200);
    assert.notEqual(v4.headers.etag, vcard.headers.etag);
  });

  it("takes the vCard's ETag in If-Match as the contact's version", async () => {
    const vcard = await t.http().get(url()).set(ann.auth).set("Accept", "text/vcard").expect(200);
    const card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Carol Doe-Smith\r\nEND:VCARD\r\n";
    await t
      .http()
      .put(url())
      .set(ann.auth)
      .set("Content-Type", "text/vcard")
      .set("If-Match", vcard.headers.etag)
      .send(card)
      .expect(200);
    await t
      .http()
      .put(url())
      .set(ann.auth)
      .set("Content-Type", "text/vcard")
      .set("If-Match", vcard.headers.etag)
      .send(card)
      .expect(412);
  });
});
