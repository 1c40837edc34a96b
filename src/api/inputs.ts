import { parseDuration } from "../monitor/duration.js";
import { parseRestartPolicy } from "../monitor/policy-config.js";
import type { LaunchRequest } from "../sessions/launch.js";
import type { AgentName } from "../sessions/types.js";
import { AgentmuxError, show } from "../util/errors.js";

/**
 * Validation of what callers give: the CLI (from argv), the MCP server and
 * library users (from plain objects) all go through these, so a bad value
 * gets the same one sentence wherever it came from.
 */

/** Options every session takes, from `run` and `loop` alike. */
export interface SessionInput {
  /** Extra environment for the agent, as NAME=VALUE. */
  env?: string[];
  /** Commands run when it ends: templates with {name} {state} {summary} ... as whole arguments. */
  notifyCommands?: string[];
  /** Presets; only "openclaw". */
  notify?: string[];
  /** URLs POSTed a JSON event when it ends. */
  webhooks?: string[];
  desktop?: boolean;
  noNotify?: boolean;
  /** Daily-notes directory. */
  journal?: string;
  /** never | on-failure | always */
  restart?: string;
  /** "20m", "1h": no output, file changes or CPU for this long = stalled. */
  stallAfter?: string;
}

export type SessionOptions = Pick<
  LaunchRequest,
  | "env"
  | "notifyCommands"
  | "openclaw"
  | "webhooks"
  | "noNotify"
  | "journalDir"
  | "desktop"
  | "restart"
  | "stallAfterMs"
>;

function strings(key: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new AgentmuxError("bad-value", `Expected ${key} to be a list of strings, got ${show(v)}`);
  }
  return v as string[];
}

export function sessionOptionsOf(input: SessionInput): SessionOptions {
  const presets = strings("notify", input.notify);
  for (const preset of presets) {
    if (preset !== "openclaw") {
      throw new AgentmuxError("usage", `Expected --notify openclaw, got ${show(preset)}`, {
        hint: "for any other command use --notify-cmd 'command {summary}'",
      });
    }
  }
  const o: SessionOptions = {
    env: strings("env", input.env),
    notifyCommands: strings("notifyCommands", input.notifyCommands),
    openclaw: presets.includes("openclaw"),
    webhooks: strings("webhooks", input.webhooks),
    noNotify: input.noNotify === true,
    journalDir: input.journal,
  };
  if (input.desktop !== undefined) o.desktop = input.desktop;
  if (input.restart !== undefined) o.restart = parseRestartPolicy(input.restart);
  if (input.stallAfter !== undefined)
    o.stallAfterMs = parseDuration(input.stallAfter, "--stall-after");
  return o;
}

export const RUN_AGENTS: readonly AgentName[] = ["codex", "claude", "ralphy", "cmd", "demo"];
export const LOOP_AGENTS: readonly AgentName[] = ["codex", "claude", "cmd", "demo"];

export function agentOf(
  value: unknown,
  allowed: readonly AgentName[],
  what: string,
  hint = "to run any other command: agentmux run cmd -- your-command args",
): AgentName {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new AgentmuxError(
      "usage",
      `Expected ${what} of ${allowed.join(", ")}, got ${show(value)}`,
      {
        hint,
      },
    );
  }
  return value as AgentName;
}

/** A whole number from min to max, given as a number or as its text (argv). */
export function wholeNumber(
  key: string,
  v: number | string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isInteger(n) || n < min || n > max || (typeof v === "string" && v.trim() === "")) {
    throw new AgentmuxError(
      "usage",
      `--${key}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

/** A session name given by a caller: a non-empty string (the store says whether it exists). */
export function nameOf(value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw new AgentmuxError("usage", `Expected a session name, got ${show(value)}`, {
      hint: "agentmux ls lists them",
    });
  }
  return value;
}
