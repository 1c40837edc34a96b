import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const restart: CommandDecl = {
  name: "restart",
  summary: "same agent, argv, cwd, env and prompt; a new run",
  positionals: [{ name: "name" }],
  description: `Starts the session again with the same agent, argv, cwd, environment and prompt,
as a new run (history is kept). A running session is killed first.`,
  options: [HOST_OPTION],
};
