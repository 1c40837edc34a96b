import { isLive } from "../sessions/lifecycle.js";
import type { Context } from "../sessions/context.js";
import { findSession, killSession, removeSession, restartSession } from "../sessions/control.js";
import { refreshSession } from "../sessions/reconcile.js";
import { runEvidence } from "../sessions/run-evidence.js";
import type { RunState } from "../sessions/lifecycle.js";
import type { Verdict } from "../verify/types.js";
import { changesSinceEnd, type RecordedEvidence, type SinceEnd } from "../verify/since.js";
import { statusJson, type StatusJson } from "../sessions/view.js";
import { AgentmuxError } from "../util/errors.js";
import { decideVerdict } from "../verify/verdict.js";
import { withContext, type ApiOptions } from "./context.js";
import { nameOf } from "./inputs.js";
import { monitorFor, type Launched } from "./monitor-start.js";
import { withUsage } from "./usage-of.js";

/** The shape of `verify --json`. */
export interface VerifyJson {
  name: string;
  run: number;
  state: RunState;
  exitCode: number | null;
  signal: string | null;
  /** null while the run is live (evidence so far). */
  verdict: Verdict | null;
  /** "at-end": the record the finisher made as the run ended; "now": a live run, evidence so far. */
  judged: "at-end" | "now";
  evidence: RecordedEvidence;
  /** What changed after the run ended (not part of the verdict); null when judged now. */
  since: SinceEnd | null;
  /** The time the run ended, when it has. */
  endedAt: string | null;
  cwd: string;
  /** The commit the run started from (null outside git, or in an empty repository). */
  startCommit: string | null;
}

export async function verifyWith(ctx: Context, name: string): Promise<VerifyJson> {
  const session = findSession(ctx, nameOf(name));
  const { run } = await refreshSession(ctx, session);
  if (!run) throw new AgentmuxError("state", `Session "${name}" has no runs yet`);
  const spec = session.spec;
  const finished = !isLive(run.state);
  // A finished run is judged on its record; one still going (or recorded without evidence) live.
  const recorded: RecordedEvidence | null = finished ? run.evidence : null;
  const evidence: RecordedEvidence = recorded ?? (await runEvidence(spec, run));
  const since = recorded ? await changesSinceEnd(spec.cwd, recorded) : null;
  const verdict = finished
    ? decideVerdict({ exitCode: run.exitCode, signal: run.signal, evidence })
    : null;
  return {
    name,
    run: run.runNo,
    state: run.state,
    exitCode: run.exitCode,
    signal: run.signal,
    verdict,
    judged: recorded ? "at-end" : "now",
    evidence,
    since,
    endedAt: run.endedAt,
    cwd: spec.cwd,
    startCommit: run.startCommit,
  };
}

/** `verify --json`: what git says the latest run changed, and the verdict. */
export function verify(opts: ApiOptions & { name: string }): Promise<VerifyJson> {
  return withContext(opts, (ctx) => verifyWith(ctx, opts.name));
}

/** How long `kill` waits for the run to be recorded before it answers "stopping". */
const ANSWER_MS = 1_000;

/**
 * TERM, grace, KILL. Answers within about a second: a run still in its grace
 * period comes back with `stopping: true`; `wait: true` waits until recorded.
 */
export async function killWith(
  ctx: Context,
  name: string,
  opts: { wait?: boolean } = {},
): Promise<StatusJson & { stopping?: true }> {
  const view = await killSession(
    ctx,
    nameOf(name),
    opts.wait === true ? {} : { waitMs: ANSWER_MS },
  );
  const status = withUsage(
    ctx,
    statusJson(view.session, view.run, view.run?.runNo ?? 0, undefined),
    view.session,
    view.run,
  );
  const stopping = view.run !== null && isLive(view.run.state);
  return stopping ? { ...status, stopping: true } : status;
}

/** `kill --json`: TERM, grace, KILL; with `wait`, resolves once the run is settled (killed). */
export function kill(
  opts: ApiOptions & { name: string; wait?: boolean },
): Promise<StatusJson & { stopping?: true }> {
  return withContext(opts, (ctx) => killWith(ctx, opts.name, opts));
}

export async function restartWith(ctx: Context, name: string): Promise<Launched> {
  const { session, run } = await restartSession(ctx, nameOf(name));
  return { status: statusJson(session, run, run.runNo, undefined), ...monitorFor(ctx) };
}

/** `restart --json`: same agent, argv, cwd, env and prompt, as a new run. */
export function restart(opts: ApiOptions & { name: string }): Promise<StatusJson> {
  return withContext(opts, async (ctx) => (await restartWith(ctx, opts.name)).status);
}

/** The shape of `rm --json`. */
export interface RemoveJson {
  removed: string[];
  purged: boolean;
}

export async function removeWith(
  ctx: Context,
  names: readonly string[],
  purge: boolean,
): Promise<RemoveJson> {
  if (names.length === 0)
    throw new AgentmuxError("usage", "missing the session name", {
      hint: "usage: agentmux rm <name>... [--purge]",
    });
  const removed: string[] = [];
  for (const name of names) {
    await removeSession(ctx, nameOf(name), { purge });
    removed.push(name);
  }
  return { removed, purged: purge };
}

/** `rm --json`: removes finished sessions (purge: their records, logs and run files too). */
export function remove(
  opts: ApiOptions & { names: string[]; purge?: boolean },
): Promise<RemoveJson> {
  return withContext(opts, (ctx) => removeWith(ctx, opts.names, opts.purge === true));
}
