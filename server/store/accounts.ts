// Users, roles and mailing lists, and the Local Directory derived from them.
import { insertOr } from "../db/duplicate-key";
import { z } from "zod";
import type { Contact } from "../../core/contact/contact";
import { contactSchema } from "../../core/contact/contact";
import type { MailingListDoc, Models, UserDoc } from "../db/models";
import { conflict, notFound } from "../http/errors";
import { hashPassword } from "../auth/passwords";
import { DIRECTORY_ID, type Books } from "./books";
import type { ContactStore } from "./contact-store";

export const usernameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "use 1-64 lower-case letters, digits, _ or -, starting with a letter or digit");
const passwordSchema = z.string().min(8, "must be at least 8 characters").max(256);
const addressSchema = z.string().max(320).email().transform((a) => a.toLowerCase());

export const newUserSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  displayName: z.string().max(256).optional(),
  email: z.string().max(320).email().optional(),
  admin: z.boolean().optional(),
});
export const userPatchSchema = z.strictObject({
  displayName: z.string().max(256).optional(),
  email: z.string().max(320).email().or(z.literal("")).optional(),
  admin: z.boolean().optional(),
  disabled: z.boolean().optional(),
  visibleInDirectory: z.boolean().optional(),
  password: passwordSchema.optional(),
});
const listFields = {
  name: z.string().max(256),
  members: z.array(addressSchema).max(10_000),
  visibleInDirectory: z.boolean(),
};
export const newListSchema = z.strictObject({
  address: addressSchema,
  name: listFields.name.default(""),
  members: listFields.members.default([]),
  visibleInDirectory: listFields.visibleInDirectory.default(true),
});
// No defaults here: a field left out of a PATCH stays as it is.
export const listPatchSchema = z.strictObject(listFields).partial();

export type PublicUser = { username: string; displayName: string; email: string; admin: boolean; disabled: boolean; visibleInDirectory: boolean; primaryBook: string };

export const publicUser = (u: UserDoc): PublicUser => ({
  username: u._id,
  displayName: u.displayName ?? "",
  email: u.email ?? "",
  admin: Boolean(u.admin),
  disabled: Boolean(u.disabled),
  visibleInDirectory: u.visibleInDirectory !== false,
  primaryBook: u.primaryBook,
});
export const publicList = (l: MailingListDoc) => ({ address: l._id, name: l.name ?? "", members: l.members ?? [], visibleInDirectory: l.visibleInDirectory !== false });

// Directory entries are ordinary contacts in the Directory book, so clients
// sync it through the same change feed as any other book.
const userEntryUid = (username: string) => `user-${username}`;
const listEntryUid = (address: string) => `list-${address.replace(/[/\\?#]/g, "_")}`;

function userEntry(u: UserDoc): Contact {
  return contactSchema.parse({
    uid: userEntryUid(u._id),
    displayName: u.displayName || u._id,
    emails: u.email ? [{ type: "work", address: u.email }] : [],
    extra: [{ source: "concord", name: "X-CONCORD-KIND", value: "user" }],
  });
}

function listEntry(l: MailingListDoc): Contact {
  return contactSchema.parse({
    uid: listEntryUid(l._id),
    displayName: l.name || l._id,
    emails: [{ type: "work", address: l._id }],
    extra: [{ source: "concord", name: "X-CONCORD-KIND", value: "mailing-list" }],
  });
}

