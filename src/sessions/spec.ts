import type { LoopSettings } from "../loop/settings.js";
import type { AgentName } from "../agents/names.js";

/**
 * What a session runs, recorded once at `agentmux run` and reused by every
 * restart. Secrets stay out of it: the environment and the prompt live in
 * 0600 files in the session directory (STATE/sessions/<id>/), not in the
 * store that `ls` reads.
 */
export interface SessionSpec {
  agent: AgentName;
  cwd: string;
  /** The tmux socket the session lives on. */
  socket: string;
  /** Argv of the latest run (rebuilt per run: it may name the run directory). */
  argv: string[];
  /** The original command as a person would read it (journal, ls). Display only, never executed. */
  display: string;
  /** Inputs the agent profile needs to rebuild argv on restart. */
  launch: {
    extraArgs: string[];
    command?: string[];
    prdPath?: string;
    engine?: "codex" | "claude";
    parallel?: boolean;
    /** The agent must be able to commit (a loop iteration): see LaunchInput.gitDir. */
    commits?: boolean;
  };
  hasPrompt: boolean;
  notify: {
    commands: string[][];
    webhooks: string[];
    desktop: boolean | "auto";
  };
  journalDir?: string;
  graceSeconds: number;
  /** `--restart`: what the monitor restarts (monitor/policy/restart.ts); unset: config, then lost-only. */
  restart?: "never" | "on-failure" | "always";
  /** `--stall-after`: silence before the monitor calls it stalled; unset: config, then 20 min. */
  stallAfterMs?: number;
  /** A loop session (kind "loop"): the pane runs the loop driver, which starts `agent` per item. */
  loop?: LoopSettings;
}
