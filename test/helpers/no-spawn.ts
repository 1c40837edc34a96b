import { createRequire, syncBuiltinESMExports } from "node:module";

/**
 * Setup file of `npm run test:unit`: the unit run is the pure and in-process
 * tests, for seconds of feedback, so starting a process there is a mistake
 * of classification, not a slow test. Every way to start one throws, naming
 * where such a test belongs (vitest.split.ts).
 */
const refuse = (name: string) => () => {
  throw new Error(
    `child_process.${name}: a unit test may not start processes; it is an adapter test (npm run test:adapters): import a helper that marks it, or list it in ADAPTER_TESTS in vitest.split.ts`,
  );
};
// The CommonJS exports object: the one place the functions live, for require and import alike.
const childProcess = createRequire(import.meta.url)("node:child_process") as Record<
  string,
  unknown
>;
for (const name of [
  "spawn",
  "spawnSync",
  "exec",
  "execSync",
  "execFile",
  "execFileSync",
  "fork",
] as const) {
  childProcess[name] = refuse(name);
}
// ES module imports of node:child_process see the replaced functions too.
syncBuiltinESMExports();
