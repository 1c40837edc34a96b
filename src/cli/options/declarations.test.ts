import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LOOP_DEFAULTS } from "../../loop/settings.js";
import { DECLARATIONS } from "../declarations/index.js";
import { loop } from "../declarations/loop.js";
import { commandHelp, topHelp } from "./help.js";
import { allOptions } from "./types.js";

const cliDir = fileURLToPath(new URL("..", import.meta.url));

/** The command names of COMMANDS in main.ts, read from its source (importing main.ts runs it). */
function commandsInMain(): string[] {
  const src = readFileSync(`${cliDir}/main.ts`, "utf8");
  const body = /const COMMANDS[^{]*\{([\s\S]*?)\n\};/.exec(src)?.[1] ?? "";
  return [...body.matchAll(/^\s*"?([\w-]+)"?: \(\) => import\(/gm)].map((m) => m[1] as string);
}

describe("declarations", () => {
  it("every command in COMMANDS has exactly one declaration, and every declaration a command", () => {
    const commands = commandsInMain();
    expect(commands.length).toBeGreaterThan(10);
    const declared = DECLARATIONS.map((d) => d.name);
    expect(new Set(declared).size).toBe(declared.length);
    expect([...declared].sort()).toEqual([...commands].sort());
  });

  // The agents' list (agents/names.ts) is plain data with no imports, so the
  // choices of run and loop come from the one list without loading any code.
  it("declarations never import command modules (main.ts loads them all; commands stay lazy)", () => {
    const dir = `${cliDir}/declarations`;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const imports = [...readFileSync(`${dir}/${file}`, "utf8").matchAll(/from "([^"]+)"/g)].map(
        (m) => m[1],
      );
      for (const i of imports)
        expect(i, `${file} imports ${i}`).toMatch(
          /^\.\/|^\.\.\/options\/types\.js$|^\.\.\/\.\.\/agents\/names\.js$/,
        );
    }
  });

  it("no command declares an option twice or reuses a short flag", () => {
    for (const d of DECLARATIONS) {
      const opts = allOptions(d);
      const longs = opts.map((o) => o.long);
      const shorts = opts.flatMap((o) => (o.short ? [o.short] : []));
      expect(new Set(longs).size, d.name).toBe(longs.length);
      expect(new Set(shorts).size, d.name).toBe(shorts.length);
      for (const o of opts) expect(o.type === "string" || o.value === undefined, o.long).toBe(true);
    }
  });

  it("loop's documented defaults are LOOP_DEFAULTS", () => {
    const def = (long: string): string | undefined =>
      loop.options.find((o) => o.long === long)?.default;
    expect(def("max-iterations")).toBe(String(LOOP_DEFAULTS.maxIterations));
    expect(def("attempts")).toBe(String(LOOP_DEFAULTS.attempts));
    expect(def("parallel")).toBe(String(LOOP_DEFAULTS.parallel));
    expect(def("iteration-timeout")).toBe(`${LOOP_DEFAULTS.iterationTimeoutMs / 60_000}m`);
    expect(def("start-spacing")).toBe(`${LOOP_DEFAULTS.spacingMs / 1000}s`);
  });

  it.each(DECLARATIONS.filter((d) => !d.internal).map((d) => [d.name, d] as const))(
    "%s --help: every option listed, all descriptions in one column",
    (_name, d) => {
      const help = commandHelp(d);
      const optionLines = help.split("\n").filter((l) => /^ {2}(-\w, |    )--/.test(l));
      expect(optionLines).toHaveLength(allOptions(d).length);
      const columns = new Set(
        optionLines.map((l) => /^ {2}(?:-\w, | {4})--\S+(?: \S+)? {2,}/.exec(l)?.[0].length),
      );
      expect(columns.has(undefined)).toBe(false);
      expect(columns.size).toBe(1);
    },
  );

  it("the top-level help lists every public command and --version", () => {
    const help = topHelp(DECLARATIONS);
    for (const d of DECLARATIONS) {
      expect(help.includes(`\n  ${d.name} `)).toBe(!d.internal);
    }
    expect(help).toContain("--version");
  });
});
