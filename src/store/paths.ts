import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { AgentmuxError, show } from "../util/errors.js";

/**
 * Where agentmux keeps its store and run directories:
 * `AGENTMUX_HOME`, else `$XDG_STATE_HOME/agentmux`, else `~/.local/state/agentmux`.
 * A relative XDG_STATE_HOME is ignored, as the XDG spec requires; a relative
 * AGENTMUX_HOME is taken from the current directory (an explicit choice).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env.AGENTMUX_HOME;
  if (own) return resolve(own);
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "agentmux");
  const home = env.HOME || homedir();
  return join(home, ".local", "state", "agentmux");
}

/**
 * Create the state directory (0700: it holds prompts, environments and logs)
 * or check that an existing one is a writable directory. An existing
 * directory keeps its mode: the user may have chosen it.
 */
export function ensureStateDir(dir: string): void {
  const hint = "set AGENTMUX_HOME to a writable directory, or fix the permissions of this one";
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    // EEXIST (a file in the way) and ENOTDIR (a file as a parent) are reported below, by stat.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EEXIST" && code !== "ENOTDIR") {
      throw new AgentmuxError(
        "store",
        `Cannot create the state directory ${show(dir)}: ${(e as Error).message}`,
        {
          hint,
          cause: e,
        },
      );
    }
  }
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw new AgentmuxError(
      "store",
      `Expected a state directory at ${show(dir)}, but it cannot be read: ${(e as Error).message}`,
      {
        hint,
        cause: e,
      },
    );
  }
  if (!isDir) {
    throw new AgentmuxError("store", `Expected a state directory at ${show(dir)}, got a file`, {
      hint: "move the file aside, or set AGENTMUX_HOME to another directory",
    });
  }
  try {
    // X too: files inside must be reachable, not only listable.
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new AgentmuxError("store", `The state directory ${show(dir)} is not writable`, {
      hint,
      cause: e,
    });
  }
}
