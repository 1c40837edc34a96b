import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Price, PriceTable } from "../usage/cost.js";
import { AgentmuxError } from "../util/errors.js";
import {
  arrayOf,
  bool,
  either,
  num,
  object,
  oneOf,
  recordOf,
  str,
  type Check,
} from "./validate.js";

/**
 * The config file: JSON at $AGENTMUX_CONFIG, else $XDG_CONFIG_HOME/agentmux/config.json,
 * else ~/.config/agentmux/config.json. Missing is fine; malformed is an error listing
 * every problem with its key path. Flags override it; see docs/config.md.
 */
const agentOverride = object({
  command: arrayOf(str),
  args: arrayOf(str),
  env: recordOf(str),
});

const agentLimits = object({
  concurrency: num(1, 1000),
  spacingSeconds: num(0, 3600),
});

/** A duration as --stall-after takes it: 90s, 20m, 1h30m (monitor/duration.ts parses it). */
const duration: Check<string> = (v, path, problems) => {
  if (typeof v === "string" && /^(\d+(\.\d+)?(ms|s|m|h|d))+$|^\d+$/.test(v.trim())) return v;
  problems.push(`${path}: expected a duration like "20m" or "1h30m", got ${JSON.stringify(v)}`);
  return undefined;
};

/** USD per million tokens for one model (usage/cost.ts); input and output are required. */
const price: Check<Price> = (v, path, problems) => {
  const p = object({
    input: num(0, 1e6),
    cachedInput: num(0, 1e6),
    cacheCreation: num(0, 1e6),
    output: num(0, 1e6),
  })(v, path, problems);
  if (p === undefined) return undefined;
  if (p.input === undefined || p.output === undefined) {
    problems.push(`${path}: expected "input" and "output" (USD per million tokens)`);
    return undefined;
  }
  return { ...p, input: p.input, output: p.output };
};

const schema = object({
  socket: str,
  restart: oneOf("never", "on-failure", "always"),
  stallAfter: duration,
  monitor: bool,
  journalDir: str,
  killGraceSeconds: num(0, 600),
  notify: object({
    commands: arrayOf(str),
    openclaw: bool,
    webhooks: arrayOf(str),
    desktop: either(bool, oneOf("auto"), 'true, false or "auto"'),
    coalesceSeconds: num(0, 600),
  }),
  agents: object({
    codex: agentOverride,
    claude: agentOverride,
    ralphy: agentOverride,
    cmd: agentOverride,
    demo: agentOverride,
  }),
  limits: object({
    codex: agentLimits,
    claude: agentLimits,
    ralphy: agentLimits,
    cmd: agentLimits,
    demo: agentLimits,
  }),
  prices: recordOf(price),
});

export interface AgentOverride {
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
}

/** Launch limits for one agent (monitor/policy/governor.ts); see docs/restart-policy.md. */
export interface AgentLimits {
  /** Runs of this agent at once, across all sessions. */
  concurrency?: number;
  /** Minimum seconds between two launches of this agent. */
  spacingSeconds?: number;
}

export interface Config {
  path: string;
  socket?: string;
  journalDir?: string;
  killGraceSeconds?: number;
  /** Default restart policy for sessions that chose none (docs/monitor.md). */
  restart?: "never" | "on-failure" | "always";
  /** Default stall window, e.g. "20m". */
  stallAfter?: string;
  /** Start `agentmux watch` in the background when a session starts and none runs (default true). */
  monitor?: boolean;
  notify: {
    commands: string[];
    openclaw: boolean;
    webhooks: string[];
    desktop: boolean | "auto";
    /** One message per destination per this many seconds (notify/coalesce.ts); default 30. */
    coalesceSeconds?: number;
  };
  agents: Partial<Record<"codex" | "claude" | "ralphy" | "cmd" | "demo", AgentOverride>>;
  limits: Partial<Record<"codex" | "claude" | "ralphy" | "cmd" | "demo", AgentLimits>>;
  /** Model name -> USD per million tokens, for estimating what the CLI did not price. */
  prices: PriceTable;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGENTMUX_CONFIG) return resolve(env.AGENTMUX_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "agentmux", "config.json");
}

/** Expand a leading ~ (config values are written by hand). */
export function expandHome(p: string, env: NodeJS.ProcessEnv = process.env): string {
  if (p === "~") return env.HOME || homedir();
  if (p.startsWith("~/")) return join(env.HOME || homedir(), p.slice(2));
  return p;
}

export function parseConfig(text: string, path: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AgentmuxError("config", `${path} is not valid JSON: ${(e as Error).message}`, {
      hint: "fix the file or move it aside; see docs/config.md",
    });
  }
  const problems: string[] = [];
  const c = schema(raw, "", problems);
  if (problems.length > 0 || c === undefined) {
    throw new AgentmuxError(
      "config",
      `${path} has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`,
      {
        hint: "see docs/config.md for the keys and their types",
      },
    );
  }
  const cfg: Config = {
    path,
    notify: {
      commands: c.notify?.commands ?? [],
      openclaw: c.notify?.openclaw ?? false,
      webhooks: c.notify?.webhooks ?? [],
      desktop: c.notify?.desktop ?? "auto",
      ...(c.notify?.coalesceSeconds === undefined
        ? {}
        : { coalesceSeconds: c.notify.coalesceSeconds }),
    },
    agents: c.agents ?? {},
    limits: c.limits ?? {},
    prices: c.prices ?? {},
  };
  if (c.socket !== undefined) cfg.socket = c.socket;
  if (c.journalDir !== undefined) cfg.journalDir = c.journalDir;
  if (c.killGraceSeconds !== undefined) cfg.killGraceSeconds = c.killGraceSeconds;
  if (c.restart !== undefined) cfg.restart = c.restart;
  if (c.stallAfter !== undefined) cfg.stallAfter = c.stallAfter;
  if (c.monitor !== undefined) cfg.monitor = c.monitor;
  return cfg;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return parseConfig("{}", path);
    throw new AgentmuxError("config", `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseConfig(text, path);
}

/** The tmux socket: --socket, then $AGENTMUX_SOCKET, then config, then ~/.tmux/sock. */
export function resolveSocket(
  flag: string | undefined,
  cfg: Config,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = flag ?? env.AGENTMUX_SOCKET ?? cfg.socket ?? "~/.tmux/sock";
  return resolve(expandHome(chosen, env));
}

/** The journal directory: --journal, then $AGENTMUX_JOURNAL_DIR, then config; none by default. */
export function resolveJournalDir(
  flag: string | undefined,
  cfg: Config,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const chosen = flag ?? env.AGENTMUX_JOURNAL_DIR ?? cfg.journalDir;
  return chosen === undefined || chosen === "" ? undefined : resolve(expandHome(chosen, env));
}
