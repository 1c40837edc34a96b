import type { Config } from "../config/config.js";
import type { SessionSpec } from "../sessions/spec.js";
import { AgentmuxError, show } from "../util/errors.js";
import { parseDuration } from "./duration.js";
import { RESTART_POLICIES, type RestartPolicy } from "./policy/restart.js";
import { DEFAULT_STALL_AFTER_MS } from "./stall.js";

/** A session's settings for the monitor: its own choice, else the config's, else the defaults. */

export function parseRestartPolicy(text: string): RestartPolicy {
  if ((RESTART_POLICIES as readonly string[]).includes(text)) return text as RestartPolicy;
  throw new AgentmuxError(
    "usage",
    `Expected --restart ${RESTART_POLICIES.join(", ")}, got ${show(text)}`,
    { hint: "without --restart, lost runs are restarted and failed ones are not" },
  );
}

/** null: none chosen anywhere, which restart.ts reads as its default (lost runs only). */
export function restartPolicyOf(spec: SessionSpec, cfg: Config): RestartPolicy | null {
  return spec.restart ?? cfg.restart ?? null;
}

export function stallAfterOf(spec: SessionSpec, cfg: Config): number {
  if (spec.stallAfterMs !== undefined) return spec.stallAfterMs;
  if (cfg.stallAfter !== undefined)
    return parseDuration(cfg.stallAfter, `stallAfter in ${cfg.path}`);
  return DEFAULT_STALL_AFTER_MS;
}
