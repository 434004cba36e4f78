// The part of csv-parse's synchronous API core uses (https://csv.js.org/parse/api/sync/), for core's own typecheck
// only (core/tsconfig.json maps "csv-parse/sync" here). The package's typings reference Node's types for its
// streaming API, which would bring every Node global into core's typecheck and hide an impure call.

/** https://csv.js.org/parse/errors/ */
export type CsvError = Error & { readonly code: string };

/** https://csv.js.org/parse/options/ */
export type Options = {
  delimiter?: string | string[];
  bom?: boolean;
  relax_column_count?: boolean;
  skip_empty_lines?: boolean;
  skip_records_with_error?: boolean;
  on_record?: (record: string[]) => string[] | null | undefined;
  on_skip?: (err: CsvError | undefined, raw: string | undefined) => undefined;
};

export declare function parse(input: string, options?: Options): string[][];
