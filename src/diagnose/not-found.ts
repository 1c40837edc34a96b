import type { Diagnosis } from "./types.js";
import { excerpt, installHint } from "./advice.js";
import type { DiagnoseFacts } from "./types.js";

/**
 * Exit 127: the command (or the directory to run it in) does not exist.
 * The runner (runner/runner.pl) records why exec failed as one line appended
 * to the tail — "cannot run codex: No such file or directory" (perl's $! for
 * ENOENT), "cannot enter /x: …" — and shells print "bash: codex: command not
 * found" or dash's "sh: 1: codex: not found". Exit 126: found, not runnable.
 */

interface NotFoundInput {
  facts: DiagnoseFacts;
  lines: readonly string[];
  binary: string;
}

const EXEC_ERROR = /^(?:agentmux: )?cannot (run|enter) (.+?): (.+)$/;
const SHELL_NOT_FOUND = /([^\s:]+): (?:command )?not found$/;
const ENV_NOT_FOUND = /^env: ['‘"]?([^'’"]+)['’"]?: No such file or directory/;
const ENOENT = /No such file or directory|ENOENT/;

function lastMatching(lines: readonly string[], re: RegExp): RegExpExecArray | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = re.exec((lines[i] ?? "").trim());
    if (m) return m;
  }
  return null;
}

export function notFound({ facts, lines, binary }: NotFoundInput): Diagnosis | null {
  if (facts.exitCode === 126) {
    return {
      code: "crash",
      summary: `"${binary}" was found but could not be executed (exit 126, permission denied or not a program).`,
      fix: `Check that ${binary} is an executable file (\`chmod +x\`), then restart.`,
    };
  }
  if (facts.exitCode !== 127) return null;

  const exec = lastMatching(lines, EXEC_ERROR);
  if (exec) {
    const [, what, target = "", reason = ""] = exec;
    if (what === "enter") {
      return ENOENT.test(reason)
        ? {
            code: "not-found",
            summary: `The working directory ${target} does not exist.`,
            fix: "Create it or pass an existing --cwd, then restart.",
          }
        : {
            code: "crash",
            summary: `Could not enter the working directory ${target}: ${excerpt(reason)}`,
            fix: "Fix the directory's permissions or pass another --cwd, then restart.",
          };
    }
    if (!ENOENT.test(reason)) {
      return {
        code: "crash",
        summary: `Could not start ${target}: ${excerpt(reason)}`,
        fix: `Check that ${target} is an executable file, then restart.`,
      };
    }
    return missing(target, facts.pathValue);
  }
  const shell = lastMatching(lines, SHELL_NOT_FOUND) ?? lastMatching(lines, ENV_NOT_FOUND);
  return missing(shell?.[1] ?? binary, facts.pathValue);
}

function missing(name: string, pathValue: string | undefined): Diagnosis {
  const where = name.includes("/")
    ? "there is no such file"
    : `it is not on PATH (${pathValue ?? "PATH not recorded"})`;
  return {
    code: "not-found",
    summary: `Command "${name}" was not found: ${where}.`,
    fix: `Install it (${installHint(name)}) or give its full path, then restart the session.`,
  };
}
