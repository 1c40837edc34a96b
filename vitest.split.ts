import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The parts of `npm test`, which runs them all:
 * - unit (`npm run test:unit`): src tests that start no process — pure logic,
 *   the store on a temp file, in-process HTTP on loopback — in seconds. Its
 *   setup (test/helpers/no-spawn.ts) makes starting a process throw, so a
 *   test that does cannot slip in.
 * - adapters (`npm run test:adapters`): src tests that start real git, perl,
 *   shells, node workers or notification commands.
 * - e2e (`npm run test:e2e`): test/e2e, and the src tests that start a private
 *   tmux server — a src test belongs there exactly when it imports the
 *   private-socket helper.
 */
const root = import.meta.dirname;

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const SRC_TESTS = testFiles("src");
const source = (f: string): string => readFileSync(join(root, f), "utf8");

export const SRC_TMUX_TESTS: string[] = SRC_TESTS.filter((f) =>
  /helpers\/tmux\.js"/.test(source(f)),
);

/** Src tests that start processes through the code under test, with nothing in their imports to show it. */
const ADAPTER_TESTS: readonly string[] = [
  "src/agents/codex.test.ts",
  "src/agents/ralphy.test.ts",
  "src/agents/registry.test.ts",
  "src/git/repo-lock.test.ts",
  "src/loop/check.test.ts",
  "src/notify/deliver.test.ts",
  "src/notify/outbox.test.ts",
  "src/process/run.test.ts",
  "src/process/stream.test.ts",
  "src/process/terminate.test.ts",
  "src/tmux/argv.test.ts",
];

// A listed test that moved would silently land in the unit part, whose
// setup makes its processes fail: every name must still be a test file.
const stale = ADAPTER_TESTS.filter((f) => !SRC_TESTS.includes(f));
if (stale.length > 0) throw new Error(`vitest.split.ts lists missing tests: ${stale.join(", ")}`);

/** Importing one of these marks a test as starting processes. */
const SPAWNS =
  /from "(node:child_process|[^"]*test\/helpers\/(git|cli|proc)\.js|[^"]*\/process\/run\.js)"/;

export const SRC_ADAPTER_TESTS: string[] = SRC_TESTS.filter(
  (f) => !SRC_TMUX_TESTS.includes(f) && (ADAPTER_TESTS.includes(f) || SPAWNS.test(source(f))),
);
