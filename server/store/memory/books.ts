// Address books and shares in memory, with the database store's answers.
import type { BookRecord, BookStore, ContactStore, ShareRecord } from "../contract";
import { DIRECTORY_ID, GAB_ID, freeNameAmong, newBookId } from "../books";
import { storeError } from "../errors";

export function createMemoryBooks(
  store: Pick<ContactStore, "createBook"> & { dropBook(id: string): void },
  userExists: (username: string) => Promise<boolean>,
): BookStore {
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
    if (!books.has(DIRECTORY_ID))
      await create({ id: DIRECTORY_ID, kind: "directory", name: "Local Directory", owner: null });
  }

  const namesOf = (owner: string, except?: string) =>
    [...books.values()].filter((b) => b.kind === "pab" && b.owner === owner && b.id !== except).map((b) => b.name);
  function assertNameFree(owner: string, name: string, except?: string) {
    if (namesOf(owner, except).includes(name))
      throw storeError("conflict", `${owner} already has an address book named ${name}`);
  }

  async function createPab(
    name: string,
    owner: string,
    opts: { id?: string; freeName?: boolean } = {},
  ): Promise<BookRecord> {
    const { id = newBookId(), freeName = false } = opts;
    if (freeName) name = freeNameAmong(name, namesOf(owner));
    assertNameFree(owner, name);
    const book: BookRecord = { id, kind: "pab", name, owner };
    await create(book);
    return copy(book);
  }

  async function updatePab(id: string, patch: { name?: string; owner?: string }): Promise<BookRecord> {
    const book = books.get(id);
    if (book?.kind !== "pab") throw storeError("not-found", "No such address book");
    const owner = patch.owner ?? book.owner!;
    if (owner !== book.owner && !(await userExists(owner))) throw storeError("not-found", `No user named ${owner}`);
    const name = patch.name ?? book.name;
    assertNameFree(owner, name, id);
    const updated = { ...book, name, owner };
    books.set(id, updated);
    if (owner !== book.owner) shares.delete(shareKey(id, owner));
    return copy(updated);
  }

  async function deletePab(id: string): Promise<void> {
    const book = books.get(id);
    if (!book) throw storeError("not-found", "No such address book");
    if (book.kind !== "pab") throw storeError("forbidden", `The ${book.name} cannot be deleted`);
    books.delete(id);
    for (const key of [...shares.keys()]) if (shares.get(key)!.book === id) shares.delete(key);
    store.dropBook(id);
  }

  async function putShare(share: ShareRecord): Promise<ShareRecord> {
    if (!(await userExists(share.username))) throw storeError("not-found", `No user named ${share.username}`);
    if (share.username === books.get(share.book)?.owner)
      throw storeError("forbidden", "The owner already has full access");
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
    updatePab,
    deletePab,
    shareOf: async (book, username) =>
      shares.has(shareKey(book, username)) ? copy(shares.get(shareKey(book, username))!) : null,
    sharesOfBook: async (book) => allShares().filter((s) => s.book === book),
    sharesForUser: async (username) => allShares().filter((s) => s.username === username),
    putShare,
    deleteShare: async (book, username) => void shares.delete(shareKey(book, username)),
  };
}
