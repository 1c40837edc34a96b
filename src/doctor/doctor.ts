import { checkAgent, checkCodexLogin, checkPerl, CHECKED_AGENTS } from "./agents.js";
import { checkConfig, checkJournal, checkStoreAndMonitor } from "./state.js";
import { checkServerLifetime, checkSocketDir, checkStaleSocket, checkTmuxVersion } from "./tmux.js";
import type { DoctorCheck, DoctorInput } from "./types.js";
import { checkRunCleanup } from "./cleanup.js";

export type { DoctorCheck, DoctorInput } from "./types.js";

/**
 * Every check of `agentmux doctor`, in reading order. They are independent
 * (a failing one never stops the rest) and run concurrently: agent probes
 * can take seconds each.
 */
export async function runDoctor(
  base: Omit<DoctorInput, "config"> & { socketFor: (config: DoctorInput["config"]) => string },
): Promise<DoctorCheck[]> {
  const { check: configCheck, config } = checkConfig(base.env);
  const input: DoctorInput = { ...base, config, socket: base.socketFor(config) };
  const groups = await Promise.all([
    checkTmuxVersion(input).then((c) => [c]),
    checkSocketDir(input).then((c) => [c]),
    checkStaleSocket(input).then((c) => [c]),
    checkServerLifetime(input).then((c) => [c]),
    checkPerl(input).then((c) => [c]),
    ...CHECKED_AGENTS.map((a) => checkAgent(input, a).then((c) => [c])),
    checkCodexLogin(input).then((c) => (c === null ? [] : [c])),
    checkStoreAndMonitor(input),
    checkJournal(input).then((c) => [c]),
    checkRunCleanup(input).then((c) => [c]),
  ]);
  return [configCheck, ...groups.flat()];
}
