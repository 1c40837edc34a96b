import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const rm: CommandDecl = {
  name: "rm",
  summary: "remove a finished session",
  positionals: [{ name: "name", variadic: true }],
  description: `Removes finished sessions: closes the dead tmux pane and hides the session from ls
(ls --all still shows it).`,
  options: [
    HOST_OPTION,
    {
      long: "purge",
      type: "boolean",
      description: "also delete its record, logs and run files",
    },
  ],
};
