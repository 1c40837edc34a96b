import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the package's own files are, whether this module runs compiled
 * (a chunk of the bundle in dist/bin/) or from source under vitest (src/util/).
 */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The compiled CLI entry point; the runner execs it as the finisher. */
export const mainJs = join(packageRoot, "dist", "bin", "main.js");

export const runnerScript = join(packageRoot, "runner", "runner.pl");

export function assertBuilt(): void {
  if (!existsSync(mainJs)) {
    throw new Error(`agentmux is not built: ${mainJs} is missing (run npm run build)`);
  }
}
