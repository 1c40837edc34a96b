import { AgentmuxError } from "../util/errors.js";

/**
 * What one installed `codex exec` accepts, read from its --help text. Codex
 * changes its flags between minor versions (seen on the real CLIs):
 *
 *   0.20   --full-auto listed; --output-last-message has no -o short form
 *   0.125  --full-auto listed; -o/--output-last-message; `-` reads stdin
 *   0.128  --full-auto deprecated (warning on stderr)
 *   0.145  --full-auto hidden from --help but still accepted, with a warning
 *   0.147+ --full-auto removed: "unexpected argument '--full-auto'", exit 2
 *   0.169  -s/--sandbox read-only|workspace-write|danger-full-access, --json,
 *          -o, --skip-git-repo-check; stdin is the prompt with no PROMPT or `-`
 *
 * so we read the help instead of guessing from the version number.
 */
export interface CodexCaps {
  kind: "codex";
  /** From `codex --version` ("codex-cli 0.169.0" -> "0.169.0"); null when it said nothing usable. */
  version: string | null;
  /** Every long option the help lists, without the leading "--". */
  options: string[];
  /** Values -s/--sandbox accepts; empty when there is no --sandbox. */
  sandboxModes: string[];
  /** --full-auto is listed (hidden-but-accepted versions count as absent: we never need it then). */
  fullAuto: boolean;
  json: boolean;
  outputLastMessage: boolean;
  skipGitRepoCheck: boolean;
  /** The help says `-` as PROMPT reads the prompt from stdin. */
  stdinDash: boolean;
}

// An option line: 2-6 spaces, optional "-x, ", then "--name". Descriptions are
// indented by 10, so a wrapped description starting with "--" is not an option.
const OPTION_LINE = /^ {2,6}(?:-[A-Za-z], )?--([a-z0-9][a-z0-9-]*)/;

/** Parse `codex exec --help`. Pure; golden-tested against real help texts in fixtures/. */
export function parseCodexExecHelp(text: string, version: string | null = null): CodexCaps {
  if (!/\bexec \[OPTIONS\]/.test(text)) {
    throw new AgentmuxError(
      "agent",
      "codex exec --help printed something that is not codex's help",
      {
        hint: "check that `codex` on PATH is OpenAI's Codex CLI (npm i -g @openai/codex)",
      },
    );
  }
  const lines = text.split(/\r?\n/);
  const options: string[] = [];
  let sandboxModes: string[] = [];
  let current: string | null = null;
  for (const line of lines) {
    const m = OPTION_LINE.exec(line);
    if (m?.[1] !== undefined) {
      current = m[1];
      options.push(current);
      continue;
    }
    // "[possible values: ...]" belongs to the option above it.
    const values = /\[possible values: ([^\]]*)\]/.exec(line);
    if (values?.[1] !== undefined && current === "sandbox") {
      sandboxModes = values[1].split(",").map((v) => v.trim());
    }
  }
  const has = (name: string): boolean => options.includes(name);
  if (has("sandbox") && sandboxModes.length === 0) {
    // A --sandbox whose values the help does not list: workspace-write has
    // been its name since the flag appeared, so assume it.
    sandboxModes = ["workspace-write"];
  }
  return {
    kind: "codex",
    version,
    options,
    sandboxModes,
    fullAuto: has("full-auto"),
    json: has("json"),
    outputLastMessage: has("output-last-message"),
    skipGitRepoCheck: has("skip-git-repo-check"),
    stdinDash: /if `-` is used/.test(text),
  };
}

/** The first x.y.z in a --version output: "codex-cli 0.169.0\n" -> "0.169.0", "4.7.2" -> "4.7.2". */
export function parseVersion(text: string): string | null {
  const m = /\b(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)\b/.exec(text);
  return m?.[1] ?? null;
}

/**
 * What we assume when detection was not possible (the binary was not probed):
 * the flags of the newest codex we have checked, 0.169.0.
 */
export const ASSUMED_CODEX_CAPS: CodexCaps = {
  kind: "codex",
  version: null,
  options: [],
  sandboxModes: ["read-only", "workspace-write", "danger-full-access"],
  fullAuto: false,
  json: true,
  outputLastMessage: true,
  skipGitRepoCheck: true,
  stdinDash: true,
};
