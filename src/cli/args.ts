import type { ParseArgsConfig } from "node:util";
import { AgentmuxError, show } from "../util/errors.js";
import { parseDeclared, type Parsed } from "./options/parse.js";
import { synopsis, type CommandDecl, type OptionDecl } from "./options/types.js";

export type { Parsed };
export { parseDeclared };

/** node:util parseArgs-style option specs: the old way to declare options (see parse). */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** The usage line of a declared command, for hints. */
export function usageOf(decl: CommandDecl): string {
  return `agentmux ${synopsis(decl)}`;
}

/**
 * The old entry point, kept so a command not yet given a declaration in
 * src/cli/declarations/ still parses (with the declared parser's errors).
 * New commands: declare them and call parseDeclared.
 */
export function parse(
  command: string,
  argv: readonly string[],
  options: OptionSpec,
  usage: string,
): Parsed {
  const decl: CommandDecl = {
    name: command,
    summary: "",
    description: usage,
    positionals: [],
    options: Object.entries(options).map(([long, o]): OptionDecl => ({
      long,
      type: o.type,
      ...(o.short !== undefined ? { short: o.short } : {}),
      ...(o.multiple ? { repeatable: true } : {}),
      description: "",
    })),
  };
  return parseDeclared(decl, argv);
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
      `--${key}: expected a whole number from ${min} to ${max}, got ${show(v)}`,
      { hint: `for example --${key} ${Math.max(min, Math.min(max, 1))}` },
    );
  }
  return n;
}

export function onePositional(p: Parsed, what: string, usage: string): string {
  const [first, ...extra] = p.positionals;
  if (first === undefined)
    throw new AgentmuxError("usage", `missing ${what}`, { hint: `usage: ${usage}` });
  if (extra.length > 0) {
    throw new AgentmuxError("usage", `unexpected argument ${show(extra[0])}`, {
      hint: `usage: ${usage}`,
    });
  }
  return first;
}
