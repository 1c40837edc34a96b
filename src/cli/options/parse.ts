import { AgentmuxError, show } from "../../util/errors.js";
import { allOptions, type CommandDecl, type OptionDecl } from "./types.js";

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Arguments after a standalone `--`, verbatim. */
  rest: string[];
}

/** A token that is a value, not an option: "-" (standard input) and negative numbers. */
const VALUE_LIKE = /^-$|^-\d/;

/**
 * Parse argv against a declaration. Hand-written rather than node:util
 * parseArgs so every mistake is reported as one line naming the bad token,
 * with a hint, and so `--attempts -1` reaches the option's own range check
 * instead of being taken for an unknown option.
 */
export function parseDeclared(decl: CommandDecl, argv: readonly string[]): Parsed {
  const dd = argv.indexOf("--");
  const head = dd === -1 ? argv : argv.slice(0, dd);
  const rest = dd === -1 ? [] : argv.slice(dd + 1);
  const options = allOptions(decl);
  const byLong = new Map(options.map((o) => [o.long, o]));
  const byShort = new Map(options.filter((o) => o.short).map((o) => [o.short as string, o]));
  const values: Parsed["values"] = {};
  const positionals: string[] = [];
  const usage = (message: string, hint?: string): AgentmuxError =>
    new AgentmuxError("usage", `${decl.name}: ${message}`, {
      hint: hint ?? `agentmux ${decl.name} --help lists its options`,
    });
  const set = (o: OptionDecl, v: string | true): void => {
    if (o.repeatable && typeof v === "string") {
      const prev = values[o.long];
      values[o.long] = [...(Array.isArray(prev) ? prev : []), v];
    } else values[o.long] = v;
  };
  const take = (o: OptionDecl, name: string, i: number): string => {
    const next = head[i];
    if (next === undefined) throw usage(`${name} needs a value (${o.value ?? "VALUE"})`);
    if (next.startsWith("-") && !VALUE_LIKE.test(next)) {
      throw usage(
        `${name} needs a value (${o.value ?? "VALUE"}), got the option ${show(next)}`,
        `a value starting with "-" is written ${name}=${next}`,
      );
    }
    return next;
  };

  for (let i = 0; i < head.length; i++) {
    const tok = head[i] as string;
    if (tok.startsWith("--")) {
      const eq = tok.indexOf("=");
      const long = eq === -1 ? tok.slice(2) : tok.slice(2, eq);
      const o = byLong.get(long);
      if (!o) throw usage(`unknown option ${show(`--${long}`)}`, nearHint(decl, long, options));
      if (o.type === "boolean") {
        if (eq !== -1) throw usage(`--${long} takes no value, got ${show(tok.slice(eq + 1))}`);
        set(o, true);
      } else if (eq !== -1) set(o, tok.slice(eq + 1));
      else set(o, take(o, `--${long}`, ++i));
    } else if (tok.startsWith("-") && !VALUE_LIKE.test(tok)) {
      // A group of short options: -af, or -n5 / -n 5 for one that takes a value.
      for (let j = 1; j < tok.length; j++) {
        const ch = tok[j] as string;
        const o = byShort.get(ch);
        if (!o) throw usage(`unknown option ${show(`-${ch}`)}`, nearHint(decl, ch, options));
        if (o.type === "boolean") {
          set(o, true);
          continue;
        }
        const attached = tok.slice(j + 1);
        set(o, attached !== "" ? attached : take(o, `-${ch}`, ++i));
        break;
      }
    } else positionals.push(tok);
  }
  return { values, positionals, rest };
}

/** "did you mean --stall-after?" when one option is a near miss; else where to look. */
function nearHint(decl: CommandDecl, given: string, options: readonly OptionDecl[]): string {
  const near = options
    .map((o) => ({ o, d: distance(given, o.long) }))
    .filter(({ o, d }) => d <= Math.max(1, Math.floor(o.long.length / 4)))
    .sort((a, b) => a.d - b.d)[0];
  return near
    ? `did you mean --${near.o.long}? (agentmux ${decl.name} --help lists its options)`
    : `agentmux ${decl.name} --help lists its options`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] as number;
      row[j] = Math.min(up + 1, (row[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] as number;
}
