// Text and attribute values in XML: EWS requests (core's contact mapping and the add-in's store)
// and the deployed manifest all escape with this one function.

// XML 1.0 §2.2 forbids most C0 controls even as references; Outlook fields can hold them.
const invalidXmlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** `value` as XML character data or a quoted attribute value; characters XML cannot carry are dropped. */
export function escapeXml(value: string): string {
  return value
    .replace(invalidXmlChars, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
