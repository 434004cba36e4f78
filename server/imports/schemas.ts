// The import and export API's request shapes (the OpenAPI document is generated from these).
import { z } from "zod";
import { delimiters, duplicateModes, exportFormats, importCharsets, importFormats } from "../../core/formats/import";

const mapping = z.record(z.string().max(256), z.string().max(300)).refine((m) => Object.keys(m).length <= 2000, {
  message: "at most 2000 columns",
});
export const importSettingsSchema = z.strictObject({
  format: z.enum(importFormats).optional(),
  charset: z.enum(importCharsets).optional(),
  delimiter: z.enum(delimiters).optional(),
  mapping: mapping.optional(),
});
export const importQuerySchema = z.strictObject({
  format: z.enum(importFormats).optional(),
  charset: z.enum(importCharsets).optional(),
  delimiter: z.enum([",", ";", "tab", "\t"]).optional(),
  mapping: z.string().min(1).max(128).optional(),
});
export const duplicatesSchema = z.strictObject({ duplicates: z.enum(duplicateModes).default("skip") });
export const mappingNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^/\\?#\u0000-\u001f]+$/, "must not contain / \\ ? # or control characters");
export const mappingBodySchema = z.strictObject({ mapping, shared: z.boolean().optional() });
export const exportQuerySchema = z.strictObject({
  format: z.enum(exportFormats).default("vcard4"),
  charset: z.enum(["utf-8", "windows-1252"]).default("utf-8"),
});
export const exportSelectionSchema = z.strictObject({ uids: z.array(z.string().min(1).max(256)).min(1).max(100_000) });

const rowError = z.object({ row: z.number(), message: z.string() });
export const importPreviewSchema = z.object({
  id: z.string(),
  book: z.string(),
  format: z.enum(importFormats),
  charset: z.enum(importCharsets),
  delimiter: z.string().nullable(),
  columns: z.array(z.string()),
  rows: z.number(),
  preview: z.array(z.object({ row: z.number(), contact: z.unknown().optional(), error: z.string().optional() })),
  mapping: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
});
export const importStatusSchema = z.object({
  id: z.string(),
  book: z.string(),
  state: z.enum(["ready", "running", "done", "failed", "cancelled", "undoing", "undone"]),
  duplicates: z.enum(duplicateModes).nullable(),
  done: z.number(),
  total: z.number(),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  errors: z.array(rowError),
  errorCount: z.number(),
  failure: z.string().optional(),
  undone: z.object({ removed: z.number(), restored: z.number(), kept: z.number() }).optional(),
});
export const dryRunSchema = z.object({
  create: z.number(),
  update: z.number(),
  skip: z.number(),
  errors: z.array(rowError),
});
export const importMappingSchema = z.object({
  name: z.string(),
  shared: z.boolean(),
  mapping: z.record(z.string(), z.string()),
});
