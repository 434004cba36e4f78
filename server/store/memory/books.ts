// Address books and shares in memory, with the database store's answers.
import type { BookRecord, BookStore, ContactStore, ShareRecord } from "../contract";
import { DIRECTORY_ID, GAB_ID, newBookId } from "../books";
import { storeError } from "../errors";

export function createMemoryBooks(store: Pick<ContactStore, "createBook">, userExists: (username: string) => Promise<boolean>): BookStore {
  const books = new Map<string, BookRecord>();
  const shares = new Map<string, ShareRecord>();
  const shareKey = (book: string, username: string) => `${book}:${username}`;
  const copy = <T extends object>(x: T): T => ({ ...x });

  async function create(book: BookRecord) {
    await store.createBook(book);
    books.set(book.id, copy(book));
  }

  async function ensureSystemBooks() {
    if (!books.has(GAB_ID)) await create({ id: GAB_ID, kind: "gab", name: "Global Address Book", owner: null });
    if (!books.has(DIRECTORY_ID)) await create({ id: DIRECTORY_ID, kind: "directory", name: "Local Directory", owner: null });
  }

  async function createPab(name: string, owner: string, id = newBookId()): Promise<BookRecord> {
    const book: BookRecord = { id, kind: "pab", name, owner };
    await create(book);
    return copy(book);
  }

  async function putShare(share: ShareRecord): Promise<ShareRecord> {
    if (!(await userExists(share.username))) throw storeError("not-found", `No user named ${share.username}`);
    if (share.username === books.get(share.book)?.owner) throw storeError("forbidden", "The owner already has full access");
    shares.set(shareKey(share.book, share.username), copy(share));
    return copy(share);
  }

  const all = () => [...books.values()].map(copy);
  const allShares = () => [...shares.values()].map(copy);
  return {
    getBook: async (id) => (books.has(id) ? copy(books.get(id)!) : null),
    ensureSystemBooks,
    systemBooks: async () => all().filter((b) => b.kind !== "pab"),
    pabs: async (owner) => all().filter((b) => b.kind === "pab" && (owner === undefined || b.owner === owner)),
    booksByIds: async (ids) => all().filter((b) => ids.includes(b.id)),
    allBookIds: async () => [...books.keys()],
    createPab,
    shareOf: async (book, username) => (shares.has(shareKey(book, username)) ? copy(shares.get(shareKey(book, username))!) : null),
    sharesOfBook: async (book) => allShares().filter((s) => s.book === book),
    sharesForUser: async (username) => allShares().filter((s) => s.username === username),
    putShare,
    deleteShare: async (book, username) => void shares.delete(shareKey(book, username)),
  };
}
