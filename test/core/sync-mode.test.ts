// The mode rule (core/sync/mode.ts): what a sync does to a book follows from the user's access alone.
import assert from "node:assert/strict";
import { modeFor } from "../../core/sync/mode";

describe("modeFor", () => {
  it("pulls a book the user may only read, whatever its kind", () => {
    for (const kind of ["gab", "pab", "directory"] as const) assert.equal(modeFor({ kind, access: "read" }), "pull");
  });

  it("syncs a writable book both ways, an admin's GAB included, and never chooses publish", () => {
    for (const kind of ["gab", "pab", "directory"] as const) {
      assert.equal(modeFor({ kind, access: "write" }), "two-way");
    }
  });
});
