import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AgentmuxError } from "../util/errors.js";

/**
 * The agent's environment is captured from the `agentmux run` call (not the
 * tmux server's, which tmux froze when the server first started) and kept in
 * a 0600 file, NUL-separated, so values never appear in argv or logs.
 */
const DROP = [
  "TMUX",
  "TMUX_PANE",
  "AGENTMUX_SESSION",
  "AGENTMUX_RUN",
  "AGENTMUX_RUN_DIR",
  "AGENTMUX_PROMPT_FILE",
  "AGENTMUX_ITERATION",
  "AGENTMUX_ITEM",
];

export function captureEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !DROP.includes(k)) out[k] = v;
  }
  return out;
}

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

/** `--env K=V` pairs, validated. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    const key = i > 0 ? pair.slice(0, i) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      // Deliberately not echoing the value: it may be a secret.
      throw new AgentmuxError(
        "bad-value",
        `Expected --env NAME=VALUE with NAME of letters, digits and _, got name ${JSON.stringify(key || pair.slice(0, 40))}`,
        { hint: "e.g. --env OPENAI_API_KEY=sk-..." },
      );
    }
    out[key] = pair.slice(i + 1);
  }
  return out;
}

/** The environment a run was started with (its notifications get it too), else this process's. */
export function runEnv(runDir: string): NodeJS.ProcessEnv {
  try {
    return readEnvFile(join(runDir, "env"));
  } catch {
    return process.env; // run directory purged
  }
}
