import { parseArgs, type ParseArgsConfig } from "node:util";
import { AgentmuxError } from "../util/errors.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Arguments after a standalone `--`, verbatim. */
  rest: string[];
}

/** Options every command takes. */
export const COMMON: OptionSpec = {
  json: { type: "boolean" },
  socket: { type: "string" },
  help: { type: "boolean", short: "h" },
};

/**
 * node:util parseArgs with agentmux's error style, and `--` kept apart so
 * `agentmux run cmd -- ls -la` hands `ls -la` to the agent untouched.
 */
export function parse(
  command: string,
  argv: readonly string[],
  options: OptionSpec,
  usage: string,
): Parsed {
  const dd = argv.indexOf("--");
  const head = dd === -1 ? argv : argv.slice(0, dd);
  const rest = dd === -1 ? [] : argv.slice(dd + 1);
  try {
    const { values, positionals } = parseArgs({
      args: [...head],
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed["values"], positionals, rest };
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new AgentmuxError("usage", `${command}: ${msg}`, { hint: `usage: ${usage}` });
  }
}

export function str(p: Parsed, key: string): string | undefined {
  const v = p.values[key];
  return typeof v === "string" ? v : undefined;
}

export function list(p: Parsed, key: string): string[] {
  const v = p.values[key];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

export function flag(p: Parsed, key: string): boolean {
  return p.values[key] === true;
}

export function intOption(p: Parsed, key: string, min: number, max: number): number | undefined {
  const v = str(p, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AgentmuxError(
      "usage",
      `--${key}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

export function onePositional(p: Parsed, what: string, usage: string): string {
  const [first, ...extra] = p.positionals;
  if (first === undefined)
    throw new AgentmuxError("usage", `missing ${what}`, { hint: `usage: ${usage}` });
  if (extra.length > 0) {
    throw new AgentmuxError("usage", `unexpected argument ${JSON.stringify(extra[0])}`, {
      hint: `usage: ${usage}`,
    });
  }
  return first;
}
