import type { Diagnosis } from "../diagnose/types.js";
import type { RunState } from "../sessions/lifecycle.js";

/**
 * What one heartbeat pass says about a session, and the words for it. Pure:
 * the pass decides, this renders; --json prints the same objects.
 */
export type MonitorAction =
  "restarted" | "restart-due" | "waiting" | "errored" | "orphan-ended" | "notified" | "none";

export interface SessionReport {
  name: string;
  state: RunState | "stalled";
  run: number | null;
  diagnosis: Diagnosis | null;
  /** A person (or assistant) should act: the exit status of `heartbeat` is 1. */
  attention: boolean;
  action: MonitorAction;
  /** Why this action (the restart policy's reason, the stall's idle time...). */
  reason: string;
  /** The one command that fixes it, when there is one. */
  fix: string | null;
  /** When a restart is due or a usage limit resets. */
  at?: string;
  /** The run started by this pass. */
  newRun?: number;
  /** Pid of an orphaned agent this pass ended. */
  orphanPid?: number;
}

/** The command that fixes a session in this state: the diagnosis's own fix first. */
export function fixFor(
  name: string,
  state: SessionReport["state"],
  diagnosis: Diagnosis | null,
  errored = false,
): string | null {
  if (errored)
    return diagnosis?.fix && diagnosis.code !== "lost" ? diagnosis.fix : `agentmux restart ${name}`;
  if (state === "stalled") return `agentmux attach ${name}   (or: agentmux restart ${name})`;
  if (diagnosis?.fix) return diagnosis.fix;
  if (state === "lost" || state === "failed") return `agentmux restart ${name}`;
  return null;
}

/** One line: `name: lost (run 2) — lost: the tmux server ... · restarted as run 3 · fix: ...`. */
export function reportLine(r: SessionReport): string {
  const parts = [`${r.name}: ${r.state}${r.run === null ? "" : ` (run ${r.run})`}`];
  if (r.diagnosis && r.diagnosis.code !== "success") {
    parts.push(`${r.diagnosis.code}: ${r.diagnosis.summary}`);
  }
  switch (r.action) {
    case "restarted":
      parts.push(`restarted as run ${r.newRun ?? "?"}`);
      break;
    case "restart-due":
      parts.push(`restart due ${r.at ?? "soon"}`);
      break;
    case "waiting":
      parts.push(`${r.reason}${r.at ? ` (until ${r.at})` : ""}`);
      break;
    case "errored":
    case "none":
    case "notified":
      if (r.reason) parts.push(r.reason);
      break;
    case "orphan-ended":
      parts.push(`orphaned agent (pid ${r.orphanPid ?? "?"}) ended`);
      break;
  }
  if (r.attention && r.fix) parts.push(`fix: ${r.fix}`);
  return parts.join(" · ");
}
