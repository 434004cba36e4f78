// Users, roles and mailing lists, and the Local Directory derived from them.
import { insertOr } from "../db/duplicate-key";
import type { z } from "zod";
import type { MailingListDoc, Models, UserDoc } from "../db/models";
import { storeError } from "./errors";
import { hashPassword } from "../auth/passwords";
import { DIRECTORY_ID, newBookId } from "./books";
import { listEntryOp, userEntryOp, userEntryUid } from "./directory-entries";
import type { Accounts, BookStore, ContactStore, DeletedUser, PublicUser, SessionUser } from "./contract";
import type { listPatchSchema, newListSchema, newUserSchema, userPatchSchema } from "./account-schemas";

export { listPatchSchema, newListSchema, newUserSchema, usernameSchema, userPatchSchema } from "./account-schemas";
export type { PublicUser } from "./contract";

export const publicUser = (u: UserDoc): PublicUser => ({
  username: u._id,
  displayName: u.displayName ?? "",
  email: u.email ?? "",
  admin: Boolean(u.admin),
  disabled: Boolean(u.disabled),
  visibleInDirectory: u.visibleInDirectory !== false,
  primaryBook: u.primaryBook,
});
export const publicList = (l: MailingListDoc) => ({
  address: l._id,
  name: l.name ?? "",
  members: l.members ?? [],
  visibleInDirectory: l.visibleInDirectory !== false,
});