export function createAccounts(models: Models, store: ContactStore, books: Books, clock: () => Date) {
  const { User, MailingList } = models;

  async function publishUser(u: UserDoc) {
    const visible = !u.disabled && u.visibleInDirectory !== false;
    await store.applyWrites(DIRECTORY_ID, [visible ? { op: "put", uid: userEntryUid(u._id), contact: userEntry(u) } : { op: "delete", uid: userEntryUid(u._id) }]);
  }

  async function publishList(l: MailingListDoc) {
    await store.applyWrites(DIRECTORY_ID, [l.visibleInDirectory !== false ? { op: "put", uid: listEntryUid(l._id), contact: listEntry(l) } : { op: "delete", uid: listEntryUid(l._id) }]);
  }

  async function findUser(username: string): Promise<UserDoc> {
    const user = await User.findById(username).lean<UserDoc>();
    if (!user) throw notFound(`No user named ${username}`);
    return user;
  }

  async function createUser(input: z.infer<typeof newUserSchema>): Promise<PublicUser> {
    if (await User.exists({ _id: input.username })) throw conflict(`A user named ${input.username} already exists`);
    const pab = await books.createPab("Contacts", input.username, { freeName: true });
    const doc = {
      _id: input.username,
      displayName: input.displayName ?? "",
      email: input.email ?? "",
      passwordHash: await hashPassword(input.password),
      admin: input.admin ?? false,
      disabled: false,
      visibleInDirectory: true,
      primaryBook: pab.id,
      createdAt: clock(),
    };
    await insertOr(User.create(doc), () => {
      throw conflict(`A user named ${input.username} already exists`);
    });
    await publishUser(doc);
    return publicUser(doc);
  }

  async function updateUser(username: string, patch: z.infer<typeof userPatchSchema>): Promise<PublicUser> {
    await findUser(username);
    const { password, ...fields } = patch;
    const set: Record<string, unknown> = { ...fields };
    if (password) set.passwordHash = await hashPassword(password);
    await User.updateOne({ _id: username }, { $set: set });
    const user = await findUser(username);
    await publishUser(user);
    return publicUser(user);
  }

  /** Deletes a user, their Directory entry and the shares they were given. Their PABs are kept
   *  (for an administrator to give to someone else) unless `deleteBooks`; either way the answer
   *  names them. */
  async function deleteUser(caller: Pick<UserDoc, "_id" | "admin">, username: string, opts: { deleteBooks?: boolean } = {}) {
    const user = await findUser(username);
    if (user.admin && !user.disabled) {
      const admins = await User.find({ admin: true }).lean<UserDoc[]>();
      if (!admins.some((a) => a._id !== username && !a.disabled)) throw conflict(`${username} is the last administrator: make another user an administrator first`);
    }
    const owned = await books.pabsOwnedBy(username);
    await User.deleteOne({ _id: username });
    await store.applyWrites(DIRECTORY_ID, [{ op: "delete", uid: userEntryUid(username) }]);
    await models.Share.deleteMany({ username });
    if (opts.deleteBooks) for (const b of owned) await books.deletePab(caller, b.id, { withOwner: true });
    const list = owned.map((b) => ({ id: b.id, name: b.name, primary: b.id === user.primaryBook }));
    return { username, deletedBooks: opts.deleteBooks ? list : [], keptBooks: opts.deleteBooks ? [] : list };
  }

  const listUsers = async () => (await User.find({}).sort({ _id: 1 }).lean<UserDoc[]>()).map(publicUser);

  async function findList(address: string): Promise<MailingListDoc> {
    const list = await MailingList.findById(address.toLowerCase()).lean<MailingListDoc>();
    if (!list) throw notFound(`No mailing list ${address}`);
    return list;
  }

  async function createList(input: z.infer<typeof newListSchema>) {
    const doc = { _id: input.address, name: input.name, members: input.members, visibleInDirectory: input.visibleInDirectory };
    await insertOr(MailingList.create(doc), () => {
      throw conflict(`The mailing list ${input.address} already exists`);
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
    await store.applyWrites(DIRECTORY_ID, [{ op: "delete", uid: listEntryUid(list._id) }]);
  }

  const listLists = async () => (await MailingList.find({}).sort({ _id: 1 }).lean<MailingListDoc[]>()).map(publicList);

  return { findUser, createUser, updateUser, deleteUser, listUsers, createList, updateList, deleteList, listLists, findList };
}

export type Accounts = ReturnType<typeof createAccounts>;
