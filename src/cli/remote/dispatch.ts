import { takeHost } from "../../remote/argv.js";

/**
 * Commands with `--host NAME` (or `ls --all-hosts`) go to remote/; null
 * when the flag was only in the verbatim part after `--` (an agent's own
 * argument), so the command runs here as usual.
 */
export async function dispatch(command: string, argv: string[]): Promise<number | null> {
  const dd = argv.indexOf("--");
  const head = dd === -1 ? argv : argv.slice(0, dd);
  if (command === "ls" && head.includes("--all-hosts")) {
    return (await import("./all-hosts.js")).lsAllHosts(argv.filter((a) => a !== "--all-hosts"));
  }
  const taken = takeHost(argv);
  if (taken === null) return null;
  return (await import("./forward.js")).forward(command, taken.host, taken.argv);
}
