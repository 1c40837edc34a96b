import { Context } from "../../sessions/context.js";
import { findSession } from "../../sessions/control.js";
import { refreshSession } from "../../sessions/reconcile.js";
import { runEvidence } from "../../sessions/run-evidence.js";
import { changesSinceEnd, type RecordedEvidence, type SinceEnd } from "../../verify/since.js";
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
    const finished = run.state !== "starting" && run.state !== "running";
    // A finished run is judged on its record; one still going (or recorded without evidence) live.
    const recorded: RecordedEvidence | null = finished ? run.evidence : null;
    const evidence: RecordedEvidence = recorded ?? (await runEvidence(spec, run));
    const since = recorded ? await changesSinceEnd(spec.cwd, recorded) : null;
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
        judged: recorded ? "at-end" : "now",
        evidence,
        since,
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
              `  ticked "${t.text}": ${t.backed ? `commit ${t.commits.map((c) => c.slice(0, 8)).join(", ")}` : `NO COMMIT behind it${t.why ? ` (${t.why})` : ""}`}`,
          ),
          ...(evidence.prd?.removed ?? []).map((t) => `  removed "${t}": no longer in the PRD`),
          ...(recorded ? sinceLines(run.endedAt, recorded, since) : []),
        ].join("\n"),
      );
    }
    return verdict === "verified" ? 0 : 1;
  } finally {
    ctx.close();
  }
}

/** The record the verdict is based on, and what changed after it (not part of the verdict). */
function sinceLines(
  endedAt: string | null,
  recorded: RecordedEvidence,
  since: SinceEnd | null,
): string[] {
  const at = recorded.headCommit?.slice(0, 8) ?? "no commit";
  const lines = [`  judged as the run left it${endedAt ? ` at ${endedAt}` : ""} (HEAD ${at})`];
  if (since === null) return lines;
  const parts: string[] = [];
  if (since.rewritten) parts.push("history rewritten (HEAD no longer descends from the run's end)");
  if (since.commits.length > 0) parts.push(`${since.commits.length} commit(s)`);
  if (since.files.length > 0) {
    const shown = since.files.slice(0, 5).join(", ") + (since.files.length > 5 ? ", …" : "");
    parts.push(`${since.files.length} file(s) differ (${shown})`);
  }
  lines.push(
    parts.length === 0
      ? "  since the run ended: nothing changed"
      : `  since the run ended: ${parts.join(", ")}; not part of this verdict${since.exact ? "" : " (the run's uncommitted changes were not recorded: they are counted here too)"}`,
  );
  return lines;
}
