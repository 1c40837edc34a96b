import { resolve } from "node:path";
import { formatMark, parseMark } from "../tmux/mark.js";
import { AgentmuxError, show } from "../util/errors.js";
import type { Context } from "./context.js";

/**
 * Whose is the tmux session of a given name. agentmux kills, respawns or
 * replaces only sessions that carry its own mark for its own state directory
 * (tmux/mark.ts); a session the user started (`build`), one without a mark,
 * or one of another state directory sharing the socket is left alone, and a
 * launch under its name is refused before anything is recorded.
 */
export type Holder =
  | { kind: "free" }
  | { kind: "ours"; id: string; runId: number }
  | { kind: "foreign"; id: string; owner: string | null };

/** Names agentmux keeps for itself: the monitor's session on older versions. */
const RESERVED = /^agentmux-monitor/;

export function markFor(ctx: Context, runId: number): string {
  return formatMark({ stateDir: resolve(ctx.stateDir), runId });
}

export async function holderOf(ctx: Context, socket: string, name: string): Promise<Holder> {
  const found = await ctx.tmux(socket).sessionMark(name);
  if (found === null) return { kind: "free" };
  const mark = parseMark(found.mark);
  if (mark !== null && resolve(mark.stateDir) === resolve(ctx.stateDir)) {
    return { kind: "ours", id: found.id, runId: mark.runId };
  }
  return { kind: "foreign", id: found.id, owner: mark?.stateDir ?? null };
}

export function assertNotReserved(name: string): void {
  if (RESERVED.test(name)) {
    throw new AgentmuxError("bad-name", `The session name ${show(name)} is reserved for agentmux`, {
      hint: "pick another --name",
    });
  }
}

const NAME_TAKEN = "name-taken";

/** The launch failed because the name is held on the socket by a session that is not ours. */
export function isNameTaken(e: unknown): boolean {
  return e instanceof AgentmuxError && e.cause === NAME_TAKEN;
}

export function foreignError(name: string, socket: string, owner: string | null): AgentmuxError {
  const whose =
    owner === null
      ? "was not started by agentmux"
      : `belongs to another agentmux state directory (${owner})`;
  return new AgentmuxError(
    "exists",
    `tmux session ${show(name)} on ${socket} ${whose}; agentmux leaves it alone`,
    { hint: `pick another name, e.g. --name ${name.slice(0, 44)}-2`, cause: NAME_TAKEN },
  );
}

/** Refuse a name held on the socket by a session that is not ours (nothing is touched). */
export async function assertNameUsable(
  ctx: Context,
  socket: string,
  name: string,
): Promise<Holder> {
  assertNotReserved(name);
  const holder = await holderOf(ctx, socket, name);
  if (holder.kind === "foreign") throw foreignError(name, socket, holder.owner);
  return holder;
}

/**
 * Kill our session of that name, by the id whose mark was just read (an id
 * is never reused while the server lives, so a session that replaced it in
 * between is not hit). Returns what held the name; a foreign holder is left.
 */
export async function killIfOurs(ctx: Context, socket: string, name: string): Promise<Holder> {
  const holder = await holderOf(ctx, socket, name);
  if (holder.kind === "ours") await ctx.tmux(socket).killSessionById(holder.id);
  return holder;
}
