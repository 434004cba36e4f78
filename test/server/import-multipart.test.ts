// A browser form posting the import file (multipart/form-data), read as it arrives: the file part
// and the fields beside it, whatever way the body is cut into chunks; a file over the limit, a
// second file or a cut-off form are refused.
import assert from "node:assert/strict";
import { boundaryOf, readFormUpload } from "../../server/imports/multipart";

const boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const form = (file: string, more = "") =>
  Buffer.from(
    `preamble to ignore\r\n--${boundary}\r\n` +
      'Content-Disposition: form-data; name="format"\r\n\r\noutlook\r\n' +
      `--${boundary}\r\n` +
      'Content-Disposition: form-data; name="file"; filename="contacts \\"2024\\".csv"\r\n' +
      "Content-Type: text/csv\r\n\r\n" +
      `${file}\r\n${more}--${boundary}--\r\nepilogue`,
  );
const tooLarge = () => new Error("too large");

async function* chunked(bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe("multipart import upload", () => {
  it("reads the file part and the fields of a form, however the body is cut into chunks", async () => {
    // A file that holds CRLF, dashes and most of the boundary, but never the delimiter itself.
    const file = `First Name,Notes\r\nAnn,"a\r\n--${boundary.slice(0, -1)}x"\r\n--\r\n`;
    const body = form(file);
    for (const size of [1, 2, 3, 7, 41, 64, body.length]) {
      const got = await readFormUpload(chunked(body, size), boundary, 1000, tooLarge);
      assert.equal(got.file.toString(), file, `chunks of ${size}`);
      assert.equal(got.filename, 'contacts "2024".csv');
      assert.equal(got.contentType, "text/csv");
      assert.deepEqual(got.fields, { format: "outlook" });
    }
  });

  it("takes the boundary from the Content-Type, quoted or not", () => {
    assert.equal(boundaryOf(`multipart/form-data; boundary=${boundary}`), boundary);
    assert.equal(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b:c"'), "a b:c");
    assert.equal(boundaryOf("multipart/form-data"), undefined);
  });

  it("refuses a file over the limit as it arrives, a second file, a form without a file and a cut-off form", async () => {
    await assert.rejects(readFormUpload(chunked(form("x".repeat(101)), 10), boundary, 100, tooLarge), /too large/);
    const second = `--${boundary}\r\nContent-Disposition: form-data; name="f2"; filename="b.csv"\r\n\r\nb\r\n`;
    await assert.rejects(readFormUpload(chunked(form("a", second), 16), boundary, 100, tooLarge), /one file/);
    const noFile = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--${boundary}--`);
    await assert.rejects(readFormUpload(chunked(noFile, 5), boundary, 100, tooLarge), /no file/);
    const cut = form("a,b\r\n1,2").subarray(0, 150);
    await assert.rejects(readFormUpload(chunked(cut, 8), boundary, 100, tooLarge), /ends before/);
  });
});
