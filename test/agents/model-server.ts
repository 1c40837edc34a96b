import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A scripted model server on loopback that speaks just enough of the OpenAI
 * Responses API (codex, `wire_api = "responses"`) and the Anthropic Messages
 * API (claude, ANTHROPIC_BASE_URL) for the real CLIs to run a turn: each
 * request gets the next step of the script, chosen by how many tool results
 * the conversation already holds, so CLI retries do not advance it.
 */
export type Step =
  | ({ shell: string } & Reports) // the model asks the CLI to run a shell command
  | ({ say: string } & Reports) // the model answers and ends its turn
  | { status: number; body: unknown }; // the provider fails the request

/** The token counts this response reports (default 1 in, 1 out): known numbers to check usage against. */
export interface Reports {
  usage?: { input: number; output: number; cached?: number; reasoning?: number };
}

export interface ModelServer {
  url: string;
  requests: { path: string; body: string }[];
  close(): Promise<void>;
}

const sse = (events: { type: string }[]): string =>
  events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");

function responsesApi(step: Exclude<Step, { status: number }>, n: number): string {
  const u = step.usage ?? { input: 1, output: 1 };
  const id = `resp_${n}`;
  const item =
    "shell" in step
      ? {
          type: "function_call",
          id: `fc_${n}`,
          call_id: `call_${n}`,
          name: "exec_command",
          arguments: JSON.stringify({ cmd: step.shell }),
        }
      : {
          type: "message",
          role: "assistant",
          id: `msg_${n}`,
          content: [{ type: "output_text", text: "say" in step ? step.say : "" }],
        };
  return sse([
    { type: "response.created", response: { id } } as { type: string },
    { type: "response.output_item.done", output_index: 0, item } as { type: string },
    {
      type: "response.completed",
      response: {
        id,
        usage: {
          input_tokens: u.input,
          input_tokens_details: u.cached === undefined ? null : { cached_tokens: u.cached },
          output_tokens: u.output,
          output_tokens_details:
            u.reasoning === undefined ? null : { reasoning_tokens: u.reasoning },
          total_tokens: u.input + u.output,
        },
      },
    } as { type: string },
  ]);
}

function messagesApi(step: Exclude<Step, { status: number }>, n: number): string {
  const u = step.usage ?? { input: 1, output: 1 };
  const block =
    "shell" in step
      ? { type: "tool_use", id: `toolu_${n}`, name: "Bash", input: {} }
      : { type: "text", text: "" };
  const delta =
    "shell" in step
      ? {
          type: "input_json_delta",
          partial_json: JSON.stringify({ command: step.shell, description: "scripted step" }),
        }
      : { type: "text_delta", text: "say" in step ? step.say : "" };
  return sse([
    {
      type: "message_start",
      message: {
        id: `msg_${n}`,
        type: "message",
        role: "assistant",
        model: "agentmux-test-model",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // Anthropic's input_tokens excludes the cache; cache reads are counted apart.
        usage: {
          input_tokens: u.input - (u.cached ?? 0),
          output_tokens: 1,
          ...(u.cached === undefined ? {} : { cache_read_input_tokens: u.cached }),
        },
      },
    } as { type: string },
    { type: "content_block_start", index: 0, content_block: block } as { type: string },
    { type: "content_block_delta", index: 0, delta } as { type: string },
    { type: "content_block_stop", index: 0 } as { type: string },
    {
      type: "message_delta",
      delta: { stop_reason: "shell" in step ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: u.output },
    } as { type: string },
    { type: "message_stop" },
  ]);
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

export function startModelServer(script: readonly Step[]): Promise<ModelServer> {
  const requests: ModelServer["requests"] = [];
  let n = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const path = req.url ?? "";
      requests.push({ path, body });
      const responses = path.startsWith("/v1/responses");
      const messages = path.startsWith("/v1/messages");
      // claude also sends side requests without tools (titles, checks): answer them plainly.
      const sideRequest = messages && !body.includes('"tools"');
      if (!responses && !messages) {
        res.writeHead(404, { "content-type": "application/json" }).end("{}");
        return;
      }
      const done = count(body, responses ? '"function_call_output"' : '"tool_result"');
      const step: Step = sideRequest
        ? { say: "ok" }
        : (script[Math.min(done, script.length - 1)] ?? { say: "done" });
      n++;
      if ("status" in step) {
        res.writeHead(step.status, { "content-type": "application/json" });
        res.end(JSON.stringify(step.body));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(responses ? responsesApi(step, n) : messagesApi(step, n));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
