import { run } from "../process/run.js";
import { AgentmuxError, show } from "../util/errors.js";
import { cachedProbe } from "./caps-cache.js";
import {
  ASSUMED_CODEX_CAPS,
  parseCodexExecHelp,
  parseVersion,
  type CodexCaps,
} from "./codex-help.js";
import type {
  AgentLaunch,
  AgentProfile,
  DetectOptions,
  LaunchInput,
  ProfileSetup,
} from "./profile.js";
import { runFile } from "../rundir/files.js";

/**
 * Codex CLI, non-interactive: `codex exec`, prompt on stdin, flags chosen from
 * what the installed version's --help lists (see codex-help.ts for why).
 */
export const CODEX_COMMAND: readonly string[] = ["codex", "exec"];

// `codex exec --help` is instant for the Rust binary, but the npm wrapper
// starts node first and a cold disk or a busy machine can take seconds.
const PROBE_TIMEOUT_MS = 15_000;

function label(caps: CodexCaps): string {
  return caps.version === null ? "this codex" : `codex ${caps.version}`;
}

export function buildCodex(
  setup: ProfileSetup,
  input: LaunchInput,
  detected: CodexCaps | undefined,
): AgentLaunch {
  const caps = detected ?? ASSUMED_CODEX_CAPS;
  const warnings: string[] = [];
  if (detected === undefined) {
    warnings.push("codex's flags were not detected; assuming those of codex 0.169");
  }
  const userArgs = [...setup.args, ...input.extraArgs];
  if (detected !== undefined && !detected.fullAuto && userArgs.includes("--full-auto")) {
    // Fail here, in one sentence, rather than with clap's exit 2 inside the pane.
    throw new AgentmuxError(
      "usage",
      `${label(detected)} rejects --full-auto (removed in codex 0.147)`,
      {
        hint: "drop it: agentmux already passes --sandbox workspace-write, which is what it meant",
      },
    );
  }
  if (!input.prompt && input.extraArgs.length === 0 && setup.args.length === 0) {
    throw new AgentmuxError("usage", "codex needs a prompt: nothing was given to work on", {
      hint: 'agentmux run codex "the task" (or --prompt-file FILE, - for stdin)',
    });
  }

  const argv = [...setup.command];
  if (caps.sandboxModes.includes("workspace-write")) {
    // exec never asks for approval, so this is all --full-auto ever added.
    argv.push("--sandbox", "workspace-write");
  } else if (caps.fullAuto) {
    argv.push("--full-auto");
  } else {
    warnings.push(
      `${label(caps)} lists neither --sandbox workspace-write nor --full-auto; it will use its configured sandbox, which may be read-only`,
    );
  }
  if (input.gitDir !== undefined && caps.sandboxModes.includes("workspace-write")) {
    // A TOML array of one basic string; JSON string escapes are valid TOML.
    argv.push("-c", `sandbox_workspace_write.writable_roots=[${JSON.stringify(input.gitDir)}]`);
  }
  // Events as JSONL: machine-readable for diagnosis (errors, token counts).
  if (caps.json) argv.push("--json");
  if (caps.outputLastMessage) {
    argv.push("--output-last-message", runFile(input.runDir, "last-message.md"));
  }
  // Outside a git repo codex refuses to start unless told; agentmux reports
  // such runs as unverifiable instead.
  if (input.gitRepo !== true && caps.skipGitRepoCheck) argv.push("--skip-git-repo-check");
  argv.push(...userArgs);
  // Without a PROMPT codex reads stdin too; `-` says so explicitly where the
  // version documents it. Last, after the user's args, so that
  // `-- resume --last` continues a session with this prompt (resume's own
  // PROMPT also takes `-`), and clap accepts options before a positional.
  if (input.prompt && caps.stdinDash) argv.push("-");
  return {
    argv,
    stdin: input.prompt ? "prompt" : "null",
    env: { ...setup.env },
    warnings,
  };
}

export function isCodexCaps(value: unknown): value is CodexCaps {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof CodexCaps, unknown>>;
  return (
    v.kind === "codex" &&
    Array.isArray(v.options) &&
    Array.isArray(v.sandboxModes) &&
    typeof v.fullAuto === "boolean" &&
    typeof v.json === "boolean" &&
    typeof v.outputLastMessage === "boolean" &&
    typeof v.skipGitRepoCheck === "boolean" &&
    typeof v.stdinDash === "boolean" &&
    (v.version === null || typeof v.version === "string")
  );
}

/**
 * Run `<binary> <leading args> --help` (and `--version`) and parse them.
 * `leadingArgs` is ["exec"] unless config replaced the command.
 */
export async function detectCodex(
  binaryPath: string,
  leadingArgs: readonly string[],
  opts: DetectOptions = {},
): Promise<CodexCaps> {
  const env = opts.env ?? process.env;
  const probeId = ["codex-exec-help", ...leadingArgs].join(" ");
  return cachedProbe({ cacheDir: opts.cacheDir, binaryPath, probeId }, isCodexCaps, async () => {
    const helpArgs = [...leadingArgs, "--help"];
    // `codex --version`: the same command without its trailing "exec".
    const base = leadingArgs.at(-1) === "exec" ? leadingArgs.slice(0, -1) : null;
    const [help, ver] = await Promise.all([
      run(binaryPath, helpArgs, { env, timeoutMs: PROBE_TIMEOUT_MS }),
      base === null
        ? Promise.resolve(null)
        : run(binaryPath, [...base, "--version"], { env, timeoutMs: PROBE_TIMEOUT_MS }),
    ]);
    if (help.spawnError !== undefined || help.exitCode !== 0) {
      const why =
        help.spawnError?.message ??
        (help.timedOut
          ? "timed out"
          : (help.stderr.trim().split("\n")[0] ?? `exit ${help.exitCode}`));
      throw new AgentmuxError(
        "agent",
        `${show([binaryPath, ...helpArgs].join(" "))} failed: ${why}`,
        {
          hint: "check the codex installation (npm i -g @openai/codex) or the agents.codex.command config",
        },
      );
    }
    const version = ver !== null && ver.exitCode === 0 ? parseVersion(ver.stdout) : null;
    return parseCodexExecHelp(help.stdout, version);
  });
}

export function codexProfile(setup: ProfileSetup): AgentProfile {
  return {
    name: "codex",
    description: "OpenAI Codex CLI, non-interactive (codex exec), prompt on stdin",
    binary: setup.command[0] ?? "codex",
    command: setup.command,
    build: (input, caps) => buildCodex(setup, input, caps?.kind === "codex" ? caps : undefined),
    detect: (binaryPath, opts) => detectCodex(binaryPath, setup.command.slice(1), opts),
  };
}
