import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, MAIN_JS, waitFor, World } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

describe("tail -f, woken by the log and the store", () => {
  it("streams each line as it is written and ends when the run settles", async () => {
    const w = new World();
    const repo = tempRepo();
    const gates = [1, 2].map((n) => join(w.root, `gate${n}`));
    for (const g of gates) mkdirSync(g);
    await w.cli([
      "run",
      "cmd",
      "--name",
      "stream",
      "--cwd",
      repo,
      "--",
      FAKE_AGENT,
      "print:one",
      `barrier:${gates[0]}=2`,
      "print:two",
      `barrier:${gates[1]}=2`,
      "exit:6",
    ]);
    const child = spawn(process.execPath, [MAIN_JS, "tail", "stream", "-f", "--json"], {
      env: w.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    const lines = (): unknown[] =>
      out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as unknown);

    await waitFor("the first line", () => out.includes('"one"'));
    writeFileSync(join(gates[0] ?? "", "open"), "");
    // Written while tail follows: it must arrive before the run ends.
    await waitFor("the second line, streamed", () => out.includes('"two"'));
    expect(out).not.toContain('"end"');
    writeFileSync(join(gates[1] ?? "", "open"), "");
    expect(await exited, err).toBe(0);
    const all = lines();
    expect(all.filter((l) => JSON.stringify(l) === '{"line":"two"}')).toHaveLength(1);
    expect(all.at(-1)).toEqual({ end: "failed", exitCode: 6 });
  }, 60_000);
});
