/** Builds the server's bundles, and `extra` ones (output path without extension → source), in dist/. */
export function buildServer(extra?: Record<string, string>): Promise<void>;
