// A small ordered view of EWS XML. EWS cares about element order (CreateItem
// validates against the schema sequence) and about which child is which, so
// the tree keeps document order (fast-xml-parser preserveOrder) and drops
// namespace prefixes on read; on write every element gets the EWS types prefix.
import { XMLBuilder, XMLParser } from "fast-xml-parser";

/** One node of fast-xml-parser's preserveOrder tree: `{ tag: children, ":@": attributes }` or `{ "#text": text }`. */
export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Decodes numeric character references (&#x263A;) as well as the XML five.
  htmlEntities: true,
});

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  suppressEmptyNode: true,
});

export function parseXml(xml: string): XmlNode[] {
  return parser.parse(xml) as XmlNode[];
}

export function elementName(node: XmlNode): string | undefined {
  return Object.keys(node).find((key) => key !== ":@" && key !== "#text");
}

export function attribute(node: XmlNode, name: string): string | undefined {
  const attributes = node[":@"] as Record<string, string> | undefined;
  return attributes?.[name];
}

function childNodes(node: XmlNode): XmlNode[] {
  const name = elementName(node);
  return name ? ((node[name] as XmlNode[]) ?? []) : [];
}

/** Child elements, without the whitespace text between them. */
export function children(node: XmlNode): XmlNode[] {
  return childNodes(node).filter((child) => elementName(child) !== undefined);
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  return children(node).find((c) => elementName(c) === name);
}

export function text(node: XmlNode | undefined): string {
  if (!node) return "";
  return childNodes(node)
    .map((c) => (typeof c["#text"] === "string" ? c["#text"] : ""))
    .join("");
}

/** Every element called `name` under `nodes`, in document order (not inside a match). */
export function descendants(nodes: XmlNode[], name: string): XmlNode[] {
  return nodes.flatMap((node) => {
    const tag = elementName(node);
    if (!tag) return [];
    return tag === name ? [node] : descendants(childNodes(node), name);
  });
}

function withPrefix(node: XmlNode, prefix: string): XmlNode {
  const name = elementName(node);
  if (!name) return node;
  const renamed: XmlNode = { [prefix + name]: childNodes(node).map((c) => withPrefix(c, prefix)) };
  if (node[":@"]) renamed[":@"] = node[":@"];
  return renamed;
}

/** Serialises elements with the EWS types prefix `t:` (the envelope declares it). */
export function buildTypesXml(nodes: XmlNode[]): string {
  return builder.build(nodes.map((node) => withPrefix(node, "t:"))) as string;
}

// One escaping for every XML Concord writes (core/formats/xml-escape.ts).
export { escapeXml } from "../../core/formats/xml-escape";
