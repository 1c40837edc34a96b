import { Context } from "../../sessions/context.js";
import { statusWith } from "../../api/status.js";
import type { StatusJson } from "../../sessions/view.js";
import { usageText } from "../../usage/format.js";
import { flag, onePositional, parse, str } from "../args.js";
import { warnMonitor } from "./ls.js";
import { formatDuration, out, outcome, printJson } from "../output.js";

const USAGE = "agentmux status <name> [--json]";

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
  const total = usageText(loop.usage ?? null);
  const lines = [
    `  items     ${loop.done}/${loop.total} done, ${loop.failed} failed, ${loop.pending} to go · ${loop.iteration ?? 0} iteration(s)${loop.currentItem ? ` · now: ${loop.currentItem}` : ""}`,
  ];
  for (const i of loop.items ?? []) {
    const check = i.checkPassed === null ? "" : i.checkPassed ? ", check passed" : ", check failed";
    const facts = `${i.state}, ${i.attempts} attempt(s), ${i.commits} commit(s)${check}`;
    lines.push(`   [${MARKS[i.state] ?? " "}] ${i.text}`);
    lines.push(`       ${facts}${i.reason && i.state !== "pending" ? ` — ${i.reason}` : ""}`);
    const used = usageText(i.usage ?? null);
    if (used) lines.push(`       ${used}`);
  }
  if (total) lines.push(`  loop usage ${total}`);
  return lines;
}

/** Tokens, cost and its basis; says "not reported" rather than showing 0. */
function usageLine(u: StatusJson["usage"]): string {
  if (!u) return "not reported by the agent";
  const text = usageText(u) ?? "no token counts";
  const extra = [
    u.reasoning ? `${u.reasoning} reasoning` : null,
    u.cacheCreation ? `${u.cacheCreation} cache writes` : null,
    u.model,
    u.cost.basis === "none"
      ? "cost unknown (no price for this model in the config)"
      : `cost ${u.cost.basis}`,
  ].filter((x) => x !== null);
  return `${text}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

export function renderStatus(s: StatusJson): string {
  const lines = [
    `${s.name}: ${outcome(s)}${s.verdict ? ` · ${s.verdict}` : ""}`,
    `  agent     ${s.agent}  (run ${s.run ?? "-"} of ${s.runs})`,
    `  command   ${s.command ?? "-"}`,
    `  cwd       ${s.cwd ?? "-"}`,
    `  started   ${s.startedAt ?? "-"}${s.endedAt ? `   ended ${s.endedAt}` : ""}   (${formatDuration(s.durationMs)})`,
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
      for (const t of e.prd?.ticks ?? []) {
        lines.push(
          `  ticked    ${t.backed ? "ok        " : "NO COMMIT "}${t.text}${t.backed ? ` (${t.commits.map((c) => c.slice(0, 8)).join(", ")})` : ""}`,
        );
      }
    }
  }
  // Agents that never report usage (cmd, demo) get no line rather than "not reported" each time.
  const reports = s.agent === "codex" || s.agent === "claude";
  if (s.usage || (s.usage === null && reports)) lines.push(`  usage     ${usageLine(s.usage)}`);
  if (s.loop) lines.push(...renderLoop(s.loop));
  if (s.diagnosis) {
    lines.push(`  diagnosis ${s.diagnosis.code}: ${s.diagnosis.summary}`);
    if (s.diagnosis.fix) lines.push(`  fix       ${s.diagnosis.fix}`);
  }
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const p = parse("status", argv, {}, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nThe session's latest run: state (starting, running, succeeded, failed, killed, lost),\nexit code or signal, pids, times, git evidence, verdict and diagnosis.`,
    );
    return 0;
  }
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const s = await statusWith(ctx, name);
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
