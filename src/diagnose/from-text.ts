import type { Diagnosis } from "./types.js";
import {
  authFix,
  authSummary,
  cliUsageFix,
  excerpt,
  rateLimitFix,
  rateLimitSummary,
  usageLimitFix,
  usageLimitSummary,
  waitingInputFix,
} from "./advice.js";
import { parseResetTime, parseRetryAfterMs } from "./reset-time.js";
import type { TextCode, Vendor } from "./signatures.js";
import type { DiagnoseFacts } from "./types.js";

/** What a recognised message needs to know about its run. */
export interface TextContext {
  facts: DiagnoseFacts;
  agent: string;
  binary: string;
  now: Date;
}

/** The diagnosis for a recognised message (`rawLine`), read with the lines after it (`context`). */
export function fromText(
  ctx: TextContext,
  code: TextCode,
  vendor: Vendor,
  rawLine: string,
  context: string,
  note: string,
): Diagnosis {
  const commits = ctx.facts.evidence?.commits ?? 0;
  const made =
    commits > 0 ? ` ${commits} commit${commits === 1 ? " was" : "s were"} made first.` : "";
  const work = note + made;
  // "ERROR: You've hit…" reads better without the CLI's own prefix after ours.
  const line = rawLine.replace(/^(?:API Error|ERROR|Error|error):\s*/, "");
  switch (code) {
    case "auth":
      return {
        code,
        summary: sentence(authSummary(ctx.agent, vendor, line)) + work,
        fix: authFix(ctx.agent, vendor, line),
      };
    case "rate-limit": {
      const retry = parseRetryAfterMs(context);
      return {
        code,
        summary: sentence(rateLimitSummary(line, retry)) + work,
        fix: rateLimitFix(retry),
        ...(retry === null ? {} : { retryAfterMs: retry }),
      };
    }
    case "usage-limit": {
      const reset = parseResetTime(context, {
        now: ctx.now,
        ...(ctx.facts.timeZone ? { timeZone: ctx.facts.timeZone } : {}),
      });
      return {
        code,
        summary: sentence(usageLimitSummary(line, reset, ctx.now)) + work,
        fix: usageLimitFix(reset, ctx.now),
        ...(reset ? { resetAt: reset.at.toISOString() } : {}),
      };
    }
    case "waiting-input":
      return {
        code,
        summary: `Waiting for an answer at a prompt: "${excerpt(line, 120)}".${note}`,
        fix: waitingInputFix(vendor),
      };
    case "cli-usage":
      return {
        code,
        summary: `${ctx.binary} rejected its command line (exit ${ctx.facts.exitCode ?? "?"}): ${excerpt(line)}`,
        fix: cliUsageFix(ctx.agent, ctx.binary, line),
      };
  }
}

/** End `s` as a sentence so notes can follow it. */
function sentence(s: string): string {
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}
