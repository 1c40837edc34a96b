import { closeSync, openSync, readSync, statSync } from "node:fs";
import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { isLive } from "../../sessions/lifecycle.js";
import { refreshSession } from "../../sessions/reconcile.js";
import { stripAnsi } from "../../util/ansi.js";
import { readTail } from "../../verify/tail.js";
import { AgentmuxError } from "../../util/errors.js";
import { flag, intOption, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { tail as tailDecl } from "../declarations/tail.js";
import { out, printJson } from "../output.js";

const USAGE = usageOf(tailDecl);

function readFrom(path: string, offset: number): { text: string; end: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { text: "", end: offset }; // no output yet
  }
  if (size <= offset) return { text: "", end: size };
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    return { text: buf.subarray(0, n).toString("utf8"), end: offset + n };
  } finally {
    closeSync(fd);
  }
}

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(tailDecl, argv);
  const name = onePositional(p, "the session name", USAGE);
  const n = intOption(p, "lines", 0, 1_000_000) ?? 40;
  const json = flag(p, "json");
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const session = findSession(ctx, name);
    let view = await refreshSession(ctx, session);
    const run = view.run;
    if (!run) throw new AgentmuxError("state", `Session "${name}" has no runs yet`);
    const lines = n === 0 ? [] : await readTail(run.logPath, n);
    if (json && !flag(p, "follow")) {
      printJson({ name, run: run.runNo, state: run.state, logPath: run.logPath, lines });
      return 0;
    }
    if (json) for (const line of lines) out(JSON.stringify({ line }));
    else if (lines.length > 0) out(lines.join("\n"));
    if (!flag(p, "follow")) return 0;

    let offset = (() => {
      try {
        return statSync(run.logPath).size;
      } catch {
        return 0;
      }
    })();
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
      const chunk = readFrom(run.logPath, offset);
      offset = chunk.end;
      if (chunk.text) emit(chunk.text, false);
      await new Promise((r) => setTimeout(r, 200));
      view = await refreshSession(ctx, session);
    }
    const last = readFrom(run.logPath, offset);
    emit(last.text, true);
    const state = view.run?.state ?? "unknown";
    if (json) out(JSON.stringify({ end: state, exitCode: view.run?.exitCode ?? null }));
    else process.stderr.write(`agentmux: ${name} ${state}\n`);
    return 0;
  } finally {
    ctx.close();
  }
}
