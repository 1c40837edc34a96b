import { run } from "../process/run.js";
import { stripAnsi } from "../util/ansi.js";
import { testCount } from "./test-count.js";

/**
 * The project's own check (`--check 'npm test'`), run after an iteration
 * that committed work. The command is the user's, written as they would in
 * CI config, so it runs under `/bin/sh -c` exactly as given (`npm test &&
 * npm run lint` must work); task text and item text never reach it.
 */
export interface CheckResult {
  command: string;
  /** Exit 0 and, where the output reports a test count, at least one test. */
  passed: boolean;
  exitCode: number | null;
  /** Tests the output reports; null when it names no count. */
  testsRan: number | null;
  timedOut: boolean;
  durationMs: number;
  /** One line for the pane, the status and the notification. */
  summary: string;
  /** The output's last lines, for the iteration record. */
  tail: string;
}

const TAIL_LINES = 20;

export async function runCheck(
  command: string,
  cwd: string,
  opts: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<CheckResult> {
  const started = Date.now();
  const env = { ...process.env, ...opts.env, CI: "1" };
  const r = await run("/bin/sh", ["-c", command], {
    cwd,
    env,
    timeoutMs: opts.timeoutMs,
    group: true,
  });
  const output = stripAnsi(`${r.stdout}\n${r.stderr}`);
  const testsRan = testCount(output);
  const exitOk = r.exitCode === 0 && !r.timedOut;
  const passed = exitOk && testsRan !== 0;
  return {
    command,
    passed,
    exitCode: r.exitCode,
    testsRan,
    timedOut: r.timedOut,
    durationMs: Date.now() - started,
    summary: summarize(r.exitCode, r.signal, r.timedOut, testsRan, opts.timeoutMs, r.spawnError),
    tail: output.trimEnd().split("\n").slice(-TAIL_LINES).join("\n"),
  };
}

function summarize(
  code: number | null,
  signal: string | null,
  timedOut: boolean,
  tests: number | null,
  timeoutMs: number,
  spawnError: Error | undefined,
): string {
  if (spawnError) return `could not start /bin/sh: ${spawnError.message}`;
  if (timedOut) return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  const ran = tests === null ? "" : tests === 1 ? ", 1 test" : `, ${tests} tests`;
  if (code === 0) return tests === 0 ? "exit 0 but no tests ran" : `passed (exit 0${ran})`;
  return signal ? `killed by ${signal}` : `failed (exit ${code}${ran})`;
}
