import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const status: CommandDecl = {
  name: "status",
  summary: "state, exit, evidence, verdict, diagnosis",
  positionals: [{ name: "name" }],
  description: `The session's latest run: state (starting, running, succeeded, failed, killed, lost),
exit code or signal, pids, times, git evidence, verdict and diagnosis.`,
  options: [HOST_OPTION],
};
