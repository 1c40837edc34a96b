import { readFileSync } from "node:fs";
import { declarationOf, DECLARATIONS } from "./declarations/index.js";
import { commandHelp, topHelp } from "./options/help.js";
import { parseDeclared } from "./options/parse.js";
import { err, out, reportError } from "./output.js";
import { countHostsToo } from "../api/fleet.js";

// What every entry runs (main.ts: all commands; ls-main.ts: `ls` alone):
// picks the command and loads only its module, so `agentmux ls` never pays
// for what `agentmux run` needs. The only place that exits.

/** exitWhenDone: exit as soon as main() returns, even with work still pending (the finisher). */
export type CommandModule = { main(argv: string[]): Promise<number>; exitWhenDone?: boolean };
export type Commands = Record<string, () => Promise<CommandModule>>;

async function main(commands: Commands, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    out(topHelp(DECLARATIONS));
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v" || command === "version") {
    const pkg = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    out(pkg.version);
    return 0;
  }
  const load = commands[command];
  if (!load) {
    err(
      `agentmux: unknown command ${JSON.stringify(command)}\nhint: agentmux --help lists the commands`,
    );
    return 2;
  }
  // A concurrency limit counts the account's runs on the hosts too (loaded only when one is set).
  countHostsToo();
  // --host NAME / --all-hosts: the same command on other machines (remote/).
  if (rest.some((a) => a === "--host" || a.startsWith("--host=") || a === "--all-hosts")) {
    const code = await (await import("./remote/dispatch.js")).dispatch(command, rest);
    if (code !== null) return code;
  }
  // Help and usage errors come from the declaration, before the command's code is loaded.
  const decl = declarationOf(command);
  if (decl && !decl.internal && parseDeclared(decl, rest).values.help === true) {
    out(commandHelp(decl));
    return 0;
  }
  const mod = await load();
  const code = await mod.main(rest);
  if (mod.exitWhenDone === true) process.exit(code);
  return code;
}

/** Runs the command named by process.argv, sets the exit code, and prints any error. */
export function runCli(commands: Commands): void {
  // A reader that goes away (`agentmux ls | head`, a pane that closed) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "EIO") throw e;
    });
  }
  main(commands, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportError(e, process.argv.includes("--json"));
    },
  );
}
