import { AGENTS } from "../../agents/names.js";
import { acquireLaunchSlot, limitsFor, readGovernor } from "../../governor/governor.js";
import { countElsewhere } from "../../remote/fleet.js";
import { callHost, transportError } from "../../remote/call.js";
import { callQuick } from "../../remote/fast.js";
import { PROTOCOL_VERSION } from "../../remote/protocol.js";
import type { Context } from "../../sessions/context.js";
import type { HostRow } from "../../store/hosts.js";
import { declarationOf } from "../declarations/index.js";
import { parseDeclared } from "../options/parse.js";

/** The agent a `run`/`loop` argv launches, and the name to say in a wait message. */
export function launchOf(
  command: string,
  argv: readonly string[],
): { agent: string; name: string } | null {
  const decl = declarationOf(command);
  if (decl === undefined) return null;
  const p = parseDeclared(decl, argv);
  const agent =
    command === "run"
      ? p.positionals[0]
      : typeof p.values.agent === "string"
        ? p.values.agent
        : "codex";
  if (agent === undefined) return null;
  const name = typeof p.values.name === "string" ? p.values.name : agent;
  return { agent, name };
}

/**
 * The agent a `restart NAME` on a host starts again: the session's own, as
 * the host records it (one round trip to its resident server when warm).
 * Null when the host cannot say; its own restart then says what is wrong.
 */
async function restartOf(
  ctx: Context,
  host: HostRow,
  argv: readonly string[],
): Promise<{ agent: string; name: string } | null> {
  // Asking costs a round trip: only when a limit or a pause could hold the start.
  const now = Date.now();
  const limited = AGENTS.some((a) => Number.isFinite(limitsFor(a, ctx.config()).concurrency));
  const paused = [...ctx.store().governors().values()].some(
    (g) => g.pausedUntil !== null && Date.parse(g.pausedUntil) > now,
  );
  if (!limited && !paused) return null;
  const decl = declarationOf("restart");
  if (decl === undefined) return null;
  const name = parseDeclared(decl, argv).positionals[0];
  if (name === undefined) return null;
  const r = await callQuick(
    ctx,
    host,
    { v: PROTOCOL_VERSION, op: "cli", argv: ["status", name, "--json"] },
    { stdout: "capture", echoStderr: false, timeoutMs: 10_000, connectTimeoutS: 3 },
  );
  if (transportError(host, r) !== null || r.exitCode !== 0) return null;
  try {
    const agent = (JSON.parse(r.stdout) as { agent?: unknown }).agent;
    return typeof agent === "string" ? { agent, name } : null;
  } catch {
    return null;
  }
}

/**
 * This machine coordinates the account's limits for launches it sends to a
 * host, as for its own: the concurrency limit counts the account's live
 * runs here and on every host, and the launch waits for a slot with the
 * same message as a local one. A pause recorded here (a limit hit here or
 * passed on from another host) is sent to the target host first, whose own
 * governor then queues or refuses the start exactly as it would locally.
 */
export async function takeFleetSlot(
  ctx: Context,
  host: HostRow,
  command: string,
  argv: readonly string[],
): Promise<void> {
  const launch = command === "restart" ? await restartOf(ctx, host, argv) : launchOf(command, argv);
  if (launch === null) return; // the host's own parser says what is wrong
  const { agent, name } = launch;
  const store = ctx.store();
  const limits = limitsFor(agent, ctx.config());
  const state = readGovernor(store, agent);
  if (
    limits.pauseOnLimit !== false &&
    state.pausedUntil !== null &&
    Date.parse(state.pausedUntil) > Date.now()
  ) {
    const r = await callHost(
      ctx,
      host,
      {
        v: PROTOCOL_VERSION,
        op: "pause",
        agent,
        until: state.pausedUntil,
        reason: state.pauseReason ?? "rate limited",
      },
      { stdout: "capture", echoStderr: false, timeoutMs: 10_000, connectTimeoutS: 3 },
    );
    const e = transportError(host, r);
    if (e) throw e;
  }
  if (!Number.isFinite(limits.concurrency)) return;
  await acquireLaunchSlot(store, agent, {
    // The pause is the host's to apply (above); here: concurrency and spacing.
    limits: { ...limits, pauseOnLimit: false },
    elsewhere: () => countElsewhere(ctx, agent),
    onWait: (w) => process.stderr.write(`agentmux: ${name} waits: ${w.reason}\n`),
  });
}
