// One parsed vCard property. ical.js checks the line and reads its parameters
// (quoting, RFC 6868); we keep the name and the value text as written, which a
// lossless round trip needs and from which the mapping unescapes what it takes.
import ICAL from "ical.js";
import { headOf, type ContentLine } from "./content-lines";
import { needsRewrite, rewriteLegacyLine } from "./legacy-line";
import { VCardError } from "./vcard-error";

export type DesignSet = typeof ICAL.design.vcard;
export type Params = Record<string, string[]>;

export interface VCardProperty {
  line: number;
  /** As written, group prefix included: "item1.X-ABLabel". */
  name: string;
  /** Upper case, no group: "X-ABLABEL". */
  key: string;
  params: Params;
  /** The value in vCard 3.0/4.0 syntax, still escaped. */
  raw: string;
}

export const designSetFor = (version: string): DesignSet =>
  version === "4.0" ? ICAL.design.vcard : ICAL.design.vcard3;

function flatParams(jcalParams: Record<string, unknown>): Params {
  const params: Params = {};
  for (const [name, value] of Object.entries(jcalParams)) {
    if (name === "group") continue;
    // ical.js nests repeated TYPE parameters: type=a;type=b,c → ["a", ["b", "c"]].
    params[name] = [value].flat(Infinity).map(String);
  }
  return params;
}

export function readProperty(content: ContentLine, version: string, binary: boolean): VCardProperty {
  const text = needsRewrite(content.text, version, binary) ? rewriteLegacyLine(content, version, binary) : content.text;
  const head = headOf(text) as string;
  let jcal: unknown[];
  try {
    jcal = ICAL.parse.property(text, designSetFor(version));
  } catch (error) {
    throw new VCardError(content.line, (error as Error).message);
  }
  const name = head.split(";")[0];
  const params = flatParams(jcal[1] as Record<string, unknown>);
  // ical.js turns VALUE= into the jCard type and drops the parameter.
  if (/;VALUE=/i.test(head)) params.value = [String(jcal[2])];
  return {
    line: content.line,
    name,
    key: name.slice(name.lastIndexOf(".") + 1).toUpperCase(),
    params,
    raw: text.slice(head.length + 1),
  };
}
