import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

/**
 * The agent is the terminal's foreground job: keys typed into the pane
 * (a person who attached) reach it, and Ctrl-C interrupts the agent, not
 * agentmux's supervisor, which records how it ended.
 */
describe("the pane's terminal belongs to the agent", () => {
  it("keys reach the agent, and Ctrl-C ends the agent while the supervisor records it", async () => {
    const w = new World();
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "tty",
      "--cwd",
      repo,
      "--",
      "/bin/sh",
      "-c",
      'printf "ready\\n"; read line; printf "got:%s\\n" "$line"; sleep 60',
    ]);
    const s = await w.waitStatus("tty", (x) => x.state === "running");
    await waitFor("the prompt", () => readFileSync(s.logPath, "utf8").includes("ready"));
    execFileSync("tmux", ["-S", w.socket, "send-keys", "-t", "=tty:", "hello world", "Enter"]);
    await waitFor("the echo", () => readFileSync(s.logPath, "utf8").includes("got:hello world"));
    execFileSync("tmux", ["-S", w.socket, "send-keys", "-t", "=tty:", "C-c"]);
    const end = await w.waitEnded("tty");
    expect(end).toMatchObject({ state: "failed", signal: "SIGINT", exitCode: null });
  });
});
