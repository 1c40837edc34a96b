import { parseDuration } from "../monitor/duration.js";
import type { Context } from "../sessions/context.js";
import type { UsageEntry } from "../store/store.js";
import { sumUsage } from "../usage/sum.js";
import type { UsageJson } from "../usage/types.js";
import { AgentmuxError, show } from "../util/errors.js";
import { withContext, type ApiOptions } from "./context.js";

export const USAGE_GROUPS = ["session", "agent", "day"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageInput {
  /** Only runs and iterations that ended within this long ("24h", "7d"); default: all. */
  since?: string;
  /** Group by session (default), agent, or local day. */
  by?: string;
}

/** The shape of `usage --json`. */
export interface UsageReport {
  /** ISO time of the window's start; null: all time. */
  since: string | null;
  by: UsageGroup;
  groups: (UsageJson & { key: string })[];
  total: UsageJson;
}

/** Agents whose CLIs report usage: one of their runs without a report is unknown, not free. */
const REPORTING = new Set(["codex", "claude"]);

function localDay(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function keyOf(e: UsageEntry, by: UsageGroup): string {
  return by === "session" ? e.session : by === "agent" ? e.agent : localDay(e.endedAt);
}

/** Sums per group (pure: entries in, report out). */
export function summarize(
  entries: readonly UsageEntry[],
  by: UsageGroup,
  since: string | null,
): UsageReport {
  const counted = entries.filter((e) => e.usage !== null || REPORTING.has(e.agent));
  const groups = new Map<string, (UsageJson | null)[]>();
  for (const e of counted) {
    const k = keyOf(e, by);
    groups.set(k, [...(groups.get(k) ?? []), e.usage]);
  }
  return {
    since,
    by,
    groups: [...groups].map(([key, parts]) => ({ key, ...sumUsage(parts) })),
    total: sumUsage(counted.map((e) => e.usage)),
  };
}

export function usageWith(ctx: Context, input: UsageInput, now = Date.now()): UsageReport {
  const by = input.by ?? "session";
  if (!(USAGE_GROUPS as readonly string[]).includes(by)) {
    throw new AgentmuxError("usage", `Expected --by ${USAGE_GROUPS.join(", ")}, got ${show(by)}`);
  }
  const since =
    input.since === undefined
      ? null
      : new Date(now - parseDuration(input.since, "--since")).toISOString();
  const entries = ctx.store().usageSince(since ?? "");
  return summarize(entries, by as UsageGroup, since);
}

/** `usage --json`: tokens and cost summed per session, agent or day. */
export function usage(opts: ApiOptions & UsageInput = {}): Promise<UsageReport> {
  return withContext(opts, (ctx) => Promise.resolve(usageWith(ctx, opts)));
}
