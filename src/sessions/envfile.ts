import { AgentmuxError } from "../util/errors.js";

// The env file itself is the run directory's (rundir/env.ts); the launch code
// and the loop, which read the session's copy, import its reader from here.
export { readEnvFile } from "../rundir/env.js";

/** What the agent's environment (rundir/env.ts) leaves out of the caller's: agentmux's own markers. */
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
