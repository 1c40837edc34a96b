import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const tail: CommandDecl = {
  name: "tail",
  summary: "the session's output",
  positionals: [{ name: "name" }],
  description: `The last N lines of the session's output, from its log file, with terminal
escape sequences stripped.`,
  options: [
    HOST_OPTION,
    {
      long: "lines",
      short: "n",
      type: "string",
      value: "N",
      description: "how many lines",
      default: "40",
    },
    {
      long: "follow",
      short: "f",
      type: "boolean",
      description: "keep following until the run ends",
    },
    {
      long: "offset",
      type: "string",
      value: "BYTES",
      description:
        "the output from this byte of the log instead; --json gives nextOffset to go on from",
    },
  ],
};
