import type { CommandDecl } from "../options/types.js";

export const mcp: CommandDecl = {
  name: "mcp",
  summary: "MCP server on stdio for AI assistants",
  positionals: [],
  description: `A Model Context Protocol server on stdio for AI assistants (Claude Code, Codex, Claude
Desktop, OpenClaw). Tools: list_sessions, status, tail, wait, verify, start_run,
start_loop, restart, heartbeat, usage, doctor; kill and remove only with
--allow-destructive. See docs/mcp.md.`,
  options: [
    {
      long: "allow-destructive",
      type: "boolean",
      description: "also offer the kill and remove tools",
    },
  ],
  footer: `Register it:
  claude mcp add --scope user agentmux -- agentmux mcp
  codex mcp add agentmux -- agentmux mcp`,
};
