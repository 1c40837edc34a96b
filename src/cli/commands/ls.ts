import { Context } from "../../sessions/context.js";
import { listWith } from "../../api/list.js";
import { monitorStatus } from "../../monitor/record.js";
import { flag, parseDeclared, str } from "../args.js";
import { ls as lsDecl } from "../declarations/ls.js";
import { fitTable, terminalWidth, type Column } from "../layout.js";
import { cell, durationCell, err, out, outcome, printJson } from "../output.js";

/**
 * ls's columns for a narrow terminal: NAME and STATE always show; the note
 * and then the name give up width (ending in "…"); then columns are left
 * out, the loop items first and the note last.
 */
const LS_COLUMNS: readonly Column[] = [
  { header: "NAME", min: 16 },
  { header: "AGENT", drop: 3 },
  { header: "STATE" },
  { header: "TIME", drop: 4 },
  { header: "VERDICT", drop: 2 },
  { header: "ITEMS", drop: 5 },
  { header: "NOTE", drop: 1, min: 16 },
];

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(lsDecl, argv);
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
    const wide = flag(p, "wide");
    const rows = list.map((s) => [
      cell(s.name, Infinity),
      s.agent,
      outcome(s),
      durationCell(s.durationMs),
      s.verdict ?? "-",
      s.loop ? `${s.loop.done}/${s.loop.total}` : "-",
      cell(
        s.diagnosis && s.diagnosis.code !== "success"
          ? `${s.diagnosis.code}: ${s.diagnosis.summary}`
          : "",
        Infinity,
      ),
    ]);
    out(
      fitTable(LS_COLUMNS, rows, wide ? null : terminalWidth(process.stdout, process.env)).join(
        "\n",
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
