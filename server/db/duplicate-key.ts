// An insert under a unique _id is the one write that is atomic on MongoDB and
// FerretDB alike, so "someone inserted it first" is an answer, not a failure.
export const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

/** Runs an insert; a duplicate key becomes `onDuplicate()`'s result or error. */
export async function insertOr<T>(insert: Promise<unknown>, onDuplicate: () => T): Promise<T | undefined> {
  try {
    await insert;
    return undefined;
  } catch (err) {
    if (isDuplicateKey(err)) return onDuplicate();
    throw err;
  }
}
