import { AgentmuxError } from "../util/errors.js";

/** States of one run; the last four are terminal. */
export const RUN_STATES = ["starting", "running", "succeeded", "failed", "killed", "lost"] as const;
export type RunState = (typeof RUN_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<RunState> = new Set([
  "succeeded",
  "failed",
  "killed",
  "lost",
]);

/**
 * The run state machine. `lost` is reachable from any live state (the runner
 * or tmux vanished without recording an exit). A lost run may still be
 * settled if its runner's exit record turns up later (it was slow, not dead).
 */
const TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  starting: ["running", "succeeded", "failed", "killed", "lost"],
  running: ["succeeded", "failed", "killed", "lost"],
  lost: ["succeeded", "failed", "killed"],
  succeeded: [],
  failed: [],
  killed: [],
};

export function canTransition(from: RunState, to: RunState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: RunState, to: RunState): void {
  if (!canTransition(from, to)) {
    throw new AgentmuxError("state", `Expected a run state that can become "${to}", got "${from}"`);
  }
}

export function isLive(state: RunState): boolean {
  return state === "starting" || state === "running";
}

/** The state a finished run settles in, from how its agent ended. */
export function endState(exit: {
  exitCode: number | null;
  signal: string | null;
  killRequested: boolean;
  /** The runner ended the agent because its pane or tmux server went away. */
  hangup?: boolean;
}): RunState {
  if (exit.killRequested) return "killed";
  if (exit.exitCode === 0 && exit.signal === null) return "succeeded";
  // Nobody asked for it and the agent did not fail on its own: the session
  // vanished under it (tmux server killed). That is lost, restartable, not a failure.
  if (exit.hangup === true) return "lost";
  return "failed";
}
