// A book (or a selection of it) written out in an export format, a page at a time: memory holds
// one page whatever the book's size. Google's and the generic CSV's headers need the fullest
// contact's shape, so those formats read the book twice.
import type { Contact } from "../../core/contact/contact";
import {
  encodeText,
  type ExportFormat,
  type ExportShape,
  exportShapeOf,
  exportWriter,
  needsShape,
} from "../../core/formats/import";
import type { ContactStore, Photos } from "../store/contract";

const PAGE = 500;

export type ExportDeps = { contacts: Pick<ContactStore, "listContacts" | "lookup">; photos: Pick<Photos, "load"> };

/** Pages of live contacts: the whole book, or the given uids (unknown and deleted ones left out). */
async function* pages(d: ExportDeps, book: string, uids?: string[]): AsyncGenerator<Contact[]> {
  if (uids) {
    for (let at = 0; at < uids.length; at += PAGE) {
      const found = await d.contacts.lookup(book, uids.slice(at, at + PAGE));
      yield found.flatMap((c) => (c.contact && !c.deleted ? [c.contact] : []));
    }
    return;
  }
  let cursor: string | undefined;
  do {
    const page = await d.contacts.listContacts(book, cursor, PAGE);
    yield page.contacts.map((c) => c.contact);
    cursor = page.cursor ?? undefined;
  } while (cursor);
}

async function withPhotos(d: ExportDeps, contacts: Contact[]): Promise<Contact[]> {
  return Promise.all(
    contacts.map(async (c) => {
      if (!c.photo?.hash || c.photo.data) return c;
      const bytes = await d.photos.load(c.photo.hash);
      return bytes ? { ...c, photo: { ...c.photo, data: bytes.toString("base64") } } : c;
    }),
  );
}

/** Writes the export through `write` (which should wait while the receiver is full). */
export async function exportBook(
  d: ExportDeps,
  book: string,
  format: ExportFormat,
  charset: "utf-8" | "windows-1252",
  write: (bytes: Uint8Array) => Promise<void>,
  uids?: string[],
): Promise<number> {
  let shape: ExportShape | undefined;
  if (needsShape(format)) for await (const page of pages(d, book, uids)) shape = exportShapeOf(page, shape);
  const writer = exportWriter(format, shape, { bom: charset === "utf-8" && format === "outlook-csv" });
  if (writer.head) await write(encodeText(writer.head, charset));
  let count = 0;
  for await (const page of pages(d, book, uids)) {
    const contacts = format.startsWith("vcard") ? await withPhotos(d, page) : page;
    if (contacts.length) await write(encodeText(writer.rows(contacts), charset));
    count += contacts.length;
  }
  return count;
}
