// Request validation: zod schemas, and a 400 that names each bad field.
import type { z } from "zod";
import { badRequest } from "./errors";

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where = "body"): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    field: [where, ...i.path.map(String), ...("keys" in i && Array.isArray(i.keys) ? [i.keys.join(",")] : [])].join(
      ".",
    ),
    message: i.message,
  }));
  throw badRequest(`Invalid ${where}: ${details.map((d) => `${d.field}: ${d.message}`).join("; ")}`, details);
}
