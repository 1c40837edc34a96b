import { Context } from "../../sessions/context.js";
import { listWith } from "../../api/list.js";
import { monitorStatus } from "../../monitor/record.js";
import { flag, parse, str } from "../args.js";
import { cell, err, formatDuration, out, outcome, printJson, table } from "../output.js";

const USAGE = "agentmux ls [--all] [--json] [--socket PATH]";

export async function main(argv: string[]): Promise<number> {
  const p = parse("ls", argv, { all: { type: "boolean", short: "a" } }, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nLists sessions (latest run of each) and the tmux sessions on the socket that agentmux\ndid not start (state "foreign"; never touched). --all includes removed sessions.`,
    );
    return 0;
  }
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const list = await listWith(ctx, { all: flag(p, "all") });
    if (flag(p, "json")) {
      printJson(list);
      return 0;
    }
    warnMonitor(ctx, list);
    if (list.length === 0) {
      out('no sessions (start one: agentmux run codex "task" --cwd DIR)');
      return 0;
    }
    out(
      table(
        ["NAME", "AGENT", "STATE", "TIME", "VERDICT", "ITEMS", "NOTE"],
        list.map((s) => [
          cell(s.name, 48),
          s.agent,
          outcome(s),
          formatDuration(s.durationMs),
          s.verdict ?? "-",
          s.loop ? `${s.loop.done}/${s.loop.total}` : "-",
          cell(
            s.diagnosis && s.diagnosis.code !== "success"
              ? `${s.diagnosis.code}: ${s.diagnosis.summary}`
              : "",
            70,
          ),
        ]),
      ),
    );
    return 0;
  } finally {
    ctx.close();
  }
}

/** One line on stderr when `agentmux watch` died while sessions still need watching. */
export function warnMonitor(ctx: Context, list: readonly { state: string }[]): void {
  const live = list.filter((s) => s.state === "running" || s.state === "starting").length;
  const w = monitorStatus(ctx.store(), live).warning;
  if (w) err(`warning: ${w}`);
}
