import type { CommandDecl } from "../options/types.js";

export const ack: CommandDecl = {
  name: "ack",
  summary: "seen it: heartbeat stops exiting 1 for this run",
  positionals: [{ name: "name" }],
  description: `Acknowledges how the session's latest run ended (failed, lost, stalled, errored):
"agentmux heartbeat" still lists it but no longer exits 1 for it. The next run that
needs attention counts again. See docs/monitor.md.`,
  options: [],
};
