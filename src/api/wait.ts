import type { Context } from "../sessions/context.js";
import { findSession } from "../sessions/control.js";
import { isLive } from "../sessions/lifecycle.js";
import { refreshSession } from "../sessions/reconcile.js";
import type { RunState } from "../sessions/lifecycle.js";
import type { StatusJson } from "../sessions/view.js";
import { AgentmuxError, show } from "../util/errors.js";
import { withContext, type ApiOptions } from "./context.js";
import { nameOf } from "./inputs.js";
import { settledStatusOf, statusOfSession } from "./status.js";
import { StoreChanges } from "./store-changes.js";

export interface WaitInput {
  name: string;
  /** Give up after this long (the run goes on); default: wait as long as it takes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called every progressEveryMs while waiting (MCP progress notifications, a CLI's dots). */
  onProgress?: (p: { elapsedMs: number; state: RunState }) => void;
  progressEveryMs?: number;
}

export interface WaitResult {
  /** The status when the wait ended: the same object as `status --json`. */
  status: StatusJson;
  /** True when the timeout came first (the run is still live). */
  timedOut: boolean;
  waitedMs: number;
}

/**
 * How `agentmux wait` exits: how the run ended (documented in docs/wait.md).
 * 2 is a usage error and 5 an unknown session, both decided by the CLI.
 */
export const WAIT_EXIT = {
  succeeded: 0,
  failed: 1,
  lost: 3,
  killed: 4,
  timedOut: 124,
} as const;

export function waitExitCode(
  r: Pick<WaitResult, "timedOut"> & { status: { state: string } },
): number {
  if (r.timedOut) return WAIT_EXIT.timedOut;
  switch (r.status.state) {
    case "succeeded":
      return WAIT_EXIT.succeeded;
    case "lost":
      return WAIT_EXIT.lost;
    case "killed":
      return WAIT_EXIT.killed;
    default:
      return WAIT_EXIT.failed;
  }
}

/**
 * What no store change reports — a supervisor killed with SIGKILL while no
 * monitor runs — is found by reconciling this one session this often.
 */
const RECONCILE_MS = 2_000;

/**
 * Resolves as soon as the session's current run has finished (settled in the
 * store by its finisher, the monitor, or a reconcile), woken by the store's
 * commits rather than by polling. A run already finished resolves at once.
 */
export async function waitWith(ctx: Context, input: WaitInput): Promise<WaitResult> {
  const started = Date.now();
  const name = nameOf(input.name);
  if (input.timeoutMs !== undefined && !(input.timeoutMs >= 0)) {
    throw new AgentmuxError(
      "usage",
      `Expected a timeout of 0 ms or more, got ${show(input.timeoutMs)}`,
    );
  }
  const store = ctx.store();
  const session = findSession(ctx, name);
  const first = await refreshSession(ctx, session);
  const run = first.run;
  if (!run) throw new AgentmuxError("state", `Session ${show(name)} has no runs yet`);
  const result = async (timedOut: boolean): Promise<WaitResult> => {
    const now = store.getSessionById(session.id) ?? session;
    // A finished run's record is the truth: no tmux round-trip (a process
    // start, and its exit to wait for) between the settle and the answer.
    const status = settledStatusOf(ctx, now) ?? (await statusOfSession(ctx, now));
    return { status, timedOut, waitedMs: Date.now() - started };
  };
  if (!isLive(run.state)) return result(false);

  const ended = await new Promise<boolean>((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let reconciling = false;
    const stop = (): void => {
      changes.stop();
      // clearTimeout clears intervals too (one timer type in Node).
      for (const t of timers) clearTimeout(t);
    };
    const finish = (done: boolean): void => {
      stop();
      input.signal?.removeEventListener("abort", onAbort);
      resolve(done);
    };
    const settled = (): boolean => {
      const now = store.getRun(run.id);
      return now === null || !isLive(now.state);
    };
    const onAbort = (): void => {
      stop();
      reject(new AgentmuxError("state", `wait for ${show(name)} was cancelled`));
    };
    const changes = new StoreChanges(store, () => {
      if (settled()) finish(true);
    }).start();
    // Settled between the first look and the watch starting.
    if (settled()) return finish(true);
    if (input.signal?.aborted) return onAbort();
    input.signal?.addEventListener("abort", onAbort, { once: true });
    if (input.timeoutMs !== undefined)
      timers.push(setTimeout(() => finish(false), input.timeoutMs));
    timers.push(
      setInterval(() => {
        if (reconciling) return;
        reconciling = true;
        refreshSession(ctx, session)
          .then((v) => {
            if (v.run?.id !== run.id || !isLive(v.run.state)) finish(true);
          })
          .catch(() => undefined) // tmux or the store busy: the next tick tries again
          .finally(() => (reconciling = false));
      }, RECONCILE_MS),
    );
    const onProgress = input.onProgress;
    if (onProgress) {
      // At once too: a caller learns that the wait began, and on what.
      onProgress({ elapsedMs: Date.now() - started, state: run.state });
      timers.push(
        setInterval(
          () =>
            onProgress({
              elapsedMs: Date.now() - started,
              state: store.getRun(run.id)?.state ?? run.state,
            }),
          input.progressEveryMs ?? 5_000,
        ),
      );
    }
  });
  return result(!ended);
}

/** `wait --json`: resolves when the current run has finished, with its status; `timedOut` if the timeout came first. */
export function wait(opts: ApiOptions & WaitInput): Promise<WaitResult> {
  return withContext(opts, (ctx) => waitWith(ctx, opts));
}
