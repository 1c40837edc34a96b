import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { refreshSession } from "../../sessions/reconcile.js";
import { statusJson, type StatusJson } from "../../sessions/view.js";
import { loopStatus } from "../../loop/items.js";
import { notificationLine, notificationView } from "../../sessions/notify-view.js";
import { sessionFlags } from "../../monitor/flags.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { status as statusDecl } from "../declarations/status.js";
import { warnMonitor } from "./ls.js";
import { durationCell, out, outcome, printJson } from "../output.js";

const USAGE = usageOf(statusDecl);

export async function statusOf(ctx: Context, name: string): Promise<StatusJson> {
  const session = findSession(ctx, name);
  const spec = session.spec;
  const panes = await ctx.tmux(spec.socket).listPanes();
  const view = await refreshSession(ctx, session, panes);
  const pane = panes.find((p) => p.sessionName === session.name);
  const loop =
    spec.loop === undefined
      ? undefined
      : loopStatus(
          ctx.store().listLoopItems(session.id),
          spec.loop.attempts,
          ctx.store().countIterations({ sessionId: session.id }),
        );
  return {
    ...statusJson(view.session, view.run, view.run?.runNo ?? 0, pane, undefined, loop),
    notifications: ctx.store().sessionNotifications(session.id).map(notificationView),
    ...sessionFlags(ctx.store(), ctx.config(), view.session, view.run),
  };
}

const MARKS: Readonly<Record<string, string>> = {
  done: "x",
  running: ">",
  pending: " ",
  failed: "!",
  unverified: "?",
  conflict: "#",
};

/** The items of a loop, one per line: box, state, attempts, commits, check, reason. */
export function renderLoop(loop: NonNullable<StatusJson["loop"]>): string[] {
  const lines = [
    `  items     ${loop.done}/${loop.total} done, ${loop.failed} failed, ${loop.pending} to go · ${loop.iteration ?? 0} iteration(s)${loop.currentItem ? ` · now: ${loop.currentItem}` : ""}`,
  ];
  for (const i of loop.items ?? []) {
    const check = i.checkPassed === null ? "" : i.checkPassed ? ", check passed" : ", check failed";
    const facts = `${i.state}, ${i.attempts} attempt(s), ${i.commits} commit(s)${check}`;
    lines.push(`   [${MARKS[i.state] ?? " "}] ${i.text}`);
    lines.push(`       ${facts}${i.reason && i.state !== "pending" ? ` — ${i.reason}` : ""}`);
  }
  return lines;
}

export function renderStatus(s: StatusJson): string {
  const lines = [
    `${s.name}: ${outcome(s)}${s.verdict ? ` · ${s.verdict}` : ""}${s.pausedUntil && s.state !== "queued" ? ` · ${s.agent} paused (until ${s.pausedUntil})` : ""}${s.acked ? " · acknowledged" : ""}`,
    `  agent     ${s.agent}  (run ${s.run ?? "-"} of ${s.runs})`,
    `  command   ${s.command ?? "-"}`,
    `  cwd       ${s.cwd ?? "-"}`,
    `  started   ${s.startedAt ?? "-"}${s.endedAt ? `   ended ${s.endedAt}` : ""}   (${durationCell(s.durationMs)})`,
    `  pid       ${s.pid ?? "-"} (supervisor), ${s.agentPid ?? "-"} (agent)`,
    `  output    ${s.logPath ?? "-"}${s.lastOutputAt ? `   last ${s.lastOutputAt}` : ""}`,
  ];
  if (s.evidence) {
    const e = s.evidence;
    if (!e.isRepo) lines.push("  git       not a git repository: nothing to verify");
    else {
      lines.push(
        `  commits   ${e.commits.length}${e.commits.map((c) => `\n            ${c.sha.slice(0, 8)} ${c.subject}`).join("")}`,
      );
      lines.push(
        `  changed   ${e.filesChanged.length} file(s)${e.uncommitted.length ? `, ${e.uncommitted.length} uncommitted: ${e.uncommitted.slice(0, 5).join(", ")}` : ""}`,
      );
      for (const t of e.prd?.removed ?? []) lines.push(`  removed   ${t} (no longer in the PRD)`);
      for (const t of e.prd?.ticks ?? []) {
        lines.push(
          `  ticked    ${t.backed ? "ok        " : "NO COMMIT "}${t.text}${t.backed ? ` (${t.commits.map((c) => c.slice(0, 8)).join(", ")})` : t.why ? ` (${t.why})` : ""}`,
        );
      }
    }
  }
  if (s.loop) lines.push(...renderLoop(s.loop));
  if (s.diagnosis) {
    lines.push(`  diagnosis ${s.diagnosis.code}: ${s.diagnosis.summary}`);
    if (s.diagnosis.fix) lines.push(`  fix       ${s.diagnosis.fix}`);
  }
  const notes = s.notifications ?? [];
  const delivered = notes.filter((n) => n.state === "delivered").length;
  if (delivered > 0) lines.push(`  notified  ${delivered} delivered`);
  for (const n of notes) {
    const line = notificationLine(n, s.name);
    if (line !== null) lines.push(`  notify    ${line}`);
  }
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(statusDecl, argv);
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const s = await statusOf(ctx, name);
    if (flag(p, "json")) printJson(s);
    else {
      out(renderStatus(s));
      warnMonitor(ctx, [s]);
    }
    return 0;
  } finally {
    ctx.close();
  }
}
