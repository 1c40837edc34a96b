import { parseDeclared } from "../options/parse.js";
import { tail as tailDecl } from "../declarations/tail.js";

/**
 * The commands the host's resident server answers in its own process:
 * short, read-mostly ones that end on their own. A follower (`tail -f`)
 * streams for as long as its caller stays, and launches (run, loop,
 * restart) and blocking ones (wait) keep the plain `_remote` path, whose
 * process lives and dies with its caller.
 */
const QUICK: ReadonlySet<string> = new Set(["ls", "status", "tail", "verify"]);

export function isQuickCommand(command: string, argv: readonly string[]): boolean {
  if (!QUICK.has(command)) return false;
  if (command !== "tail") return true;
  try {
    return parseDeclared(tailDecl, argv).values.follow !== true;
  } catch {
    return false; // the plain path reports the usage error as it always did
  }
}

/** Whether the command's output streams for as long as it runs (`tail -f`): passed through as it comes. */
export function streams(command: string, argv: readonly string[]): boolean {
  return command === "tail" && !isQuickCommand(command, argv);
}
