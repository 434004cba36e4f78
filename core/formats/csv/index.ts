// CSV ⇄ Contact: the import wizard's entry points.
export { detectCsvFormat, csvFormats, type CsvFormat } from "./detect-format";
export { parseContactsCsv, type ParseContactsCsvOptions, type ParseContactsCsvResult } from "./parse-contacts";
export { contactsToCsv, type CsvExportFormat } from "./export-contacts";
export { CsvMappingError, compileMapping, parseTarget } from "./column-mapping";
export { decodeCsvInput } from "./decode-input";
export { readCsvTable } from "./read-table";
