import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The two halves of `npm test`. Unit: src/**\/*.test.ts that never start tmux
 * (pure logic, plus adapters on temporary git repos and files), for seconds
 * of feedback. E2E: test/e2e and the src tests that start a private tmux
 * server — a src test belongs there exactly when it imports the private-socket
 * helper, so a new tmux test cannot slip into the unit run.
 */
const root = import.meta.dirname;

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

export const SRC_TMUX_TESTS: string[] = testFiles("src").filter((f) =>
  /helpers\/tmux\.js"/.test(readFileSync(join(root, f), "utf8")),
);
