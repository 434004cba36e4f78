// Mutation testing of the sync core (issue 7), not part of CI: `npm run mutate`.
// Mutates the decision table, the merge, the executor, the incremental snapshots and the session
// (which holds the mode rule, modeFor), and runs the unit and model tests against each mutant.
// Narrow a run with MUTATE (comma-separated files, Stryker's file:line-line ranges allowed) and
// MUTATE_SPEC (comma-separated test files), e.g.
//   MUTATE=core/merge.ts MUTATE_SPEC=test/core/reconcile-merge.test.ts npm run mutate
// Stryker's first (dry) run must pass: the model tests fail until the issue 7 fixes are merged.
const list = (value, fallback) => (value ? value.split(",").map((s) => s.trim()).filter(Boolean) : fallback);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "mocha",
  // The mocha runner runs mocha inside Stryker's worker processes: tsx is loaded there, as
  // .mocharc.json's node-option does for a plain `mocha`.
  testRunnerNodeArgs: ["--import", "tsx"],
  mochaOptions: {
    spec: list(process.env.MUTATE_SPEC, [
      "test/core/reconcile.test.ts",
      "test/core/reconcile-merge.test.ts",
      "test/core/run-sync.test.ts",
      "test/core/sync-model.test.ts",
      "test/addin/sync-session.test.ts",
    ]),
    "no-config": true,
  },
  mutate: list(process.env.MUTATE, [
    "core/reconcile.ts",
    "core/merge.ts",
    "core/run-sync.ts",
    "addin/sync/snapshots.ts",
    "addin/sync/sync-session.ts",
  ]),
  coverageAnalysis: "perTest",
  // Two cores, shared with other work.
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ["clear-text", "progress"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
