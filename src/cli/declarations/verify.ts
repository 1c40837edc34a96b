import type { CommandDecl } from "../options/types.js";
import { HOST_OPTION } from "./host.js";

export const verify: CommandDecl = {
  name: "verify",
  summary: "the latest run's verdict, as it ended, and what changed since",
  positionals: [{ name: "name" }],
  description: `The latest run's verdict, judged on what the run left when it ended (its start and end
commits and its uncommitted changes, recorded then): commits, files changed, uncommitted files,
and the verdict (verified, no-changes, failed, unverifiable, unverified: PRD boxes ticked with no
commit behind them or items cut, or history-rewritten). What changed in the tree since the run
ended is reported separately and does not change the verdict. A run still going is judged on the
tree as it is. See docs/done.md.
Exit status 0 only when the verdict is "verified".`,
  options: [HOST_OPTION],
};