export function createAccounts(
  models: Models,
  store: Pick<ContactStore, "applyWrites">,
  books: Pick<BookStore, "createPab" | "pabs" | "deletePab" | "sharesForUser" | "deleteShare">,
  clock: () => Date,
): Accounts {
  const { User, MailingList } = models;

  async function publishUser(u: UserDoc) {
    await store.applyWrites(DIRECTORY_ID, [userEntryOp(u)]);
  }

  async function publishList(l: MailingListDoc) {
    await store.applyWrites(DIRECTORY_ID, [listEntryOp(l)]);
  }

  async function userDoc(username: string): Promise<UserDoc> {
    const user = await User.findById(username).lean<UserDoc>();
    if (!user) throw storeError("not-found", `No user named ${username}`);
    return user;
  }

  // The user is inserted first, under its unique _id, naming the book it will own; only the
  // creation that won the insert then makes that book. Concurrent creations of one user so
  // leave one user and one book, not a book per attempt.
  async function createUser(input: z.infer<typeof newUserSchema>): Promise<PublicUser> {
    if (await User.exists({ _id: input.username }))
      throw storeError("conflict", `A user named ${input.username} already exists`);
    const doc = {
      _id: input.username,
      displayName: input.displayName ?? "",
      email: input.email ?? "",
      passwordHash: await hashPassword(input.password),
      admin: input.admin ?? false,
      disabled: false,
      visibleInDirectory: true,
      primaryBook: newBookId(),
      createdAt: clock(),
      tokenVersion: 0,
    };
    await insertOr(User.create(doc), () => {
      throw storeError("conflict", `A user named ${input.username} already exists`);
    });
    await insertOr(books.createPab("Contacts", doc._id, { id: doc.primaryBook, freeName: true }), () => undefined);
    await publishUser(doc);
    return publicUser(doc);
  }

  /** Refuses a change that would leave no enabled administrator (FerretDB: a check, then the write). */
  async function keepAnAdmin(user: UserDoc, patch: z.infer<typeof userPatchSchema>) {
    const losesAdmin = user.admin && !user.disabled && (patch.admin === false || patch.disabled === true);
    if (!losesAdmin) return;
    const others = await User.find({ _id: { $ne: user._id }, admin: true }).lean<UserDoc[]>();
    if (!others.some((u) => !u.disabled)) {
      throw storeError("forbidden", "This is the last enabled administrator: promote another user first");
    }
  }

  async function updateUser(username: string, patch: z.infer<typeof userPatchSchema>): Promise<PublicUser> {
    await keepAnAdmin(await userDoc(username), patch);
    const { password, ...fields } = patch;
    const set: Record<string, unknown> = { ...fields };
    if (password) set.passwordHash = await hashPassword(password);
    // A new password or a disable ends every session and cached sign-in of the user.
    const endSessions = Boolean(password) || patch.disabled === true;
    await User.updateOne({ _id: username }, endSessions ? { $set: set, $inc: { tokenVersion: 1 } } : { $set: set });
    const user = await userDoc(username);
    await publishUser(user);
    return publicUser(user);
  }

  async function deleteUser(username: string, opts: { deleteBooks?: boolean } = {}): Promise<DeletedUser> {
    const user = await userDoc(username);
    if (user.admin && !user.disabled) {
      const admins = await User.find({ admin: true }).lean<UserDoc[]>();
      if (!admins.some((a) => a._id !== username && !a.disabled)) {
        throw storeError("conflict", `${username} is the last administrator: make another user an administrator first`);
      }
    }
    const owned = await books.pabs(username);
    await User.deleteOne({ _id: username });
    await store.applyWrites(DIRECTORY_ID, [{ op: "delete", uid: userEntryUid(username) }]);
    for (const share of await books.sharesForUser(username)) await books.deleteShare(share.book, username);
    if (opts.deleteBooks) for (const b of owned) await books.deletePab(b.id);
    const list = owned.map((b) => ({ id: b.id, name: b.name, primary: b.id === user.primaryBook }));
    return { username, deletedBooks: opts.deleteBooks ? list : [], keptBooks: opts.deleteBooks ? [] : list };
  }

  const listUsers = async () => (await User.find({}).sort({ _id: 1 }).lean<UserDoc[]>()).map(publicUser);

  async function findList(address: string): Promise<MailingListDoc> {
    const list = await MailingList.findById(address.toLowerCase()).lean<MailingListDoc>();
    if (!list) throw storeError("not-found", `No mailing list ${address}`);
    return list;
  }

  async function createList(input: z.infer<typeof newListSchema>) {
    const doc = {
      _id: input.address,
      name: input.name,
      members: input.members,
      visibleInDirectory: input.visibleInDirectory,
    };
    await insertOr(MailingList.create(doc), () => {
      throw storeError("conflict", `The mailing list ${input.address} already exists`);
    });
    await publishList(doc);
    return publicList(doc);
  }

  async function updateList(address: string, patch: z.infer<typeof listPatchSchema>) {
    const list = await findList(address);
    await MailingList.updateOne({ _id: list._id }, { $set: patch });
    const updated = await findList(address);
    await publishList(updated);
    return publicList(updated);
  }

  async function deleteList(address: string) {
    const list = await findList(address);
    await MailingList.deleteOne({ _id: list._id });
    await store.applyWrites(DIRECTORY_ID, [listEntryOp(list, true)]);
  }

  const listLists = async () => (await MailingList.find({}).sort({ _id: 1 }).lean<MailingListDoc[]>()).map(publicList);

  const findUser = async (username: string) => publicUser(await userDoc(username));

  /** A user's display name, their username when they have none; null for no user. */
  async function displayNameOf(username: string | null | undefined): Promise<string | null> {
    if (!username) return null;
    const user = await User.findById(username).lean<UserDoc>();
    return user ? user.displayName || user._id : null;
  }

  /**
   * The user a non-admin may share a book with. "No such user" and "not someone you can share with"
   * (disabled, or hidden from the directory) get the same answer, so sharing does not tell callers
   * which user names exist beyond those the Local Directory already shows them.
   */
  async function findShareableUser(caller: { admin?: boolean | null }, username: string): Promise<PublicUser> {
    const user = await User.findById(username).lean<UserDoc>();
    if (user && (caller.admin || (!user.disabled && user.visibleInDirectory !== false))) return publicUser(user);
    throw storeError("not-found", `No user named ${username} you can share with`);
  }

  // An address is not an _id, so this reads every user with it (a scan on FerretDB, which indexes
  // only _id); only names with an "@" pay for it, and user names have none.
  async function signInUser(typed: string): Promise<SessionUser | null> {
    const name = typed.trim().toLowerCase();
    if (!name.includes("@")) return sessionUser(name);
    const exactly = `^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
    const owners = await User.find({ email: { $regex: exactly, $options: "i" } }, { _id: 1 })
      .limit(2)
      .lean<{ _id: string }[]>();
    return owners.length === 1 ? sessionUser(owners[0]._id) : null;
  }

  async function sessionUser(username: string): Promise<SessionUser | null> {
    const u = await User.findById(username).lean<UserDoc>();
    if (!u) return null;
    const { admin, disabled, passwordHash, primaryBook } = u;
    return {
      username: u._id,
      admin: Boolean(admin),
      disabled: Boolean(disabled),
      passwordHash,
      primaryBook,
      tokenVersion: u.tokenVersion ?? 0,
    };
  }

  return {
    findUser,
    createUser,
    updateUser,
    deleteUser,
    listUsers,
    createList,
    updateList,
    deleteList,
    listLists,
    findList: async (address: string) => publicList(await findList(address)),
    displayNameOf,
    sessionUser,
    signInUser,
    findShareableUser,
  };
}

export type { Accounts } from "./contract";
