// A contact's extra params are written into vCard content lines; whatever a writer
// stored there must not end the line, the card, or start a card of its own.
import assert from "node:assert/strict";
import { contactSchema, type Contact } from "../../core/contact/contact";
import { emitVCard, parseVCards, type VCardVersion } from "../../core/formats/vcard";

const forgedCard = "\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nUID:forged\r\nFN:Forged\r\nX-Z";

/** Built past the schema, as a contact stored before the schema checked params would be. */
function hostileContact(): Contact {
  const contact = contactSchema.parse({ uid: "victim", displayName: "Victim" });
  contact.extra = [
    {
      source: "vcard",
      name: "X-HOSTILE-NAME",
      value: "one",
      params: { [`x-a:b;c${forgedCard}`]: ["1"], "x-ok": ["kept"] },
    },
    { source: "vcard", name: "X-HOSTILE-VALUE", value: "two", params: { "x-v": [`a"b:c;d,e^f${forgedCard}\rg`] } },
  ];
  return contact;
}

describe("vCard parameter injection", () => {
  for (const version of ["3.0", "4.0"] as VCardVersion[]) {
    it(`emits one card for a contact with a hostile parameter name and value, which parses back (${version})`, () => {
      const text = emitVCard(hostileContact(), version);
      const cards = parseVCards(text);
      assert.equal(cards.length, 1, text);
      const [card] = cards;
      assert.equal(card.uid, "victim");
      assert.equal(card.displayName, "Victim");
      assert.deepEqual(
        card.extra.map((e) => [e.name, e.value, e.params]),
        [
          // The name outside RFC 6350 §3.3 syntax is not written; its neighbour is.
          ["X-HOSTILE-NAME", "one", { "x-ok": ["kept"] }],
          // DQUOTE, ':' ';' ',' '^' and line breaks survive (quoted, RFC 6868), a line break as LF.
          ["X-HOSTILE-VALUE", "two", { "x-v": [`a"b:c;d,e^f${forgedCard.replace(/\r/g, "")}\ng`] }],
        ],
      );
    });
  }

  it("refuses parameter names outside letters, digits and '-' and values with control characters", () => {
    const extra = (params: Record<string, string[]>) => ({
      uid: "u",
      extra: [{ source: "vcard", name: "X-A", value: "v", params }],
    });
    const badNames = ["x-a:b", "x-a;b", "x-a\r\nb", "x a", ""];
    for (const params of badNames.map((name): Record<string, string[]> => ({ [name]: ["1"] }))) {
      assert.equal(contactSchema.safeParse(extra(params)).success, false, JSON.stringify(params));
    }
    for (const value of ["a\rb", "a\u0000b", "a\u001bb", "a\u007fb"]) {
      assert.equal(contactSchema.safeParse(extra({ "x-a": [value] })).success, false, JSON.stringify(value));
    }
    assert.equal(contactSchema.safeParse(extra({ "X-Service-Type": ['a"b:c;d,e\nf\tg'] })).success, true);
  });

  it("refuses a __proto__ parameter name with a message that names it", () => {
    const result = contactSchema.safeParse(
      JSON.parse(
        '{"uid": "u", "extra": [{"source": "vcard", "name": "X-A", "value": "v", "params": {"__proto__": ["1"]}}]}',
      ),
    );
    assert.equal(result.success, false);
    assert.match(result.error!.issues.map((i) => i.message).join(" "), /__proto__/);
  });
});
