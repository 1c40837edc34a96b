import { parseClaude } from "./claude.js";
import { parseCodex } from "./codex.js";
import type { ReportedUsage } from "./types.js";

/**
 * Usage from an agent's output, whichever CLI printed it (an agent run as
 * `cmd` counts too). A run with neither format reports nothing: null.
 */
export function usageFromOutput(text: string): ReportedUsage | null {
  const lines = text.split("\n");
  return parseClaude(lines) ?? parseCodex(lines);
}

/** --model X, --model=X or -m X in an agent's argv (codex's output names no model). */
export function modelFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if ((a === "--model" || a === "-m") && argv[i + 1] !== undefined) return argv[i + 1] ?? null;
    if (a.startsWith("--model=")) return a.slice("--model=".length);
  }
  return null;
}
