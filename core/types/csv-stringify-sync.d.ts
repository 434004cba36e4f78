// The part of csv-stringify's synchronous API core uses (https://csv.js.org/stringify/api/sync/), for core's own
// typecheck only (core/tsconfig.json maps "csv-stringify/sync" here). The package's typings reference Node's types
// for its streaming API, which would bring every Node global into core's typecheck and hide an impure call.
export type Options = {
  /** https://csv.js.org/stringify/options/record_delimiter/ */
  record_delimiter?: "auto" | "unix" | "mac" | "windows" | "ascii" | "unicode" | string;
  /** https://csv.js.org/stringify/options/quoted/ */
  quoted?: boolean;
};

export declare function stringify(input: unknown[], options?: Options): string;
