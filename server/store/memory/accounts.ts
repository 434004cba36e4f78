// Users and mailing lists in memory, publishing the same Local Directory entries as the
// database store.
import type { z } from "zod";
import { hashPassword } from "../../auth/passwords";
import type { listPatchSchema, newListSchema, newUserSchema, userPatchSchema } from "../account-schemas";
import { DIRECTORY_ID, newBookId } from "../books";
import type { Accounts, BookStore, ContactStore, DeletedUser, MailingList, PublicUser, SessionUser } from "../contract";
import { listEntryOp, userEntryOp, userEntryUid } from "../directory-entries";
import { storeError } from "../errors";

type User = PublicUser & { passwordHash: string; tokenVersion: number };

export function createMemoryAccounts(
  store: Pick<ContactStore, "applyWrites">,
  books: () => Pick<BookStore, "createPab" | "pabs" | "deletePab" | "sharesForUser" | "deleteShare">,
): Accounts {
  const users = new Map<string, User>();
  const lists = new Map<string, MailingList>();

  const publicOf = ({ passwordHash: _hash, tokenVersion: _tv, ...u }: User): PublicUser => ({ ...u });
  const publishUser = (u: User) => store.applyWrites(DIRECTORY_ID, [userEntryOp({ ...u, _id: u.username })]);
  const publishList = (l: MailingList, removed = false) =>
    store.applyWrites(DIRECTORY_ID, [listEntryOp({ ...l, _id: l.address }, removed)]);

  function user(username: string): User {
    const u = users.get(username);
    if (!u) throw storeError("not-found", `No user named ${username}`);
    return u;
  }
  function list(address: string): MailingList {
    const l = lists.get(address.toLowerCase());
    if (!l) throw storeError("not-found", `No mailing list ${address}`);
    return l;
  }

  async function createUser(input: z.infer<typeof newUserSchema>): Promise<PublicUser> {
    if (users.has(input.username)) throw storeError("conflict", `A user named ${input.username} already exists`);
    const passwordHash = await hashPassword(input.password);
    // Claimed before any await that follows, so racing creations leave one user and one book.
    if (users.has(input.username)) throw storeError("conflict", `A user named ${input.username} already exists`);
    const u: User = {
      username: input.username,
      displayName: input.displayName ?? "",
      email: input.email ?? "",
      admin: input.admin ?? false,
      disabled: false,
      visibleInDirectory: true,
      primaryBook: newBookId(),
      passwordHash,
      tokenVersion: 0,
    };
    users.set(u.username, u);
    await books().createPab("Contacts", u.username, { id: u.primaryBook, freeName: true });
    await publishUser(u);
    return publicOf(u);
  }

  async function updateUser(username: string, patch: z.infer<typeof userPatchSchema>): Promise<PublicUser> {
    const { password, ...fields } = patch;
    const before = user(username);
    const losesAdmin = before.admin && !before.disabled && (patch.admin === false || patch.disabled === true);
    if (losesAdmin && ![...users.values()].some((o) => o.username !== username && o.admin && !o.disabled)) {
      throw storeError("forbidden", "This is the last enabled administrator: promote another user first");
    }
    const u: User = { ...before, ...fields };
    if (password) u.passwordHash = await hashPassword(password);
    if (password || patch.disabled === true) u.tokenVersion += 1;
    users.set(username, u);
    await publishUser(u);
    return publicOf(u);
  }

  async function deleteUser(username: string, opts: { deleteBooks?: boolean } = {}): Promise<DeletedUser> {
    const u = user(username);
    if (u.admin && !u.disabled && ![...users.values()].some((o) => o.username !== username && o.admin && !o.disabled)) {
      throw storeError("conflict", `${username} is the last administrator: make another user an administrator first`);
    }
    const owned = await books().pabs(username);
    users.delete(username);
    await store.applyWrites(DIRECTORY_ID, [{ op: "delete", uid: userEntryUid(username) }]);
    for (const share of await books().sharesForUser(username)) await books().deleteShare(share.book, username);
    if (opts.deleteBooks) for (const b of owned) await books().deletePab(b.id);
    const list = owned.map((b) => ({ id: b.id, name: b.name, primary: b.id === u.primaryBook }));
    return { username, deletedBooks: opts.deleteBooks ? list : [], keptBooks: opts.deleteBooks ? [] : list };
  }

  async function createList(input: z.infer<typeof newListSchema>): Promise<MailingList> {
    if (lists.has(input.address)) throw storeError("conflict", `The mailing list ${input.address} already exists`);
    const l = { ...input };
    lists.set(l.address, l);
    await publishList(l);
    return { ...l };
  }

  async function updateList(address: string, patch: z.infer<typeof listPatchSchema>): Promise<MailingList> {
    const l = { ...list(address), ...patch };
    lists.set(l.address, l);
    await publishList(l);
    return { ...l };
  }

  async function deleteList(address: string): Promise<void> {
    const l = list(address);
    lists.delete(l.address);
    await publishList(l, true);
  }

  async function sessionUser(username: string): Promise<SessionUser | null> {
    const u = users.get(username);
    if (!u) return null;
    const { admin, disabled, passwordHash, primaryBook, tokenVersion } = u;
    return { username, admin, disabled, passwordHash, primaryBook, tokenVersion };
  }

  async function signInUser(typed: string): Promise<SessionUser | null> {
    const name = typed.trim().toLowerCase();
    if (!name.includes("@")) return sessionUser(name);
    const owners = [...users.values()].filter((u) => u.email.toLowerCase() === name);
    return owners.length === 1 ? sessionUser(owners[0].username) : null;
  }

  const byName =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  return {
    findUser: async (username) => publicOf(user(username)),
    listUsers: async () => [...users.values()].map(publicOf).sort(byName((u) => u.username)),
    createUser,
    updateUser,
    deleteUser,
    displayNameOf: async (username) => {
      const u = username ? users.get(username) : undefined;
      return u ? u.displayName || u.username : null;
    },
    sessionUser,
    signInUser,
    findShareableUser: async (caller, username) => {
      const u = users.get(username);
      if (u && (caller.admin || (!u.disabled && u.visibleInDirectory))) return publicOf(u);
      throw storeError("not-found", `No user named ${username} you can share with`);
    },
    listLists: async () => [...lists.values()].map((l) => ({ ...l })).sort(byName((l) => l.address)),
    findList: async (address) => ({ ...list(address) }),
    createList,
    updateList,
    deleteList,
  };
}
