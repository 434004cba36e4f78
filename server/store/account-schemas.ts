// What the admin API and CLI send to create or change users and mailing lists.
import { z } from "zod";

export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "use 1-64 lower-case letters, digits, _ or -, starting with a letter or digit");
const passwordSchema = z.string().min(8, "must be at least 8 characters").max(256);
// RFC 5321 §4.5.3.1: a local part holds at most 64 octets and a path at most 256, so an
// address at most 254 characters; checked before anything is written.
const addressSchema = z
  .string()
  .max(254)
  .email()
  .refine((a) => a.slice(0, a.lastIndexOf("@")).length <= 64, "the part before @ must be at most 64 characters")
  .transform((a) => a.toLowerCase());

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
