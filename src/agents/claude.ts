import { AgentmuxError, show } from "../util/errors.js";
import type { AgentLaunch, AgentProfile, LaunchInput, ProfileSetup } from "./profile.js";

/**
 * Claude Code, non-interactive. Checked against claude 2.1.331:
 * - `-p` with no prompt argument reads the prompt from stdin;
 * - `--output-format stream-json` with -p exits 1 unless `--verbose` is given
 *   ("When using --print, --output-format=stream-json requires --verbose");
 * - `--dangerously-skip-permissions` as root exits 1 ("cannot be used with
 *   root/sudo privileges") unless IS_SANDBOX=1 exactly ("true" and "0" are
 *   refused too).
 */
export const CLAUDE_COMMAND: readonly string[] = ["claude"];

export const CLAUDE_FLAGS: readonly string[] = [
  "-p",
  "--output-format",
  "stream-json",
  "--verbose",
  "--dangerously-skip-permissions",
];

/** The uid of this process, or null where there is none (Windows). */
export function currentUid(): number | null {
  return typeof process.getuid === "function" ? process.getuid() : null;
}

/**
 * Throw before launch what Claude Code would print a second after it, inside
 * the pane: it refuses to skip permissions as root outside a declared sandbox.
 * `env` is the launch environment (so tests and --env IS_SANDBOX=1 count).
 */
export function assertMayBypassPermissions(env: NodeJS.ProcessEnv, uid: number | null): void {
  if (uid !== 0 || env.IS_SANDBOX === "1") return;
  const set =
    env.IS_SANDBOX === undefined ? "" : ` (IS_SANDBOX=${show(env.IS_SANDBOX)} is not "1")`;
  throw new AgentmuxError(
    "agent",
    `Claude Code refuses --dangerously-skip-permissions when run as root${set}`,
    {
      hint: "run agentmux as a normal user, or pass --env IS_SANDBOX=1 if this is a sandbox",
    },
  );
}

/** The environment a launch will see: the profile's config env under the caller's. */
export function launchEnv(setup: ProfileSetup, input: LaunchInput): NodeJS.ProcessEnv {
  return { ...setup.env, ...(input.env ?? process.env) };
}

export function buildClaude(setup: ProfileSetup, input: LaunchInput): AgentLaunch {
  assertMayBypassPermissions(
    launchEnv(setup, input),
    input.uid === undefined ? currentUid() : input.uid,
  );
  if (!input.prompt && input.extraArgs.length === 0 && setup.args.length === 0) {
    throw new AgentmuxError("usage", "claude needs a prompt: nothing was given to work on", {
      hint: 'agentmux run claude "the task" (or --prompt-file FILE, - for stdin)',
    });
  }
  return {
    argv: [...setup.command, ...CLAUDE_FLAGS, ...setup.args, ...input.extraArgs],
    stdin: input.prompt ? "prompt" : "null",
    env: { ...setup.env },
    warnings: [],
  };
}

export function claudeProfile(setup: ProfileSetup): AgentProfile {
  return {
    name: "claude",
    description: "Claude Code, non-interactive (claude -p, stream-json), prompt on stdin",
    binary: setup.command[0] ?? "claude",
    command: setup.command,
    build: (input) => buildClaude(setup, input),
  };
}
