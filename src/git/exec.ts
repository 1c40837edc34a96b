import { existsSync } from "node:fs";
import { run } from "../process/run.js";
import { AgentmuxError, show } from "../util/errors.js";

/** Options every git adapter function accepts. */
export interface GitOptions {
  /** Base environment (tests pass an isolated one); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface GitResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** cwd is not inside a git work tree (or no longer exists). */
  notRepo: boolean;
}

// "must be run in a work tree": cwd is inside .git or a bare repo. For an
// adapter that asks about the working tree that is the same as "not a repo".
const NOT_A_REPO = /not a git repository|must be run in a work tree/i;

// Variables that would point git at another repository than cwd. They leak in
// when agentmux is started from a git hook; every function here is "about
// cwd", so they are dropped.
const REPO_OVERRIDES = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_PREFIX",
  "GIT_NAMESPACE",
];

export function gitEnvFor(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of REPO_OVERRIDES) delete env[key];
  // Every command here only reads. GIT_OPTIONAL_LOCKS=0 keeps `git status`
  // from refreshing (and locking) the index, so it never fights an agent that
  // is committing for index.lock. LC_ALL=C keeps stderr matchable.
  env.GIT_OPTIONAL_LOCKS = "0";
  env.LC_ALL = "C";
  // Never block on a credential prompt; nothing here talks to a remote anyway.
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}

/**
 * Run one git command in cwd. Resolves for any exit status (callers decide
 * which statuses are expected); throws only when git could not run at all.
 * `config` entries become `-c key=value` (portable where newer flags are not).
 */
export async function runGit(
  cwd: string,
  args: readonly string[],
  opts: GitOptions & { config?: readonly string[]; indexFile?: string } = {},
): Promise<GitResult> {
  const full = [...(opts.config ?? []).flatMap((c) => ["-c", c]), ...args];
  const env = gitEnvFor(opts.env);
  // Set after gitEnvFor drops inherited overrides: a private index is this adapter's own choice.
  if (opts.indexFile !== undefined) env.GIT_INDEX_FILE = opts.indexFile;
  const res = await run("git", full, { cwd, env });
  if (res.spawnError) {
    // Node reports a missing cwd as "spawn git ENOENT", same as a missing git.
    if (!existsSync(cwd)) return { exitCode: null, stdout: "", stderr: "", notRepo: true };
    throw new AgentmuxError(
      "git",
      `Could not start git in ${show(cwd)}: ${res.spawnError.message}`,
      {
        hint: "Install git and make sure it is on PATH.",
        cause: res.spawnError,
      },
    );
  }
  if (res.timedOut) {
    throw new AgentmuxError("git", `git ${subcommand(args)} timed out in ${show(cwd)}`, {
      hint: "The repository may be very large or on a slow file system; try the command by hand.",
    });
  }
  return {
    exitCode: res.exitCode,
    stdout: res.stdout,
    stderr: res.stderr,
    notRepo: res.exitCode !== 0 && NOT_A_REPO.test(res.stderr),
  };
}

/** The error for an unexpected git failure, shaped for the user. */
export function gitFailed(cwd: string, args: readonly string[], res: GitResult): AgentmuxError {
  const first = res.stderr.split("\n").find((l) => l.trim() !== "") ?? `exit ${res.exitCode}`;
  return new AgentmuxError("git", `git ${subcommand(args)} failed in ${cwd}: ${first.trim()}`, {
    hint: `Run "git ${args.join(" ")}" in that directory to see the full error.`,
  });
}

function subcommand(args: readonly string[]): string {
  return args[0] ?? "";
}

/**
 * Revisions are given to git as arguments, so one starting with "-" would be
 * read as an option. Rejecting those is portable, unlike --end-of-options
 * (git >= 2.24).
 */
export function assertRev(rev: string): void {
  if (rev === "" || rev.startsWith("-") || /[\0\n]/.test(rev)) {
    throw new AgentmuxError(
      "bad-value",
      `Expected a git revision (a sha or ref name), got ${show(rev)}`,
      {
        hint: "Pass a commit sha such as the run's recorded start commit.",
      },
    );
  }
}

/** Split NUL-terminated output, dropping the empty tail. */
export function splitZ(out: string): string[] {
  return out.split("\0").filter((s) => s !== "");
}
