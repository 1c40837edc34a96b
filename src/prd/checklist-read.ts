/**
 * Reading a PRD from disk for a loop: resolve it against the session's cwd,
 * refuse anything outside the working tree, and refuse a file with no
 * checklist items (a loop over zero items must never report "complete").
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { topLevel } from "../git/git.js";
import { AgentmuxError, show } from "../util/errors.js";
import { parseChecklist, type Checklist } from "./checklist.js";

export interface PrdFile {
  /** Absolute path with symlinks resolved. */
  path: string;
  /** Path relative to the working tree's top directory, "/"-separated. */
  relativePath: string;
  bytes: Buffer;
  checklist: Checklist;
}

export interface ReadPrdOptions {
  cwd: string;
  /** Base environment for git (tests pass an isolated one). */
  env?: NodeJS.ProcessEnv;
  /** The working tree's top directory, when the caller knows it (a loop re-reads its PRD every iteration). */
  top?: string;
}

const NO_ITEMS_HINT =
  'Add lines such as "- [ ] Add the login form"; boxes inside code blocks or HTML comments, and boxes with no text, do not count.';

/**
 * The working tree is the git top directory containing cwd, or cwd itself
 * when it is not in a repository. The PRD must be inside it: agents edit and
 * commit it there, and verification compares it with git.
 */
export async function readPrd(path: string, opts: ReadPrdOptions): Promise<PrdFile> {
  if (path.trim() === "") {
    throw new AgentmuxError("prd", "Expected a PRD file path, got an empty string", {
      hint: "Pass --prd with the path of a Markdown file of - [ ] items.",
    });
  }
  const cwd = await realpath(opts.cwd).catch((err: unknown) => {
    throw new AgentmuxError("prd", `Working directory ${show(opts.cwd)} is not accessible`, {
      hint: "Pass --cwd with an existing directory.",
      cause: err,
    });
  });
  const real = await realpath(resolve(opts.cwd, path)).catch((err: unknown) => {
    throw fsError(path, opts.cwd, err);
  });

  const top = opts.top ?? (await topLevel(cwd, { env: opts.env })) ?? cwd;
  const topReal = await realpath(top);
  const rel = relative(topReal, real);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new AgentmuxError(
      "prd",
      `PRD ${show(path)} resolves to ${show(real)}, outside the working tree ${show(topReal)}`,
      {
        hint: "Keep the PRD inside the repository the agents work in (not behind a symlink to elsewhere), so its ticks can be verified with git.",
      },
    );
  }

  const info = await stat(real).catch((err: unknown) => {
    throw fsError(path, opts.cwd, err);
  });
  if (!info.isFile()) {
    // Also keeps a FIFO from blocking the read forever.
    throw new AgentmuxError("prd", `PRD ${show(path)} is not a regular file`, {
      hint: "Pass --prd with the path of a Markdown file, not a directory or device.",
    });
  }
  const bytes = await readFile(real).catch((err: unknown) => {
    throw fsError(path, opts.cwd, err);
  });
  if (isUtf16(bytes)) {
    throw new AgentmuxError("prd", `PRD ${show(path)} is encoded as UTF-16`, {
      hint: "Save it as UTF-8 (agents and git diff expect UTF-8 Markdown).",
    });
  }
  const checklist = parseChecklist(bytes);
  if (checklist.items.length === 0) {
    throw new AgentmuxError("prd", `${show(path)} has no checklist items (- [ ] ...)`, {
      hint: NO_ITEMS_HINT,
    });
  }
  return { path: real, relativePath: rel.split(sep).join("/"), bytes, checklist };
}

function isUtf16(bytes: Buffer): boolean {
  const [a, b] = bytes;
  return (a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff);
}

function fsError(path: string, cwd: string, err: unknown): AgentmuxError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return new AgentmuxError("prd", `PRD file ${show(path)} does not exist (in ${show(cwd)})`, {
        hint: 'Create it with lines such as "- [ ] Add the login form", or pass --prd with the right path.',
        cause: err,
      });
    case "ENOTDIR":
      return new AgentmuxError(
        "prd",
        `PRD path ${show(path)} goes through a file, not a directory`,
        {
          hint: "Check the --prd path.",
          cause: err,
        },
      );
    case "EACCES":
    case "EPERM":
      return new AgentmuxError("prd", `Cannot read PRD ${show(path)}: permission denied`, {
        hint: "Make the file readable by the user running agentmux.",
        cause: err,
      });
    case "ELOOP":
      return new AgentmuxError("prd", `PRD path ${show(path)} is a symlink loop`, {
        hint: "Point --prd at the real file.",
        cause: err,
      });
    default:
      return new AgentmuxError("prd", `Cannot read PRD ${show(path)}: ${String(err)}`, {
        hint: "Check that the file exists and is readable.",
        cause: err,
      });
  }
}
