import { readFileSync, writeFileSync } from "node:fs";
import { runFile } from "./files.js";

/**
 * RUNDIR/env: the agent's environment, captured from the `agentmux run`
 * call (not the tmux server's, which tmux froze when the server first
 * started), 0600, NUL-separated KEY=VALUE, so values never appear in argv
 * or logs. The supervisor starts the agent with it; the finisher reads its
 * PATH for a diagnosis, and notification commands run with it.
 */
export function writeEnvFile(path: string, env: Readonly<Record<string, string>>): void {
  const data = Object.entries(env)
    .map(([k, v]) => `${k}=${v}\0`)
    .join("");
  writeFileSync(path, data, { mode: 0o600 });
}

export function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of readFileSync(path, "utf8").split("\0")) {
    const i = kv.indexOf("=");
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** The environment a run was started with, or null when its run directory is gone (purged). */
export function readRunEnv(runDir: string): Record<string, string> | null {
  try {
    return readEnvFile(runFile(runDir, "env"));
  } catch {
    return null; // run directory purged: the caller decides what stands in for it
  }
}

/** The environment a run was started with (its notifications get it too), else this process's. */
export function runEnv(runDir: string): NodeJS.ProcessEnv {
  return readRunEnv(runDir) ?? process.env;
}
