import type { ElsewhereLive } from "../governor/governor.js";
import type { Context } from "./context.js";

/**
 * The concurrency limit counts an account's runs on every machine: this
 * one and the registered hosts. Asking the hosts is remote/'s work, a layer
 * above this one, so the entry point registers the counter here once and
 * every launch path below (run, restart, queued starts, loop iterations)
 * uses it. Without a registration (the library API in another program)
 * launches count this machine only.
 */
export type FleetCounter = (ctx: Context, agent: string) => Promise<ElsewhereLive>;

let counter: FleetCounter | null = null;

export function setFleetCounter(fn: FleetCounter | null): void {
  counter = fn;
}

/** The governor's `elsewhere` option for a launch of `agent`, or nothing to add. */
export function elsewhereFor(
  ctx: Context,
  agent: string,
): { elsewhere?: () => Promise<ElsewhereLive> } {
  const fn = counter;
  return fn === null ? {} : { elsewhere: () => fn(ctx, agent) };
}
