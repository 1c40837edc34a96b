import { run } from "../process/run.js";
import { versionArgs } from "./argv.js";

/** `tmux -V` as tmux prints it ("tmux 3.3a"), or null when no tmux runs from PATH. */
export async function tmuxVersion(env: NodeJS.ProcessEnv): Promise<string | null> {
  const res = await run("tmux", versionArgs(), { env, timeoutMs: 10_000 });
  if (res.spawnError !== undefined || res.exitCode !== 0) return null;
  return res.stdout.trim();
}
