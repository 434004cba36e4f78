// Import and export of whole address books: the import wizard's and the export route's core.
export {
  type ByteSource,
  importCharsets,
  type ImportCharset,
  detectCharset,
  decodeBytes,
  encodeText,
} from "./charset";
export { delimiters, type Delimiter } from "./table";
export {
  analyzeImport,
  type Analysis,
  detectImport,
  holdsWholeText,
  openImport,
  type ImportReader,
  summarizeImport,
  type ImportSummary,
  CsvMappingError,
  ImportFileError,
  importFormats,
  type ImportFormat,
  type ImportRow,
  type ImportSettings,
  ImportTooLargeError,
  PREVIEW_ROWS,
} from "./analyze";
export { duplicateIndex, duplicateModes, type DuplicateMode, mergeImported, planRow, type RowPlan } from "./duplicates";
export {
  exportExtension,
  exportFormats,
  type ExportFormat,
  exportMediaType,
  exportShapeOf,
  type ExportShape,
  exportWriter,
  needsShape,
} from "./export";
