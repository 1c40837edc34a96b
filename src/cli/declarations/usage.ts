import type { CommandDecl } from "../options/types.js";

export const usage: CommandDecl = {
  name: "usage",
  summary: "tokens and cost the agents reported",
  positionals: [],
  description: `Tokens and cost of runs and loop iterations, as the agent CLIs reported them (codex
exec --json, claude stream-json), summed per session, agent or day.
  IN      all input tokens (cache reads and writes included)   CACHED  of IN, cache reads
  OUT     all output tokens (reasoning included)                COST    ~ = estimated
Cost is the CLI's own figure (claude), else estimated from "prices" in the config, else "?".
A run of codex or claude that reported nothing is counted as MISSING: unknown, not free.
See docs/usage.md.`,
  options: [
    {
      long: "since",
      type: "string",
      value: "DUR",
      description: "only what ended within DUR (24h, 7d)",
      default: "everything",
    },
    {
      long: "by",
      type: "string",
      value: "KEY",
      description: "group by session, agent or day",
      default: "session",
      complete: ["session", "agent", "day"],
    },
  ],
};
