import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { ApiOptions } from "../api/context.js";
import { isAgentmuxError } from "../util/errors.js";
import { TOOLS, type ToolDef } from "./tools.js";

export interface McpOptions {
  api: ApiOptions;
  /** Offer kill and remove too. */
  allowDestructive: boolean;
  version: string;
}

interface CallResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** A failure the caller can act on: one sentence naming the bad value, and the hint. */
function toolError(e: unknown): CallResult {
  const text = isAgentmuxError(e)
    ? `${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}`
    : `internal error: ${e instanceof Error ? e.message : String(e)}`;
  return { content: [{ type: "text", text }], isError: true };
}

export function toolsFor(allowDestructive: boolean): readonly ToolDef[] {
  return TOOLS.filter((t) => allowDestructive || t.destructive !== true);
}

export function createServer(opts: McpOptions): McpServer {
  const server = new McpServer(
    { name: "agentmux", version: opts.version },
    {
      capabilities: { tools: {} },
      instructions:
        "agentmux runs coding agents (codex, claude, ...) in persistent tmux sessions. Start work with start_run or start_loop, then call wait (repeatedly: each call returns within 25 s) until timedOut is false; the returned status is the receipt: state, exitCode, verdict (git evidence), diagnosis, usage (tokens and cost). tail reads output by byte offset.",
    },
  );
  for (const tool of toolsFor(opts.allowDestructive)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, ctx): Promise<CallResult> => {
        const token = ctx.mcpReq._meta?.progressToken;
        try {
          const result = await tool.run(args, {
            api: opts.api,
            signal: ctx.mcpReq.signal,
            progress: (progress, total, message) => {
              if (token === undefined) return;
              ctx.mcpReq
                .notify({
                  method: "notifications/progress",
                  params: { progressToken: token, progress, ...(total ? { total } : {}), message },
                })
                .catch(() => undefined); // the client went away: the call's own answer says the rest
            },
          });
          return {
            // One line: a model reads this text, and indentation is tokens it pays for.
            content: [{ type: "text", text: JSON.stringify(result) }],
            structuredContent: result,
          };
        } catch (e) {
          return toolError(e);
        }
      },
    );
  }
  return server;
}

/**
 * `agentmux mcp`: serve on stdin/stdout until the client closes stdin.
 * Nothing but protocol frames goes to stdout.
 */
export async function serve(opts: McpOptions): Promise<void> {
  const server = createServer(opts);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
}
