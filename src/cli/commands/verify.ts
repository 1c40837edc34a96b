import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { refreshSession } from "../../sessions/reconcile.js";
import { runEvidence } from "../../sessions/run-evidence.js";
import { decideVerdict } from "../../verify/verdict.js";
import { AgentmuxError } from "../../util/errors.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { verify as verifyDecl } from "../declarations/verify.js";
import { out, printJson } from "../output.js";

const USAGE = usageOf(verifyDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(verifyDecl, argv);
  const name = onePositional(p, "the session name", USAGE);
  const ctx = new Context({ socket: str(p, "socket") });
  try {
    const session = findSession(ctx, name);
    const { run } = await refreshSession(ctx, session);
    if (!run) throw new AgentmuxError("state", `Session "${name}" has no runs yet`);
    const spec = session.spec;
    const evidence = await runEvidence(spec, run);
    const finished = run.state !== "starting" && run.state !== "running";
    const verdict = finished
      ? decideVerdict({ exitCode: run.exitCode, signal: run.signal, evidence })
      : null;
    if (flag(p, "json")) {
      printJson({
        name,
        run: run.runNo,
        state: run.state,
        exitCode: run.exitCode,
        signal: run.signal,
        verdict,
        evidence,
      });
    } else {
      out(
        [
          `${name}: ${verdict ?? `${run.state} (not finished: evidence so far)`}`,
          evidence.isRepo
            ? `  since ${run.startCommit?.slice(0, 8) ?? "the first commit"}: ${evidence.commits.length} commit(s), ${evidence.filesChanged.length} file(s) changed, ${evidence.uncommitted.length} uncommitted`
            : `  ${spec.cwd} is not a git repository: nothing to verify`,
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
