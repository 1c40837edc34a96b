import type { CommandDecl } from "../options/types.js";

export const verify: CommandDecl = {
  name: "verify",
  summary: "re-check with git what the latest run changed",
  positionals: [{ name: "name" }],
  description: `Re-checks with git what the latest run changed since it started: commits, files
changed, uncommitted files, and the verdict (verified, no-changes, failed, unverifiable, or
unverified: PRD boxes ticked with no commit behind them).
Exit status 0 only when the verdict is "verified".`,
  options: [],
};
