/**
 * The mark agentmux leaves on every tmux session it creates: the session
 * user option `@agentmux`, set in the same tmux invocation that creates the
 * session (so no other client can ever see the session unmarked). It names
 * the state directory and the run, and is what decides whether agentmux may
 * kill, respawn or replace a session: a session without it (the user's own
 * `build`) or with another state directory's mark is never touched.
 */

export const MARK_OPTION = "@agentmux";

export interface Mark {
  stateDir: string;
  runId: number;
}

/** `run=ID home=STATEDIR`: the state directory last, so any byte in it survives. */
export function formatMark(mark: Mark): string {
  return `run=${mark.runId} home=${mark.stateDir}`;
}

export function parseMark(value: string): Mark | null {
  const m = /^run=(\d+) home=(.+)$/s.exec(value);
  if (!m?.[1] || m[2] === undefined) return null;
  return { runId: Number(m[1]), stateDir: m[2] };
}
