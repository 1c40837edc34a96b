import { usageWith } from "../../api/usage.js";
import { Context } from "../../sessions/context.js";
import { shortCount, usd } from "../../usage/format.js";
import type { UsageJson } from "../../usage/types.js";
import { flag, parse, str } from "../args.js";
import { cell, out, printJson, table } from "../output.js";

const USAGE = "agentmux usage [--since DUR] [--by session|agent|day] [--json]";

const HELP = `${USAGE}

Tokens and cost of runs and loop iterations, as the agent CLIs reported them (codex
exec --json, claude stream-json), summed per session, agent or day.
  IN      all input tokens (cache reads and writes included)   CACHED  of IN, cache reads
  OUT     all output tokens (reasoning included)                COST    ~ = estimated
Cost is the CLI's own figure (claude), else estimated from "prices" in the config, else "?".
A run of codex or claude that reported nothing is counted as MISSING: unknown, not free.
Options:
  --since DUR   only what ended within DUR (24h, 7d); default: everything
  --by KEY      session (default), agent, or day`;

const n = (v: number | null): string => (v === null ? "?" : shortCount(v));

function costCell(u: UsageJson): string {
  if (u.cost.usd === null) return "?";
  return `${u.cost.basis === "estimated" ? "~" : ""}${usd(u.cost.usd)}`;
}

export function main(argv: string[]): Promise<number> {
  const p = parse("usage", argv, { since: { type: "string" }, by: { type: "string" } }, USAGE);
  if (flag(p, "help")) {
    out(HELP);
    return Promise.resolve(0);
  }
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const input: { since?: string; by?: string } = {};
    const since = str(p, "since");
    if (since !== undefined) input.since = since;
    const by = str(p, "by");
    if (by !== undefined) input.by = by;
    const report = usageWith(ctx, input);
    if (flag(p, "json")) {
      printJson(report);
      return Promise.resolve(0);
    }
    if (report.groups.length === 0) {
      out(`no usage recorded${report.since ? ` since ${report.since}` : ""}`);
      return Promise.resolve(0);
    }
    const row = (key: string, u: UsageJson): string[] => [
      cell(key, 48),
      n(u.input),
      n(u.cachedInput),
      n(u.output),
      costCell(u),
      String(u.reports ?? 0),
      String(u.missing ?? 0),
    ];
    out(
      table(
        [report.by.toUpperCase(), "IN", "CACHED", "OUT", "COST", "RUNS", "MISSING"],
        [...report.groups.map((g) => row(g.key, g)), row("total", report.total)],
      ),
    );
    return Promise.resolve(0);
  } finally {
    ctx.close();
  }
}
