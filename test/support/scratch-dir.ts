// Temporary directories for one run of the tests or the bench, removed when the process exits:
// an embedded database left behind takes 0.5 to 0.9 GB, and runs add up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
// Runs before the embedded database is killed (its own exit listener comes later): a file it
// writes meanwhile may keep a directory from going, which must not fail the run.
process.once("exit", () => {
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // left behind
    }
  }
});

/** A new directory under the system's temporary one, named `prefix` and a random suffix. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
