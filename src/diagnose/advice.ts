import { formatDuration } from "../util/format-duration.js";
import type { ResetTime } from "./reset-time.js";
import type { Vendor } from "./signatures.js";

/** Words for people: durations, excerpts, and what to do about each outcome. */

/** A line of agent output fit for a one-line summary. */
export function excerpt(text: string, max = 200): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** "Tue 19:00 Europe/Berlin", the way a person in that zone reads the reset time. */
export function formatReset(reset: ResetTime, now: Date): string {
  const sameDay = reset.at.getTime() - now.getTime() < 20 * 3_600_000;
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone: reset.timeZone,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    ...(sameDay ? {} : { month: "short", day: "numeric" }),
  });
  return `${f.format(reset.at)} ${reset.timeZone}`;
}

function who(agent: string, vendor: Vendor): string {
  return vendor === "any" ? agent : vendor;
}

export function authFix(agent: string, vendor: Vendor, line: string): string {
  const envVar = /Missing environment variable: `([A-Z0-9_]+)`/.exec(line)?.[1];
  if (envVar) {
    return `Set ${envVar} in the session's environment, or run \`codex login\`, then restart the session.`;
  }
  if (/Fix external API key|invalid x-api-key/i.test(line)) {
    // claude 2.1: the key came from ANTHROPIC_API_KEY or apiKeyHelper, not from /login.
    return "The API key claude was given (ANTHROPIC_API_KEY or apiKeyHelper) was rejected: set a valid one, or unset it and log in with `claude` then /login; then restart the session.";
  }
  const v = vendor === "any" ? (agent === "codex" || agent === "claude" ? agent : "any") : vendor;
  if (v === "codex") {
    return "Run `codex login` (or `codex login --with-api-key` with the key on stdin), then restart the session.";
  }
  if (v === "claude") {
    return "Run `claude`, type /login (or set ANTHROPIC_API_KEY), then restart the session.";
  }
  return `Log ${agent} in again (or set its API key), then restart the session.`;
}

export function authSummary(agent: string, vendor: Vendor, line: string): string {
  return `${who(agent, vendor)} is not authenticated: ${excerpt(line)}`;
}

export function rateLimitSummary(line: string, retryAfterMs: number | null): string {
  const wait =
    retryAfterMs === null ? "" : ` The API asked to wait ${formatDuration(retryAfterMs)}.`;
  return `Rate limited by the API: ${excerpt(line)}${wait}`;
}

export function rateLimitFix(retryAfterMs: number | null): string {
  const when = retryAfterMs === null ? "a few minutes" : formatDuration(retryAfterMs);
  return `Wait ${when} and restart the session; if it keeps happening, run fewer agents at once.`;
}

export function usageLimitSummary(line: string, reset: ResetTime | null, now: Date): string {
  const at = reset ? `; resets ${formatReset(reset, now)}` : "";
  return `Usage limit reached${at}: ${excerpt(line)}`;
}

export function usageLimitFix(reset: ResetTime | null, now: Date): string {
  return reset
    ? `Restart the session after ${formatReset(reset, now)}; an earlier restart fails the same way.`
    : "Wait for the plan's limit to reset (or raise it), then restart the session.";
}

export function waitingInputFix(vendor: Vendor): string {
  const unattended =
    vendor === "codex"
      ? "`codex exec`"
      : vendor === "claude"
        ? "`claude -p`"
        : "the agent's non-interactive mode";
  return `Attach (\`agentmux attach\`) and answer the prompt, or run unattended work with ${unattended} so it cannot stop to ask.`;
}

export function cliUsageFix(agent: string, binary: string, line: string): string {
  if (/--full-auto/.test(line) && (agent === "codex" || /(?:^|\/)codex$/.test(binary))) {
    // codex-rs/exec/src/cli.rs: "`--full-auto` is deprecated; use `--sandbox workspace-write` instead."
    return "This codex no longer accepts --full-auto; use `--sandbox workspace-write` instead (codex's own replacement) and restart.";
  }
  return `Check \`${binary} --help\` for this version of ${agent} and fix the command line, then restart.`;
}

export function installHint(binary: string): string {
  const name = binary.split("/").pop() ?? binary;
  if (name === "codex") return "npm install -g @openai/codex";
  if (name === "claude") return "npm install -g @anthropic-ai/claude-code";
  return `install ${name}`;
}
