import { readFrom, tailWith } from "../../api/tail.js";
import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { isLive } from "../../sessions/lifecycle.js";
import { refreshSession } from "../../sessions/reconcile.js";
import { stripAnsi } from "../../verify/ansi.js";
import { flag, intOption, onePositional, parse, str } from "../args.js";
import { out, printJson } from "../output.js";

const USAGE = "agentmux tail <name> [-n N | --offset BYTES] [-f] [--json]";

export async function main(argv: string[]): Promise<number> {
  const p = parse(
    "tail",
    argv,
    {
      lines: { type: "string", short: "n" },
      follow: { type: "boolean", short: "f" },
      offset: { type: "string" },
    },
    USAGE,
  );
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nThe last N (default 40) lines of the session's output, from its log file, with terminal\nescape sequences stripped. -f keeps following until the run ends.\n--offset BYTES prints the output from that byte of the log instead; --json gives nextOffset\nto continue from without repeats.`,
    );
    return 0;
  }
  const name = onePositional(p, "the session name", USAGE);
  const n = intOption(p, "lines", 0, 1_000_000) ?? 40;
  const from = intOption(p, "offset", 0, Number.MAX_SAFE_INTEGER);
  const json = flag(p, "json");
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const t = await tailWith(ctx, from === undefined ? { name, lines: n } : { name, offset: from });
    const lines = t.lines;
    if (json && !flag(p, "follow")) {
      printJson(t);
      return 0;
    }
    if (json) for (const line of lines) out(JSON.stringify({ line }));
    else if (lines.length > 0) out(lines.join("\n"));
    if (!flag(p, "follow")) return 0;

    const session = findSession(ctx, name);
    let view = await refreshSession(ctx, session);
    const logPath = t.logPath;
    let offset = t.nextOffset;
    let pending = "";
    const emit = (text: string, final: boolean): void => {
      const parts = (pending + text).split("\n");
      pending = final ? "" : (parts.pop() ?? "");
      const show = final ? parts.filter((l, i) => i < parts.length - 1 || l !== "") : parts;
      for (const line of show) {
        const l = stripAnsi(line).trimEnd();
        if (json) out(JSON.stringify({ line: l }));
        else process.stdout.write(`${l}\n`);
      }
    };
    // Follow until the run settles; poll cadence is what a person watching would notice.
    while (view.run && isLive(view.run.state)) {
      const chunk = readFrom(logPath, offset);
      offset = chunk.end;
      if (chunk.bytes.length > 0) emit(chunk.bytes.toString("utf8"), false);
      await new Promise((r) => setTimeout(r, 200));
      view = await refreshSession(ctx, session);
    }
    const last = readFrom(logPath, offset);
    emit(last.bytes.toString("utf8"), true);
    const state = view.run?.state ?? "unknown";
    if (json) out(JSON.stringify({ end: state, exitCode: view.run?.exitCode ?? null }));
    else process.stderr.write(`agentmux: ${name} ${state}\n`);
    return 0;
  } finally {
    ctx.close();
  }
}
