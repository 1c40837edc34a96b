import { Context } from "../../sessions/context.js";
import { verifyWith } from "../../api/sessions.js";
import type { RecordedEvidence, SinceEnd } from "../../verify/since.js";
import { flag, onePositional, parseDeclared, str, usageOf } from "../args.js";
import { verify as verifyDecl } from "../declarations/verify.js";
import { out, printJson } from "../output.js";

const USAGE = usageOf(verifyDecl);

export async function main(argv: string[]): Promise<number> {
  const p = parseDeclared(verifyDecl, argv);
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
              `  ticked "${t.text}": ${t.backed ? `commit ${t.commits.map((c) => c.slice(0, 8)).join(", ")}` : `NO COMMIT behind it${t.why ? ` (${t.why})` : ""}`}`,
          ),
          ...(evidence.prd?.removed ?? []).map((t) => `  removed "${t}": no longer in the PRD`),
          ...(v.judged === "at-end" ? sinceLines(v.endedAt, evidence, v.since) : []),
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
