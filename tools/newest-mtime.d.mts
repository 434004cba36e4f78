/** The newest modification time (ms) under the paths that exist, folders walked whole. */
export function newestMtime(paths: string[]): number;
