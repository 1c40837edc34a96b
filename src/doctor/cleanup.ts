import { createRunCgroup, removeCgroup } from "../process/run-cgroup.js";
import { pass, type DoctorCheck, type DoctorInput } from "./types.js";

/**
 * How this machine ends what a run leaves behind (docs/processes.md): a
 * cgroup per run where one can be made, else the environment scan, else
 * (no /proc) the process group only. Informational: every way works, they
 * differ in what they guarantee.
 */
export function checkRunCleanup(input: Pick<DoctorInput, "env">): Promise<DoctorCheck> {
  const name = "run cleanup";
  const probe = createRunCgroup("doctor-probe", process.pid, input.env);
  if (probe !== null) {
    removeCgroup(probe);
    return Promise.resolve(
      pass(name, "a cgroup per run: everything a run starts is ended with it, setsid or not"),
    );
  }
  if (process.platform === "linux") {
    return Promise.resolve(
      pass(
        name,
        "no writable cgroup v2 tree here: a run's processes are found by the AGENTMUX_RUN marks in their environment (one that clears its environment escapes; docs/processes.md)",
      ),
    );
  }
  return Promise.resolve(
    pass(
      name,
      "process group only: a child that calls setsid outlives its run (docs/processes.md)",
    ),
  );
}
