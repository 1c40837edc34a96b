import { runLoopDriver } from "../../loop/driver.js";
import { err } from "../output.js";

/**
 * `agentmux _loop RUNDIR` — internal: the pane command of a loop session,
 * run by the supervisor in place of an agent. Everything it needs comes from
 * the run directory and the store (like `_finish`).
 */
export async function main(argv: string[]): Promise<number> {
  const runDir = argv[0];
  if (runDir === undefined) {
    err("agentmux _loop: missing run directory (this command is run by agentmux's supervisor)");
    return 2;
  }
  return runLoopDriver(runDir);
}
