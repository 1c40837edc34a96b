import type { AgentName } from "./names.js";
import type { CodexCaps } from "./codex-help.js";

/**
 * The contract every agent profile fulfils: turn "run this agent on this
 * prompt here" into an argv, a stdin choice and environment additions. Building
 * is pure (data in, data out, table-tested); only `detect` touches the system.
 */

/** What the runner connects to the agent's stdin. */
export type StdinMode =
  /** the session's prompt file (byte-exact, any size: argv cannot carry 1 MB) */
  | "prompt"
  /** /dev/null, so an agent that would wait for input ends instead */
  | "null"
  /** the pane's terminal, for interactive commands */
  | "tty";

export interface LaunchInput {
  /** A prompt file exists; the runner puts it on stdin when the launch asks for "prompt". */
  prompt: boolean;
  /** Arguments after `--` on the command line, appended last. */
  extraArgs: string[];
  /** This run's directory (the agent may write files there, e.g. codex's last message). */
  runDir: string;
  /** The agent's working directory (absolute). */
  cwd: string;
  /** ralphy / demo tick-only: the PRD checklist; relative paths are taken from `cwd`. */
  prdPath?: string;
  /** ralphy: which agent it drives (default codex). */
  engine?: "codex" | "claude";
  /** ralphy: one worktree per task. */
  parallel?: boolean;
  /** cmd: the command after `--`. */
  command?: string[];
  /** The environment the agent will get (captured env + --env). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** The uid agentmux runs as; null where there is none (Windows). Default: process.getuid(). */
  uid?: number | null;
  /** Whether cwd is inside a git work tree; unknown (undefined) is treated as "no". */
  gitRepo?: boolean;
  /**
   * The repository's git directory, when the agent must commit (loop
   * iterations). codex's workspace-write sandbox makes `.git` read-only
   * (0.169: "Unable to create '.git/index.lock': Read-only file system"), so
   * codex gets it as an extra writable root.
   */
  gitDir?: string;
}

export interface AgentLaunch {
  argv: string[];
  stdin: StdinMode;
  /** Additions to the agent's environment (never secrets from the user: those stay in the env file). */
  env: Record<string, string>;
  /** Things the user should know before it starts (printed, not fatal). */
  warnings: string[];
}

/** What `detect` learnt about the installed binary; each profile reads only its own kind. */
export type AgentCaps = CodexCaps | RalphyCaps;

export interface RalphyCaps {
  kind: "ralphy";
  version: string | null;
  /** The codex ralphy would drive, when one was found on PATH. */
  codex?: CodexCaps;
}

export interface DetectOptions {
  /** Directory for the capability cache (JSON); no caching without it. */
  cacheDir?: string;
  /** Environment for the probe (PATH, CODEX_HOME...). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The config override for one agent (config.agents.<name>). */
export interface ProfileSetup {
  /** Binary and leading arguments, e.g. ["codex", "exec"]. */
  command: string[];
  /** Appended after the profile's own flags, before the user's extra args. */
  args: string[];
  /** Environment additions (the user's --env still wins: it is applied later). */
  env: Record<string, string>;
}

export interface AgentProfile {
  name: AgentName;
  description: string;
  /** The program looked up on PATH (absolute for demo; "" for cmd, whose binary is the command's first word). */
  binary: string;
  /** The command this profile starts with (binary + leading args), after config overrides. */
  command: readonly string[];
  build(input: LaunchInput, caps?: AgentCaps): AgentLaunch;
  /** Probe the installed binary (resolved absolute path) for version-dependent flags. */
  detect?(binaryPath: string, opts?: DetectOptions): Promise<AgentCaps>;
}

/** The program a launch will exec: the profile's binary, or for cmd the command's first word. */
export function binaryFor(profile: AgentProfile, input: Pick<LaunchInput, "command">): string {
  if (profile.binary !== "") return profile.binary;
  return input.command?.[0] ?? "";
}
