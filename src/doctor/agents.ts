import { EXTERNAL_AGENTS } from "../agents/names.js";
import { agentPath, resolveBinary } from "../agents/path.js";
import { parseVersion } from "../agents/codex-help.js";
import type { AgentCaps } from "../agents/profile.js";
import { profileFor } from "../agents/registry.js";
import { run } from "../process/run.js";
import { resolvePerl } from "../sessions/perl.js";
import { isAgentmuxError } from "../util/errors.js";
import { fail, pass, type DoctorCheck, type DoctorInput } from "./types.js";

const PROBE_TIMEOUT_MS = 15_000;

export async function checkPerl(input: DoctorInput): Promise<DoctorCheck> {
  try {
    return pass("perl", `${await resolvePerl(input.env)} (runs the session supervisor)`);
  } catch (e) {
    const hint = isAgentmuxError(e) ? (e.hint ?? "") : "";
    return fail("perl", (e as Error).message, hint || "install perl");
  }
}

/** The agent CLIs doctor knows how to check. cmd and demo need nothing installed. */
export const CHECKED_AGENTS = EXTERNAL_AGENTS;

/**
 * One agent: found on the agents' PATH, its version, and whether agentmux
 * could launch it here — the same detection and launch building `agentmux
 * run` does, so a flag incompatibility (codex 0.147+ without --full-auto and
 * ralphy 4.7.2 that passes it; claude as root without IS_SANDBOX=1) is
 * reported before a session fails a second after starting.
 */
export async function checkAgent(
  input: DoctorInput,
  agent: (typeof CHECKED_AGENTS)[number],
): Promise<DoctorCheck> {
  const name = agent;
  let profile;
  try {
    profile = profileFor(agent, input.config?.agents[agent] ?? {});
  } catch (e) {
    return fail(
      name,
      (e as Error).message,
      isAgentmuxError(e) ? (e.hint ?? "fix the config") : "fix the config",
    );
  }
  const path = await resolveBinary(profile.binary, agentPath(input.env));
  if (path === null)
    return pass(name, `not installed (${profile.binary} not on PATH); needed only to run ${agent}`);
  let caps: AgentCaps | undefined;
  let version: string | null = null;
  try {
    if (profile.detect) {
      caps = await profile.detect(path, { env: input.env });
      version = caps.version;
    } else {
      const res = await run(path, [...profile.command.slice(1), "--version"], {
        env: input.env,
        timeoutMs: PROBE_TIMEOUT_MS,
      });
      version = res.exitCode === 0 ? parseVersion(res.stdout) : null;
    }
  } catch (e) {
    return fail(
      name,
      `${path}: ${(e as Error).message}`,
      isAgentmuxError(e) ? (e.hint ?? `reinstall ${agent}`) : `reinstall ${agent}`,
    );
  }
  const label = `${agent} ${version ?? "(version unknown)"} at ${path}`;
  try {
    const launch = profile.build(
      {
        prompt: agent !== "ralphy",
        extraArgs: [],
        runDir: input.stateDir,
        cwd: process.cwd(),
        env: input.env,
        gitRepo: true,
      },
      caps,
    );
    const warn = launch.warnings.length > 0 ? `; note: ${launch.warnings.join("; ")}` : "";
    return pass(name, `${label}${warn}`);
  } catch (e) {
    if (!isAgentmuxError(e)) throw e;
    return fail(name, `${label}: ${e.message}`, e.hint ?? `see docs/doctor.md`);
  }
}

/** `codex login status`: exit 0 when logged in. Its output is never shown (it can name keys). */
export async function checkCodexLogin(input: DoctorInput): Promise<DoctorCheck | null> {
  const name = "codex login";
  const profile = profileFor("codex", input.config?.agents.codex ?? {});
  const path = await resolveBinary(profile.binary, agentPath(input.env));
  if (path === null) return null;
  const res = await run(path, ["login", "status"], { env: input.env, timeoutMs: PROBE_TIMEOUT_MS });
  if (res.exitCode === 0) return pass(name, "logged in");
  const why = res.timedOut
    ? "timed out"
    : res.spawnError
      ? res.spawnError.message
      : `exit ${res.exitCode ?? res.signal ?? "?"}`;
  return fail(
    name,
    `codex login status says not logged in (${why})`,
    "codex login (or codex login --with-api-key); every codex session fails with an auth error until then",
  );
}
