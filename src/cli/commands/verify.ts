import { Context } from "../../sessions/context.js";
import { verifyWith } from "../../api/sessions.js";
import { flag, onePositional, parse, str } from "../args.js";
import { out, printJson } from "../output.js";

const USAGE = "agentmux verify <name> [--json]";

export async function main(argv: string[]): Promise<number> {
  const p = parse("verify", argv, {}, USAGE);
  if (flag(p, "help")) {
    out(
      `${USAGE}\n\nRe-checks with git what the latest run changed since it started: commits, files\nchanged, uncommitted files, and the verdict (verified, no-changes, failed, unverifiable, or unverified: PRD boxes\nticked with no commit behind them).\nExit status 0 only when the verdict is "verified".`,
    );
    return 0;
  }
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const v = await verifyWith(ctx, name);
    const { verdict, evidence } = v;
    if (flag(p, "json")) {
      printJson(v);
    } else {
      out(
        [
          `${name}: ${verdict ?? `${v.state} (not finished: evidence so far)`}`,
          evidence.isRepo
            ? `  since ${v.startCommit?.slice(0, 8) ?? "the first commit"}: ${evidence.commits.length} commit(s), ${evidence.filesChanged.length} file(s) changed, ${evidence.uncommitted.length} uncommitted`
            : `  ${v.cwd} is not a git repository: nothing to verify`,
          ...evidence.commits.map((c) => `  ${c.sha.slice(0, 8)} ${c.subject}`),
          ...evidence.uncommitted.slice(0, 20).map((f) => `  uncommitted: ${f}`),
          ...(evidence.prd?.ticks ?? []).map(
            (t) =>
              `  ticked "${t.text}": ${t.backed ? `commit ${t.commits.map((c) => c.slice(0, 8)).join(", ")}` : "NO COMMIT behind it"}`,
          ),
        ].join("\n"),
      );
    }
    return verdict === "verified" ? 0 : 1;
  } finally {
    ctx.close();
  }
}
