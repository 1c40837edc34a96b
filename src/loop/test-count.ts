import { stripAnsi } from "../util/ansi.js";

/**
 * How many tests a check command ran, read from its output. A check that
 * exits 0 having run zero tests proves nothing, so the loop must tell
 * "3 passed" from "no tests found". null: the output names no count (a
 * linter, a build, a runner we do not know) — then the exit status decides.
 *
 * Patterns are the summaries the common runners print; the LAST summary wins
 * (at one position, the first pattern listed) because watch-style runners and monorepos print several summaries and the
 * final one is the total.
 */
interface Pattern {
  re: RegExp;
  count(m: RegExpExecArray): number;
}

const n = (s: string | undefined): number => (s === undefined ? 0 : Number(s));

const PATTERNS: readonly Pattern[] = [
  // vitest: "Tests  3 passed (3)", "Tests  1 failed | 2 passed (3)", "Tests  no tests"
  { re: /^\s*Tests\s+(?:.*?\|\s*)?.*?\((\d+)\)\s*$/gm, count: (m) => n(m[1]) },
  { re: /^\s*Tests\s+no tests\s*$/gm, count: () => 0 },
  // jest: "Tests:       2 passed, 2 total"
  { re: /^\s*Tests:\s+.*?(\d+) total/gm, count: (m) => n(m[1]) },
  // node --test / TAP: "ℹ tests 4", "# tests 4", "1..4"
  { re: /^\s*(?:ℹ|#)\s*tests\s+(\d+)\s*$/gm, count: (m) => n(m[1]) },
  // mocha: "  3 passing", "  0 passing"
  { re: /^\s*(\d+) passing\b/gm, count: (m) => n(m[1]) },
  // pytest: "==== 3 passed, 1 skipped in 0.12s ====", "no tests ran"
  {
    re: /^=+ (?:(\d+) failed, )?(\d+) passed\b.* in [\d.]+s/gm,
    count: (m) => n(m[1]) + n(m[2]),
  },
  { re: /^=+ (\d+) failed\b.* in [\d.]+s/gm, count: (m) => n(m[1]) },
  { re: /^=+ no tests ran\b/gm, count: () => 0 },
  // cargo: "test result: ok. 3 passed; 0 failed; 0 ignored"
  { re: /^test result: \w+\. (\d+) passed; (\d+) failed/gm, count: (m) => n(m[1]) + n(m[2]) },
  // go: "ok  pkg 0.01s [no tests to run]" / "?   pkg [no test files]"
  { re: /\[no tests to run\]|\[no test files\]/gm, count: () => 0 },
];

export function testCount(raw: string): number | null {
  // Runners colour their summaries when they think a terminal is watching.
  const output = stripAnsi(raw);
  let best: { at: number; count: number } | null = null;
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(output); m !== null; m = p.re.exec(output)) {
      if (best === null || m.index > best.at) best = { at: m.index, count: p.count(m) };
    }
  }
  return best === null ? null : best.count;
}
