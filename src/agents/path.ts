import { existsSync } from "node:fs";
import { access, constants, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";

/**
 * Agents are launched from places with a thin PATH: a tmux server started by
 * launchd or systemd, cron, an assistant's gateway service. Those miss the
 * directories where the agent CLIs usually live, so "codex: not found" would
 * greet a user whose shell finds codex fine.
 *
 * Appended (never prepended), so the user's own order always wins:
 * - /opt/homebrew/bin   Homebrew on Apple silicon
 * - /usr/local/bin      Homebrew on Intel macs, most manual installs
 * - ~/.local/bin        Claude Code's native installer, pipx, uv tools
 * - ~/.npm-global/bin   the prefix npm's docs recommend to avoid sudo for -g
 * Version-manager paths (nvm, volta, fnm) are per-shell choices, not guessed.
 */
export function extraAgentDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || homedir();
  return [
    "/opt/homebrew/bin",
    "/usr/local/bin",
    join(home, ".local/bin"),
    join(home, ".npm-global/bin"),
  ];
}

/** PATH for an agent: `env.PATH` plus the existing extra directories it lacks. */
export function agentPath(
  env: NodeJS.ProcessEnv,
  dirExists: (dir: string) => boolean = existsSync,
): string {
  const current = (env.PATH ?? "").split(delimiter).filter((d) => d !== "");
  const missing = extraAgentDirs(env).filter((d) => !current.includes(d) && dirExists(d));
  return [...current, ...missing].join(delimiter);
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    // Missing, unreadable or not executable: not a candidate.
    return false;
  }
}

/**
 * Where `name` would be found, as an absolute path, or null.
 * A name with a slash is a path (relative to `cwd`) and is only checked;
 * a bare name is searched in `pathValue`. Empty and relative PATH entries
 * (a shell reads "" as ".") are skipped: an agent binary must not come from
 * whatever directory the session happens to run in.
 */
export async function resolveBinary(
  name: string,
  pathValue: string,
  cwd: string = process.cwd(),
): Promise<string | null> {
  if (name === "") return null;
  if (name.includes("/")) {
    const full = isAbsolute(name) ? name : resolve(cwd, name);
    return (await isExecutableFile(full)) ? full : null;
  }
  for (const dir of pathValue.split(delimiter)) {
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}
