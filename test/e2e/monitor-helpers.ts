import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { MAIN_JS, waitFor, type World } from "../helpers/cli.js";
import { childrenOf } from "../helpers/proc.js";

export { processesWith } from "../helpers/proc.js";

/** A running `agentmux watch` for one test, stopped (by pid) when the test ends. */
export interface WatchProc {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startWatch(w: World, env: NodeJS.ProcessEnv = {}): WatchProc {
  const proc = spawn(process.execPath, [MAIN_JS, "watch"], {
    env: { ...w.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  proc.stdout?.on("data", (d: Buffer) => (text += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  onTestFinished(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    const timeout = new Promise<"hung">((r) => setTimeout(() => r("hung"), 15_000).unref());
    if ((await Promise.race([exited, timeout])) !== "hung") return;
    // watch must exit on SIGTERM; say what kept it alive instead of timing out the hook.
    const kids = childrenOf(proc.pid ?? 0);
    proc.kill("SIGKILL");
    await exited;
    throw new Error(
      `agentmux watch did not exit within 15 s of SIGTERM; children: ${kids}; its last output:\n${text.slice(-1500)}`,
    );
  });
  return { proc, output: () => text, exited };
}

/** Wait until watch says it is monitoring (its first pass is under way). */
export async function watchReady(wp: WatchProc): Promise<void> {
  await waitFor("watch to start", () => wp.output().includes("monitoring"));
}

/** A --notify-cmd template that appends "NAME STATE DIAGNOSIS-CODE" lines to a file. */
export function notifyRecorder(w: World): { template: string; lines: () => string[] } {
  const file = join(w.root, "notified.txt");
  const script = join(w.root, "notify.sh");
  writeFileSync(file, "");
  writeFileSync(script, `#!/bin/sh\nprintf '%s %s\\n' "$1" "$2" >> '${file}'\n`);
  chmodSync(script, 0o755);
  return {
    template: `${script} {name} {state}`,
    lines: () => readFileSync(file, "utf8").split("\n").filter(Boolean),
  };
}
