import type { Config } from "../config/config.js";

/** One finding of `agentmux doctor`: what was checked, whether it is fine, and how to fix it. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** What the checks look at. Everything comes in, so tests can point it at temp state and fake binaries. */
export interface DoctorInput {
  env: NodeJS.ProcessEnv;
  socket: string;
  stateDir: string;
  /** null when the config file itself is broken (the config check says why). */
  config: Config | null;
  /** Reads /proc/<pid>/cgroup ("self" for this process); null where there is none. */
  readCgroup?: (pid: number | "self") => string | null;
}

export const pass = (name: string, detail: string): DoctorCheck => ({ name, ok: true, detail });
export const fail = (name: string, detail: string, fix: string): DoctorCheck => ({
  name,
  ok: false,
  detail,
  fix,
});
