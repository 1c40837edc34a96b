import { count, jsonObjects, record } from "./json-lines.js";
import type { ReportedUsage } from "./types.js";

/**
 * `codex exec --json`: each `turn.completed` carries `usage`, the running
 * total of the thread so far (not of the turn), so the last one wins.
 * input_tokens includes cached_input_tokens; output_tokens includes
 * reasoning_output_tokens; newer versions add cache_write_input_tokens.
 * A turn that failed, or a run killed mid-turn, may leave none: null.
 */
export function parseCodex(lines: Iterable<string>): ReportedUsage | null {
  let last: Record<string, unknown> | null = null;
  let model: string | null = null;
  for (const e of jsonObjects(lines)) {
    if (e.type === "turn.completed") {
      const usage = record(e.usage);
      if (usage) last = usage;
    }
    // Not printed by the versions seen so far; taken if a later one does.
    if (typeof e.model === "string") model = e.model;
  }
  if (!last) return null;
  return {
    source: "codex",
    model,
    input: count(last.input_tokens),
    cachedInput: count(last.cached_input_tokens),
    cacheCreation: count(last.cache_write_input_tokens),
    output: count(last.output_tokens),
    reasoning: count(last.reasoning_output_tokens),
    reportedUsd: null,
  };
}
