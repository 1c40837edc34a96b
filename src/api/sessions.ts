import { isLive } from "../sessions/lifecycle.js";
import type { Context } from "../sessions/context.js";
import { findSession, killSession, removeSession, restartSession } from "../sessions/control.js";
import { refreshSession } from "../sessions/reconcile.js";
import { runEvidence } from "../sessions/run-evidence.js";
import type { SessionSpec } from "../sessions/spec.js";
import type { Evidence, RunState, Verdict } from "../sessions/types.js";
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
  evidence: Evidence;
  cwd: string;
  /** The commit the run started from (null outside git, or in an empty repository). */
  startCommit: string | null;
}

export async function verifyWith(ctx: Context, name: string): Promise<VerifyJson> {
  const session = findSession(ctx, nameOf(name));
  const { run } = await refreshSession(ctx, session);
  if (!run) throw new AgentmuxError("state", `Session "${name}" has no runs yet`);
  const spec = session.spec as SessionSpec;
  const evidence = await runEvidence(spec, run);
  const verdict = isLive(run.state)
    ? null
    : decideVerdict({ exitCode: run.exitCode, signal: run.signal, evidence });
  return {
    name,
    run: run.runNo,
    state: run.state,
    exitCode: run.exitCode,
    signal: run.signal,
    verdict,
    evidence,
    cwd: spec.cwd,
    startCommit: run.startCommit,
  };
}

/** `verify --json`: what git says the latest run changed, and the verdict. */
export function verify(opts: ApiOptions & { name: string }): Promise<VerifyJson> {
  return withContext(opts, (ctx) => verifyWith(ctx, opts.name));
}

export async function killWith(ctx: Context, name: string): Promise<StatusJson> {
  const view = await killSession(ctx, nameOf(name));
  const status = statusJson(view.session, view.run, view.run?.runNo ?? 0, undefined);
  return withUsage(ctx, status, view.session, view.run);
}

/** `kill --json`: TERM, grace, KILL; resolves once the run is settled (killed). */
export function kill(opts: ApiOptions & { name: string }): Promise<StatusJson> {
  return withContext(opts, (ctx) => killWith(ctx, opts.name));
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
