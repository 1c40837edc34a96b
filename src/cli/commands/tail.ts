import { tailWith } from "../../api/tail.js";
import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { stripAnsi } from "../../util/ansi.js";
import { flag, intOption, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { tail as tailDecl } from "../declarations/tail.js";
import { out, printJson } from "../output.js";
import { followLog } from "./tail-follow.js";

const USAGE = usageOf(tailDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(tailDecl, argv);
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
    // Follow until the run settles, woken by the log and the store (not a poll).
    const view = await followLog(ctx, session, t.logPath, t.nextOffset, (bytes, final) =>
      emit(bytes.toString("utf8"), final),
    );
    const state = view.run?.state ?? "unknown";
    if (json) out(JSON.stringify({ end: state, exitCode: view.run?.exitCode ?? null }));
    else process.stderr.write(`agentmux: ${name} ${state}\n`);
    return 0;
  } finally {
    ctx.close();
  }
}
