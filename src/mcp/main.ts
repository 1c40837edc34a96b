import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../util/paths.js";
import { AgentmuxError } from "../util/errors.js";
import { serve } from "./server.js";
import { countHostsToo } from "../api/fleet.js";

/**
 * The entry of the MCP bundle (dist/bin/mcp.js, built apart so that the SDK
 * is loaded only by `agentmux mcp`). The CLI's dispatcher calls main().
 */
export const USAGE = "agentmux mcp [--allow-destructive] [--socket PATH]";

export const HELP = `${USAGE}

A Model Context Protocol server on stdio for AI assistants (Claude Code, Codex, Claude
Desktop, OpenClaw). Tools: list_sessions, status, tail, wait, verify, start_run,
start_loop, restart, heartbeat, usage, doctor; kill and remove only with
--allow-destructive. Register it, e.g.:
  claude mcp add --scope user agentmux -- agentmux mcp
  codex mcp add agentmux -- agentmux mcp
See docs/mcp.md.`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "allow-destructive": { type: "boolean" },
        socket: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    throw new AgentmuxError("usage", `mcp: ${(e as Error).message}`, { hint: `usage: ${USAGE}` });
  }
  if (values.help === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
    version: string;
  };
  // Starts from an assistant wait for the same slot as those typed in a terminal.
  countHostsToo();
  await serve({
    api: values.socket !== undefined ? { socket: values.socket } : {},
    allowDestructive: values["allow-destructive"] === true,
    version: pkg.version,
  });
  return 0;
}
