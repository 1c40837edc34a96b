import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, MAIN_JS, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { isRunning } from "../../src/process/pids.js";

/** The SDK's own client, talking to `agentmux mcp` over stdio in a private World. */
async function connect(w: World, args: string[] = []): Promise<{ client: Client; pid: number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN_JS, "mcp", ...args],
    env: Object.fromEntries(
      Object.entries(w.env).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    stderr: "pipe",
  });
  const client = new Client({ name: "agentmux-test", version: "1.0.0" });
  await client.connect(transport);
  const pid = transport.pid ?? -1;
  onTestFinished(async () => {
    await client.close();
    // Closing stdin is all it takes: the server leaves by itself.
    await waitFor("the MCP server to exit", () => !isRunning(pid), 10_000);
  });
  return { client, pid };
}

type Result = Awaited<ReturnType<Client["callTool"]>>;
const data = (r: Result): Record<string, unknown> => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as Record<string, unknown>;
};
const errorText = (r: Result): string => {
  expect(r.isError).toBe(true);
  return (r.content as { text: string }[]).map((c) => c.text).join("\n");
};

const SAFE_TOOLS = [
  "list_sessions",
  "status",
  "tail",
  "wait",
  "verify",
  "start_run",
  "start_loop",
  "restart",
  "heartbeat",
  "usage",
  "doctor",
];

describe("agentmux mcp: the SDK's client over stdio", () => {
  it("lists its tools with annotations; kill and remove only with --allow-destructive", async () => {
    const w = new World();
    const { client } = await connect(w);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(SAFE_TOOLS);
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get("status")?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get("start_run")?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    });
    expect(byName.get("restart")?.annotations).toMatchObject({ destructiveHint: true });
    await expect(client.callTool({ name: "kill", arguments: { name: "x" } })).rejects.toThrow(
      /Tool kill not found/,
    );

    const { client: all } = await connect(w, ["--allow-destructive"]);
    const names = (await all.listTools()).tools.map((t) => t.name);
    expect(names).toEqual([...SAFE_TOOLS, "kill", "remove"]);
    expect((await all.listTools()).tools.find((t) => t.name === "kill")?.annotations).toMatchObject(
      { readOnlyHint: false, destructiveHint: true },
    );
  });

  it("start_run, wait (bounded, with progress), status, tail by offset, usage; kill and remove", async () => {
    const w = new World();
    const repo = tempRepo();
    const gate = join(w.root, "gate");
    mkdirSync(gate);
    const { client } = await connect(w, ["--allow-destructive"]);
    const started = data(
      await client.callTool({
        name: "start_run",
        arguments: {
          agent: "cmd",
          name: "job",
          cwd: repo,
          args: [FAKE_AGENT, "print:hello from the agent", `barrier:${gate}=2`, "print:bye"],
        },
      }),
    );
    expect(started).toMatchObject({ name: "job", agent: "cmd", run: 1 });

    const progress: number[] = [];
    const early = data(
      await client.callTool(
        { name: "wait", arguments: { name: "job", timeoutSeconds: 0.2 } },
        { onprogress: (p) => progress.push(p.progress) },
      ),
    );
    expect(early).toMatchObject({ timedOut: true, exitCode: 124 });
    expect(progress.length).toBeGreaterThan(0);

    writeFileSync(join(gate, "open"), "");
    const done = data(await client.callTool({ name: "wait", arguments: { name: "job" } }));
    expect(done).toMatchObject({ timedOut: false, exitCode: 0, status: { state: "succeeded" } });
    const answer = await client.callTool({ name: "status", arguments: { name: "job" } });
    const status = data(answer);
    expect(status).toMatchObject({ name: "job", state: "succeeded", exitCode: 0, usage: null });
    // The text a model reads is the same object, on one line: no tokens spent on indentation.
    expect(answer.content).toEqual([{ type: "text", text: JSON.stringify(status) }]);

    const first = data(
      await client.callTool({ name: "tail", arguments: { name: "job", offset: 0, maxBytes: 25 } }),
    );
    expect(first.lines).toEqual(["hello from the agent"]);
    const rest = data(
      await client.callTool({
        name: "tail",
        arguments: { name: "job", offset: first.nextOffset as number },
      }),
    );
    expect(rest.lines).toContain("bye");
    expect(rest.lines).not.toContain("hello from the agent");
    expect(rest.eof).toBe(true);

    const sessions = data(await client.callTool({ name: "list_sessions", arguments: {} }));
    expect((sessions.sessions as { name: string }[]).map((s) => s.name)).toEqual(["job"]);
    expect(data(await client.callTool({ name: "usage", arguments: {} }))).toMatchObject({
      by: "session",
      groups: [],
    });

    await client.callTool({
      name: "start_run",
      arguments: { agent: "cmd", name: "hung", cwd: repo, args: [FAKE_AGENT, "hang"] },
    });
    const killed = data(await client.callTool({ name: "kill", arguments: { name: "hung" } }));
    expect(killed).toMatchObject({ name: "hung", state: "killed" });
    expect(
      data(await client.callTool({ name: "remove", arguments: { names: ["hung", "job"] } })),
    ).toEqual({ removed: ["hung", "job"], purged: false });
  }, 60_000);

  it("a bad input is a tool error naming the value, with the CLI's message", async () => {
    const w = new World();
    const { client } = await connect(w);
    expect(errorText(await client.callTool({ name: "status", arguments: { name: "nope" } }))).toBe(
      'No session named "nope"\nhint: agentmux ls lists them',
    );
    expect(
      errorText(await client.callTool({ name: "start_run", arguments: { agent: "gemini" } })),
    ).toContain('Expected an agent of codex, claude, ralphy, cmd, demo, got "gemini"');
    expect(
      errorText(
        await client.callTool({
          name: "start_loop",
          arguments: { agent: "demo", cwd: tempRepo(), attempts: 0 },
        }),
      ),
    ).toContain("--attempts: expected a whole number from 1 to 1000, got 0");
    expect(
      errorText(await client.callTool({ name: "usage", arguments: { by: "week" } })),
    ).toContain('Expected --by session, agent, day, got "week"');
    // The SDK checks the types before agentmux sees them.
    expect(errorText(await client.callTool({ name: "status", arguments: { name: 42 } }))).toMatch(
      /name/,
    );
  });
});
