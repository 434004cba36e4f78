// A multipart/form-data body (RFC 7578, framed as RFC 2046 §5.1.1 says), read as it arrives: a
// browser form posting one file. Only the file's bytes are kept, refused past `maxFileBytes`
// (413), and the text fields beside it (format, charset...) up to a few KiB; nothing else of the
// body is buffered beyond one delimiter's length.
import { HttpError } from "../http/errors";

export type FormUpload = { file: Buffer; filename: string; contentType?: string; fields: Record<string, string> };

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;
/** What a form may hold besides the file: fields, part headers, preamble and epilogue. */
export const MAX_FORM_BYTES = 1024 * 1024;
const CRLF = Buffer.from("\r\n");
const HEADERS_END = Buffer.from("\r\n\r\n");

const bad = (message: string) => new HttpError(400, "invalid-form", message);

/** The boundary of a multipart Content-Type (RFC 2046 §5.1.1: 1 to 70 characters), or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? "");
  return m?.[1] ?? m?.[2];
}

type Part = { name?: string; filename?: string; contentType?: string };

function partHeaders(text: string): Part {
  const part: Part = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-type") part.contentType = value;
    if (name !== "content-disposition") continue;
    // RFC 7578 §4.2: form-data; name="..."; filename="..." (browsers escape a quote as %22).
    for (const m of value.matchAll(/;\s*(name|filename)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gi)) {
      const v = (m[2] ?? m[3]).replace(/\\(.)/g, "$1");
      if (m[1].toLowerCase() === "name") part.name = v;
      else part.filename = v;
    }
  }
  return part;
}

/** Reads the form from `body`; the one part with a filename is the file. */
export async function readFormUpload(
  body: AsyncIterable<Buffer>,
  boundary: string,
  maxFileBytes: number,
  tooLarge: () => Error,
): Promise<FormUpload> {
  // Every delimiter is CRLF "--" boundary; the body's first one may come without the CRLF, so one
  // is put in front of the body.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buf: Buffer = Buffer.from(CRLF);
  type State = "preamble" | "after-delimiter" | "headers" | "content" | "end";
  let state = "preamble" as State;
  let part: Part = {};
  let chunks: Buffer[] = [];
  let size = 0;
  let fieldBytes = 0;
  let file: FormUpload | undefined;
  const fields: Record<string, string> = {};

  const take = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    size += bytes.length;
    if (part.filename !== undefined ? size > maxFileBytes : (fieldBytes += bytes.length) > MAX_FIELD_BYTES)
      throw part.filename !== undefined ? tooLarge() : bad(`The form's fields exceed ${MAX_FIELD_BYTES} bytes`);
    chunks.push(bytes);
  };
  const finishPart = () => {
    const content = Buffer.concat(chunks);
    if (part.filename === undefined) {
      if (part.name) fields[part.name] = content.toString("utf8");
    } else if (file) throw bad("Send one file at a time");
    else file = { file: content, filename: part.filename, contentType: part.contentType, fields };
  };

  /** Moves on as far as the bytes held allow; false when more bytes are needed. */
  const step = (): boolean => {
    switch (state) {
      case "preamble": {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          buf = buf.subarray(Math.max(0, buf.length - delimiter.length + 1));
          return false;
        }
        buf = buf.subarray(at + delimiter.length);
        state = "after-delimiter";
        return true;
      }
      case "after-delimiter": {
        // "--" closes the body; else transport padding (spaces, tabs) then CRLF starts a part.
        if (buf.length >= 2 && buf[0] === 0x2d && buf[1] === 0x2d) {
          state = "end";
          return false;
        }
        const eol = buf.indexOf(CRLF);
        if (eol < 0) {
          if (buf.length > 256) throw bad("A form boundary is followed by text");
          return false;
        }
        if (buf.subarray(0, eol).toString("latin1").trim()) throw bad("A form boundary is followed by text");
        buf = buf.subarray(eol + 2);
        state = "headers";
        return true;
      }
      case "headers": {
        const at = buf.indexOf(HEADERS_END);
        // A part without headers starts with the blank line at once.
        const bare = buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a;
        if (at < 0 && !bare) {
          if (buf.length > MAX_HEADER_BYTES) throw bad("A form part's headers are too long");
          return false;
        }
        part = bare ? {} : partHeaders(buf.subarray(0, at).toString("utf8"));
        buf = buf.subarray(bare ? 2 : at + 4);
        chunks = [];
        size = 0;
        state = "content";
        return true;
      }
      case "content": {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          // The tail could be the start of a delimiter: it is held until the next bytes tell.
          const safe = Math.max(0, buf.length - delimiter.length + 1);
          take(Buffer.from(buf.subarray(0, safe)));
          buf = buf.subarray(safe);
          return false;
        }
        take(Buffer.from(buf.subarray(0, at)));
        finishPart();
        buf = buf.subarray(at + delimiter.length);
        state = "after-delimiter";
        return true;
      }
      case "end":
        return false;
    }
  };

  let received = 0;
  for await (const chunk of body) {
    // Past the file's limit and room for the form around it, the body is refused whatever it holds.
    if ((received += chunk.length) > maxFileBytes + MAX_FORM_BYTES) throw tooLarge();
    if (state === "end") continue; // the epilogue is ignored (RFC 2046 §5.1.1)
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (step());
  }
  if (state !== "end") throw bad("The form ends before its closing boundary");
  if (!file) throw bad("The form holds no file: send the file as a form part with a filename");
  return file;
}
