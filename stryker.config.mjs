// Mutation testing of the sync core (issue 7), not part of CI: `npm run mutate`.
// Mutates the decision table, the merge, the executor, the incremental snapshots, the mode rule (modeFor)
// and the session, and runs the unit and model tests against each mutant.
// Narrow a run with MUTATE (comma-separated files, Stryker's file:line-line ranges allowed) and
// MUTATE_SPEC (comma-separated test files), e.g.
//   MUTATE=core/contact/merge.ts MUTATE_SPEC=test/core/reconcile-merge.test.ts npm run mutate
// Stryker's first (dry) run must pass: the model tests fail until the issue 7 fixes are merged.
// The command runner, not @stryker-mutator/mocha-runner: mocha-runner 9 loads mocha/lib/cli/run-helpers,
// which mocha 12 renamed to run-helpers.cjs (and its peer range stops below mocha 12), so it cannot
// load this project's mocha. The command runner runs mocha (with tsx) once per mutant instead; no
// per-test coverage, so narrow the tests to the ones that exercise the mutated file.
const list = (value, fallback) =>
  value
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : fallback;

const spec = list(process.env.MUTATE_SPEC, [
  "test/core/reconcile.test.ts",
  "test/core/reconcile-merge.test.ts",
  "test/core/run-sync.test.ts",
  "test/core/sync-model.test.ts",
  "test/core/sync-mode.test.ts",
  "test/addin/sync-session.test.ts",
]);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "command",
  commandRunner: {
    command: `npx mocha --no-config -n import=tsx --timeout 60000 --exit --reporter dot ${spec.join(" ")}`,
  },
  coverageAnalysis: "off",
  mutate: list(process.env.MUTATE, [
    "core/sync/reconcile.ts",
    "core/contact/merge.ts",
    "core/sync/run-sync.ts",
    "core/sync/snapshots.ts",
    "core/sync/mode.ts",
    "addin/sync/sync-session.ts",
  ]),
  ignorePatterns: ["dist", "data", "reports", "test-artifacts", "bench-results.json"],
  disableTypeChecks: "{core,addin,server,test}/**/*.{js,ts}",
  // Two cores, shared with other work.
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ["clear-text", "progress"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
