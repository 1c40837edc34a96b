import { isAgentName, type AgentName } from "../agents/names.js";
import { AgentmuxError, show } from "../util/errors.js";

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

/**
 * A loop's settings, recorded in the session spec (SessionSpec.loop) at
 * `agentmux loop` and reused by every run (restart) of the loop.
 */
export interface LoopSettings {
  /** The PRD as given (relative to the session's cwd, or absolute). */
  prd: string;
  /** The project's check command (a trusted template, split into argv; never a shell). */
  check?: string;
  /** Iterations per run of the loop (a restart gets a fresh budget). */
  maxIterations: number;
  /** Counted attempts per item before it is left failed. */
  attempts: number;
  iterationTimeoutMs: number;
  /** The whole loop's time limit per run; none when absent. */
  timeoutMs?: number;
  checkTimeoutMs: number;
  /** Items worked at once; 1 = serial in the working tree, more = one worktree each. */
  parallel: number;
  /** Parallel mode: minimum time between two agent starts, plus up to jitterMs at random. */
  spacingMs: number;
  jitterMs: number;
  /** Distinct items in a row without progress that open the circuit (pause the loop). */
  noProgressLimit: number;
  /** Stop when an item is left failed, instead of going on to the next (absent: go on). */
  stopOnFailure?: boolean;
  /**
   * Globs (git's :(glob) syntax, repo-relative) the check depends on besides the files its
   * command names: --protect and the config's loop.protect. A change to them is tampering.
   */
  protect?: string[];
}

type Check = (v: unknown) => boolean;
const isStr: Check = (v) => typeof v === "string";
const isNum: Check = (v) => typeof v === "number" && Number.isFinite(v);
const isBool: Check = (v) => typeof v === "boolean";
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const listOf =
  (item: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(item);
const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v);

type Shape = Record<string, readonly [Check, "required" | "optional"]>;
/**
 * A shape as parallel lists, made once: `ls` checks every session's spec and
 * this runs per row, mostly before V8 optimises it, where an indexed loop
 * costs a fraction of destructuring entries through the iterator protocol.
 */
interface Fields {
  readonly keys: readonly string[];
  readonly checks: readonly Check[];
  readonly required: readonly boolean[];
}
const fieldsOf = (shape: Shape): Fields => {
  const entries = Object.entries(shape);
  return {
    keys: entries.map(([key]) => key),
    checks: entries.map(([, [ok]]) => ok),
    required: entries.map(([, [, need]]) => need === "required"),
  };
};

const LOOP_FIELDS = fieldsOf({
  prd: [isStr, "required"],
  check: [isStr, "optional"],
  maxIterations: [isNum, "required"],
  attempts: [isNum, "required"],
  iterationTimeoutMs: [isNum, "required"],
  timeoutMs: [isNum, "optional"],
  checkTimeoutMs: [isNum, "required"],
  parallel: [isNum, "required"],
  spacingMs: [isNum, "required"],
  jitterMs: [isNum, "required"],
  noProgressLimit: [isNum, "required"],
  stopOnFailure: [isBool, "optional"],
  protect: [listOf(isStr), "optional"],
});

const LAUNCH_FIELDS = fieldsOf({
  extraArgs: [listOf(isStr), "required"],
  command: [listOf(isStr), "optional"],
  prdPath: [isStr, "optional"],
  engine: [oneOf("codex", "claude"), "optional"],
  parallel: [isBool, "optional"],
  commits: [isBool, "optional"],
});

const NOTIFY_FIELDS = fieldsOf({
  commands: [listOf(listOf(isStr)), "required"],
  webhooks: [listOf(isStr), "required"],
  desktop: [oneOf(true, false, "auto"), "required"],
});

const SPEC_FIELDS = fieldsOf({
  agent: [(v) => typeof v === "string" && isAgentName(v), "required"],
  cwd: [isStr, "required"],
  socket: [isStr, "required"],
  argv: [listOf(isStr), "required"],
  display: [isStr, "required"],
  launch: [(v) => isObj(v) && fits(v, LAUNCH_FIELDS), "required"],
  hasPrompt: [isBool, "required"],
  notify: [(v) => isObj(v) && fits(v, NOTIFY_FIELDS), "required"],
  journalDir: [isStr, "optional"],
  graceSeconds: [isNum, "required"],
  restart: [oneOf("never", "on-failure", "always"), "optional"],
  stallAfterMs: [isNum, "optional"],
  loop: [(v) => isObj(v) && fits(v, LOOP_FIELDS), "optional"],
});

/** Whether `v` has every required field and each present one of its type (no allocation: the common case). */
function fits(v: Record<string, unknown>, fields: Fields): boolean {
  const { keys, checks, required } = fields;
  for (let i = 0; i < keys.length; i++) {
    const value = v[keys[i] as string];
    if (value === undefined ? required[i] : !(checks[i] as Check)(value)) return false;
  }
  return true;
}

/** The fields of `v` that are missing or of the wrong type. */
function problems(v: Record<string, unknown>, fields: Fields): string[] {
  const out: string[] = [];
  fields.keys.forEach((key, i) => {
    const value = v[key];
    if (value === undefined) {
      if (fields.required[i]) out.push(`${key} is missing`);
    } else if (!(fields.checks[i] as Check)(value)) {
      out.push(`${key} is ${JSON.stringify(value).slice(0, 60)}`);
    }
  });
  return out;
}

/**
 * The spec as the store keeps it (parsed JSON), checked against SessionSpec
 * once, where it leaves the store. A spec that does not fit is an error naming
 * the session: every later step (restart, kill, the monitor) acts on it, and a
 * default filled in here would make it act on something nobody asked for.
 */
export function parseSessionSpec(raw: unknown, session: string): SessionSpec {
  if (isObj(raw) && fits(raw, SPEC_FIELDS)) return raw as unknown as SessionSpec;
  const found = isObj(raw) ? problems(raw, SPEC_FIELDS) : ["it is not an object"];
  throw new AgentmuxError(
    "store",
    `The stored spec of session ${show(session)} does not fit: ${found.join("; ")}`,
    {
      hint: `agentmux rm ${session} removes the session; the database was edited by hand or written by an incompatible version`,
    },
  );
}
