// Temporary directories for one run of the tests or the bench, removed once the process has
// exited: an embedded database left behind takes 0.5 to 0.9 GB, and runs add up. The removal
// runs in a detached shell a moment after the exit, since the embedded database is killed only
// by a later exit listener and may still be writing its files while this one runs.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
process.once("exit", () => {
  if (made.length === 0) return;
  spawn("sh", ["-c", 'sleep 2; exec rm -rf -- "$@"', "rm", ...made], { detached: true, stdio: "ignore" }).unref();
});

/** A new directory under the system's temporary one, named `prefix` and a random suffix. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
