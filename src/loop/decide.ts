import type { IterationOutcome, ItemState } from "../store/store.js";

/**
 * The verdict on one loop iteration: pure, facts in, decision out. The item
 * is done only with evidence (a commit that touches more than the PRD and the
 * progress notes) and a passing check — or, with no check configured, the
 * commits alone. The checkbox the agent may have ticked proves nothing, and
 * an iteration that rewrote history or the check's own files is never done.
 */
export interface IterationFacts {
  exitCode: number | null;
  signal: string | null;
  /** agentmux stopped the agent at the iteration's time limit. */
  timedOut: boolean;
  /** agentmux stopped the agent for another reason (kill, loop time limit, a resumed driver). */
  interrupted: boolean;
  /** Commits since the start commit that touch more than the PRD and progress file. */
  workCommits: number;
  /** Uncommitted files other than the PRD and the progress file. */
  uncommitted: readonly string[];
  checkConfigured: boolean;
  /** null: the check did not run (no check, or nothing committed to check). */
  check: { passed: boolean; testsRan: number | null; summary: string } | null;
  /** The agent ticked this item's own box. */
  tickedOwn: boolean;
  /** The classifier's verdict on a run that failed or left no evidence. */
  diagnosis: { code: string; summary: string } | null;
  /** Why the history is not work: HEAD no longer descends from the start, or left the branch (guard.ts). */
  historyRewritten?: string | null;
  /** Why the check cannot be trusted: its files or script changed, or its test count fell (guard.ts). */
  tampered?: string | null;
}

export interface IterationDecision {
  outcome: Exclude<IterationOutcome, "running">;
  /** Whether this iteration used one of the item's attempts. */
  counted: boolean;
  /** The item's state afterwards (retries are the driver's business). */
  itemState: ItemState;
  reason: string;
  /** Set the item's box: true tick, false untick, null leave it. */
  box: boolean | null;
  /** Counts toward the circuit breaker (null: neutral, e.g. a rate limit). */
  progress: boolean | null;
  /** Stop the whole loop (an auth failure: no other item can succeed either). */
  stop: boolean;
  /** Wait, then retry the same item (a rate or usage limit). */
  retry: boolean;
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;

function leftovers(files: readonly string[]): string {
  if (files.length === 0) return "";
  const shown = files.slice(0, 3).join(", ") + (files.length > 3 ? ", …" : "");
  return `; ${plural(files.length, "uncommitted file")} left (${shown}), not committed by agentmux`;
}

function checkFailure(check: NonNullable<IterationFacts["check"]>): string {
  if (check.testsRan === 0) return `the check ran no tests: ${check.summary}`;
  return `the check failed: ${check.summary}`;
}

export function decideIteration(f: IterationFacts): IterationDecision {
  const base = { stop: false, retry: false };
  const untick = f.tickedOwn ? false : null;
  const boxNote = f.tickedOwn ? "; its box was unticked" : "";
  const checkOk = f.checkConfigured ? f.check?.passed === true : true;
  const worked = f.workCommits > 0;

  if (f.interrupted) {
    return {
      ...base,
      outcome: "interrupted",
      counted: false,
      itemState: "pending",
      reason: `stopped by agentmux before it finished${worked ? ` (${plural(f.workCommits, "commit")} kept)` : ""}${boxNote}`,
      box: untick,
      progress: null,
    };
  }
  if (f.timedOut) {
    return {
      ...base,
      outcome: "timeout",
      counted: true,
      itemState: "failed",
      reason: `timed out and was stopped${leftovers(f.uncommitted)}${boxNote}`,
      box: untick,
      progress: worked,
    };
  }
  // Gaming the evidence is never work, whatever the exit status or the check said.
  if (f.historyRewritten) {
    return {
      ...base,
      outcome: "history-rewritten",
      counted: true,
      itemState: "failed",
      reason: `${f.historyRewritten}${boxNote}`,
      box: untick,
      progress: false,
    };
  }
  if (f.tampered) {
    return {
      ...base,
      outcome: "tampered",
      counted: true,
      itemState: "failed",
      reason: `${f.tampered}; the check cannot judge this work${boxNote}`,
      box: untick,
      progress: false,
    };
  }
  const code = f.diagnosis?.code;
  if (code === "auth") {
    return {
      ...base,
      outcome: "auth",
      counted: false,
      itemState: "pending",
      reason: f.diagnosis?.summary ?? "authentication failed",
      box: untick,
      progress: null,
      stop: true,
    };
  }
  if ((code === "rate-limit" || code === "usage-limit") && !worked) {
    return {
      ...base,
      outcome: "rate-limited",
      counted: false,
      itemState: "pending",
      reason: f.diagnosis?.summary ?? "rate limited",
      box: untick,
      progress: null,
      retry: true,
    };
  }
  if (f.exitCode !== 0 || f.signal !== null) {
    const how = f.signal !== null ? `killed by ${f.signal}` : `exit ${f.exitCode ?? "unknown"}`;
    const why = f.diagnosis && f.diagnosis.code !== "success" ? `: ${f.diagnosis.summary}` : "";
    return {
      ...base,
      outcome: "failed",
      counted: true,
      itemState: "failed",
      reason: `the agent failed (${how})${why}${leftovers(f.uncommitted)}${boxNote}`,
      box: untick,
      progress: worked,
    };
  }
  if (!worked) {
    if (f.tickedOwn) {
      return {
        ...base,
        outcome: "unverified",
        counted: true,
        itemState: "unverified",
        reason: `ticked its box without a commit to show for it${leftovers(f.uncommitted)}; the box was unticked`,
        box: false,
        progress: false,
      };
    }
    if (f.uncommitted.length > 0) {
      return {
        ...base,
        outcome: "failed",
        counted: true,
        itemState: "failed",
        reason: `exited 0 without committing${leftovers(f.uncommitted)}`,
        box: null,
        progress: false,
      };
    }
    return {
      ...base,
      outcome: "no-progress",
      counted: true,
      itemState: "failed",
      reason: "exited 0 without changing anything",
      box: null,
      progress: false,
    };
  }
  if (!checkOk) {
    return {
      ...base,
      outcome: "failed",
      counted: true,
      itemState: "failed",
      reason: `${plural(f.workCommits, "commit")}, but ${f.check ? checkFailure(f.check) : "the check did not run"}${leftovers(f.uncommitted)}${boxNote}`,
      box: untick,
      progress: true,
    };
  }
  const checkNote = f.check ? `, check ${f.check.summary}` : ", no check configured";
  return {
    ...base,
    outcome: "done",
    counted: true,
    itemState: "done",
    reason: `${plural(f.workCommits, "commit")}${checkNote}${leftovers(f.uncommitted)}`,
    box: f.tickedOwn ? null : true,
    progress: true,
  };
}
