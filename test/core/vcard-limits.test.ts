// A vCard's size is bounded before its properties are parsed (issue 11 §2): a card with too many
// properties, or a content line longer than a contact at the caps, is refused with the line named.
import assert from "node:assert/strict";
import { defaultContactLimits, MAX_VCARD_PROPERTIES, maxVCardLineChars } from "../../core/contact/limits";
import { parseVCard, VCardError } from "../../core/formats/vcard";

const card = (...lines: string[]) =>
  ["BEGIN:VCARD", "VERSION:3.0", "UID:u1", "FN:A", ...lines, "END:VCARD", ""].join("\r\n");
const fold = (line: string) => line.match(/.{1,74}/g)!.join("\r\n ");
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof VCardError) return err;
    throw err;
  }
  assert.fail("no VCardError");
};

describe("vCard size caps", () => {
  it("refuses a card with more properties than MAX_VCARD_PROPERTIES, naming the first line over", () => {
    const many = Array.from({ length: MAX_VCARD_PROPERTIES }, (_, i) => `X-P${i}:v`);
    const error = errorOf(() => parseVCard(card(...many)));
    assert.match(error.message, /more than 1000 properties/);
    assert.equal(error.line, 2 + MAX_VCARD_PROPERTIES); // BEGIN, then VERSION … the 1001st property
  });

  it("reads a card with as many properties as the cap allows", () => {
    // VERSION, UID and FN are three; the rest stay within the contact's own caps on each list.
    const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i));
    const contact = parseVCard(
      card(
        ...lines(500, (i) => `X-P${i}:v`),
        ...lines(200, (i) => `CATEGORIES:c${i}`),
        ...lines(100, (i) => `EMAIL:a${i}@example.com`),
        ...lines(100, (i) => `URL:https://example.com/${i}`),
        ...lines(MAX_VCARD_PROPERTIES - 903, (i) => `TEL:+1 555 ${i}`),
      ),
    );
    const counted =
      contact.extra.length +
      contact.categories.length +
      contact.emails.length +
      contact.urls.length +
      contact.phones.length;
    assert.equal(counted, MAX_VCARD_PROPERTIES - 3);
  });

  it("refuses a folded content line longer than the caps allow before parsing it", () => {
    const max = maxVCardLineChars(defaultContactLimits);
    const error = errorOf(() => parseVCard(card(fold(`NOTE:${"n".repeat(max)}`))));
    assert.match(error.message, /content line over/);
    assert.equal(error.line, 5);
  });

  it("reads a base64 PHOTO at MAX_PHOTO_BYTES, and follows a smaller configured cap", () => {
    const photo = Buffer.alloc(defaultContactLimits.maxPhotoBytes, 1).toString("base64");
    const line = fold(`PHOTO;ENCODING=b;TYPE=JPEG:${photo}`);
    assert.equal(parseVCard(card(line)).photo?.data?.length, photo.length);
    const small = { maxContactBytes: 16 * 1024, maxPhotoBytes: 64 * 1024 };
    assert.match(errorOf(() => parseVCard(card(line), { limits: small })).message, /content line over/);
  });
});
