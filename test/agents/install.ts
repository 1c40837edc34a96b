import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real agent CLIs for the optional suite: given by AGENTMUX_CODEX_BIN /
 * AGENTMUX_CLAUDE_BIN, else installed on demand (once) into a cache directory
 * (AGENTMUX_AGENTS_CACHE, default node_modules/.cache/agentmux-agents) from
 * the npm registry. Versions are pinned: the suite checks agentmux against
 * what the issue names (codex 0.169, claude 2.1.x).
 */
export const PINNED = {
  codex: "@openai/codex@0.169.0",
  claude: "@anthropic-ai/claude-code@2.1.331",
} as const;

const root = fileURLToPath(new URL("../..", import.meta.url));

export function agentBins(): { codex: string; claude: string } {
  const cache =
    process.env.AGENTMUX_AGENTS_CACHE ?? join(root, "node_modules", ".cache", "agentmux-agents");
  const bin = (name: string): string => join(cache, "node_modules", ".bin", name);
  const want = {
    codex: process.env.AGENTMUX_CODEX_BIN ?? bin("codex"),
    claude: process.env.AGENTMUX_CLAUDE_BIN ?? bin("claude"),
  };
  const missing = (Object.keys(want) as (keyof typeof want)[]).filter((k) => !existsSync(want[k]));
  if (missing.length > 0) {
    mkdirSync(cache, { recursive: true });
    process.stderr.write(`installing ${missing.map((k) => PINNED[k]).join(" ")} into ${cache}\n`);
    execFileSync(
      "npm",
      [
        "install",
        "--prefix",
        cache,
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...missing.map((k) => PINNED[k]),
      ],
      { stdio: ["ignore", "inherit", "inherit"], timeout: 15 * 60_000 },
    );
  }
  return want;
}
