// Server-wide secrets live in the database, so every instance behind a load
// balancer shares them. The first instance to insert one wins; the rest read it.
import { insertOr } from "../db/duplicate-key";
import { randomBytes } from "node:crypto";
import type { Models } from "../db/models";

export async function settingOnce(models: Models, name: string, make: () => string): Promise<string> {
  const existing = await models.Setting.findById(name).lean();
  if (existing) return existing.value;
  await insertOr(models.Setting.create({ _id: name, value: make() }), () => undefined); // another instance won
  return (await models.Setting.findById(name).lean())!.value;
}

export const jwtSecret = (models: Models, configured?: string) =>
  configured ? Promise.resolve(configured) : settingOnce(models, "jwtSecret", () => randomBytes(48).toString("base64url"));
