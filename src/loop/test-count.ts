import { stripAnsi } from "../util/ansi.js";

/**
 * How many tests a check command ran, read from its output. A check that
 * exits 0 having run zero tests proves nothing, so the loop must tell
 * "3 passed" from "0 passed, 0 failed". null: the output names no count we
 * recognise (a linter, a build, a runner we do not know) — then the exit
 * status decides, and the evidence says "test count unknown".
 *
 * Patterns are the summaries the common runners print. Most runners print
 * one summary per run and watch-style runners and monorepos print several,
 * the final one being the total, so the LAST summary wins (at one position,
 * the first pattern listed). Runners that print one summary per test binary
 * or package (cargo, go) are summed over the whole output instead: cargo
 * ends with a "running 0 tests" block for doc-tests even when the unit
 * tests ran, and the last go package may have no test files.
 */
interface Pattern {
  re: RegExp;
  /** null: tests ran, but the line does not say how many (go's "ok pkg 0.1s"). */
  count(m: RegExpExecArray): number | null;
  /** Matches of one family are added up; the family's position is its last match. */
  sum?: "cargo" | "go";
}

const n = (s: string | undefined): number => (s === undefined ? 0 : Number(s));

const PATTERNS: readonly Pattern[] = [
  // vitest: "Tests  3 passed (3)", "Tests  1 failed | 2 passed (3)", "Tests  no tests",
  // "No test files found, exiting with code 0" (--passWithNoTests)
  { re: /^\s*Tests\s+(?:.*?\|\s*)?.*?\((\d+)\)\s*$/gm, count: (m) => n(m[1]) },
  { re: /^\s*Tests\s+no tests\s*$/gm, count: () => 0 },
  { re: /^\s*No test files found\b/gm, count: () => 0 },
  // jest: "Tests:       2 passed, 2 total", "Tests:       0 total", "No tests found, exiting with code 1"
  { re: /^\s*Tests:\s+.*?(\d+) total/gm, count: (m) => n(m[1]) },
  { re: /^\s*No tests found\b/gm, count: () => 0 },
  // node --test / TAP: "ℹ tests 4", "# tests 4", a "1..4" plan line ("1..0" skips everything)
  { re: /^\s*(?:ℹ|#)\s*tests\s+(\d+)\s*$/gm, count: (m) => n(m[1]) },
  { re: /^1\.\.(\d+)(?:\s+#.*)?$/gm, count: (m) => n(m[1]) },
  // mocha: "  3 passing", "  0 passing"
  { re: /^\s*(\d+) passing\b/gm, count: (m) => n(m[1]) },
  // pytest (with or without -q's missing rule): "==== 3 passed, 1 skipped in 0.12s ====",
  // "1 failed, 2 passed in 0.30s", "no tests ran in 0.01s", "collected 0 items"
  {
    re: /^(?:=+ )?(?:(\d+) failed, )?(\d+) passed\b.* in [\d.]+s/gm,
    count: (m) => n(m[1]) + n(m[2]),
  },
  { re: /^(?:=+ )?(\d+) failed\b.* in [\d.]+s/gm, count: (m) => n(m[1]) },
  { re: /^(?:=+ )?no tests ran\b/gm, count: () => 0 },
  { re: /^collected (\d+) items?\b/gm, count: (m) => n(m[1]) },
  // the plain line many scripts (this project's CI among them) print: "12 passed, 0 failed",
  // "0 passed; 0 failed", "3 failed, 9 passed", "passed: 3, failed: 0"
  { re: /^\s*(\d+) passed[,;]\s*(\d+) failed\b/gim, count: (m) => n(m[1]) + n(m[2]) },
  { re: /^\s*(\d+) failed[,;]\s*(\d+) passed\b/gim, count: (m) => n(m[1]) + n(m[2]) },
  { re: /^\s*passed:\s*(\d+)[,;]\s*failed:\s*(\d+)\b/gim, count: (m) => n(m[1]) + n(m[2]) },
  // deno: "ok | 3 passed | 0 failed (12ms)", "ok | 0 passed | 0 failed"
  {
    re: /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/gm,
    count: (m) => n(m[1]) + n(m[2]),
  },
  // Python unittest: "Ran 4 tests in 0.001s", "Ran 0 tests in 0.000s"
  { re: /^Ran (\d+) tests? in /gm, count: (m) => n(m[1]) },
  // PHPUnit: "OK (5 tests, 9 assertions)", "Tests: 5, Assertions: 9, Failures: 1.",
  // "No tests executed!"
  { re: /^OK \((\d+) tests?, \d+ assertions?\)/gm, count: (m) => n(m[1]) },
  { re: /^Tests: (\d+), Assertions:/gm, count: (m) => n(m[1]) },
  { re: /^No tests executed!/gm, count: () => 0 },
  // rspec: "3 examples, 0 failures"; minitest: "3 runs, 5 assertions, 0 failures"
  { re: /^(\d+) examples?, \d+ failures?/gm, count: (m) => n(m[1]) },
  { re: /^(\d+) runs?, \d+ assertions?, \d+ failures?/gm, count: (m) => n(m[1]) },
  // cargo, one block per test binary: "running 3 tests", "test result: ok. 3 passed; 0 failed"
  {
    re: /^test result: \w+\. (\d+) passed; (\d+) failed/gm,
    count: (m) => n(m[1]) + n(m[2]),
    sum: "cargo",
  },
  // go, one line per package: "ok  pkg 0.01s", "ok  pkg 0.01s [no tests to run]",
  // "?   pkg [no test files]", "--- FAIL"/"FAIL pkg 0.01s" (tests ran; how many is not said)
  { re: /\[no tests to run\]|\[no test files\]/gm, count: () => 0, sum: "go" },
  {
    re: /^(?:ok|FAIL)\s+\S+\s+(?:\(cached\)|[\d.]+s)(?:\s+coverage:.*)?$/gm,
    count: () => null,
    sum: "go",
  },
];

/** "running N tests" lines, read only when cargo printed no "test result:" line (a crash mid-run). */
const CARGO_RUNNING = /^running (\d+) tests?$/gm;

export function testCount(raw: string): number | null {
  // Runners colour their summaries when they think a terminal is watching.
  const output = stripAnsi(raw);
  let best: { at: number; count: number | null } | null = null;
  const families = new Map<string, { at: number; count: number | null }>();
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(output); m !== null; m = p.re.exec(output)) {
      const count = p.count(m);
      if (p.sum !== undefined) {
        const f = families.get(p.sum);
        // A line that ran tests without saying how many makes the family's total unknown.
        const total =
          f === undefined ? count : f.count === null || count === null ? null : f.count + count;
        families.set(p.sum, { at: Math.max(m.index, f?.at ?? -1), count: total });
        continue;
      }
      if (best === null || m.index > best.at) best = { at: m.index, count };
    }
  }
  if (!families.has("cargo")) {
    CARGO_RUNNING.lastIndex = 0;
    for (let m = CARGO_RUNNING.exec(output); m !== null; m = CARGO_RUNNING.exec(output)) {
      const f = families.get("cargo");
      families.set("cargo", { at: m.index, count: (f?.count ?? 0) + n(m[1]) });
    }
  }
  for (const f of families.values()) {
    if (best === null || f.at > best.at) best = f;
  }
  return best === null ? null : best.count;
}
