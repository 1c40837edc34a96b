import type { CommandDecl } from "../options/types.js";

export const notify: CommandDecl = {
  name: "notify",
  summary: "notify retry <name>: send the session's failed notifications again",
  positionals: [{ name: "action", choices: ["retry"] }, { name: "name" }],
  description: `Sends the session's failed notifications again. A delivery that fails is retried
with backoff (5 s doubling to 5 min) for 24 hours, then marked failed; status, ls
and heartbeat show it until this command sends it (or it fails again).
Exit status: 0 when every one was delivered, 1 otherwise.`,
  options: [],
};
