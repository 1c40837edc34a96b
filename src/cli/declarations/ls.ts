import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const ls: CommandDecl = {
  name: "ls",
  summary: "sessions on the socket (agentmux's and foreign ones)",
  positionals: [],
  description: `Lists sessions (latest run of each) and the tmux sessions on the socket that agentmux
did not start (state "foreign"; never touched). Columns that do not fit the terminal
are left out and long names and notes end in "…"; --wide shows everything.`,
  options: [
    HOST_OPTION,
    {
      long: "all-hosts",
      type: "boolean",
      description: "every host's sessions too, with a HOST column (asked in parallel)",
    },

    { long: "all", short: "a", type: "boolean", description: "include removed sessions" },
    {
      long: "wide",
      short: "w",
      type: "boolean",
      description:
        "every column, nothing truncated (default: fit the terminal, or $COLUMNS, or 80)",
    },
  ],
};
