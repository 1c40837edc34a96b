import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildDemo, demoAgentPath, demoCommand, demoProfile } from "./demo.js";
import type { LaunchInput, ProfileSetup } from "./profile.js";

const setup = (over: Partial<ProfileSetup> = {}): ProfileSetup => ({
  command: demoCommand(),
  args: [],
  env: {},
  ...over,
});
const input = (over: Partial<LaunchInput> = {}): LaunchInput => ({
  prompt: true,
  extraArgs: [],
  runDir: "/state/runs/1",
  cwd: "/repo",
  ...over,
});

describe("demo profile", () => {
  it("runs the built demo-agent.js (beside the CLI's bundle, for the library's too) with this node", () => {
    expect(demoCommand()).toEqual([process.execPath, demoAgentPath()]);
    expect(basename(demoAgentPath())).toBe("demo-agent.js");
    const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
    expect(dirname(demoAgentPath())).toBe(join(root, "dist", "bin"));
  });

  it.each<[string, LaunchInput, Record<string, string>, "prompt" | "null"]>([
    ["prompt on stdin", input(), {}, "prompt"],
    ["no prompt: /dev/null", input({ prompt: false }), {}, "null"],
    [
      "a PRD for tick-only mode",
      input({ prdPath: "PRD.md" }),
      { AGENTMUX_DEMO_PRD: "/repo/PRD.md" },
      "prompt",
    ],
  ])("%s", (_name, i, env, stdin) => {
    const launch = buildDemo(setup({ args: ["--x"] }), i);
    expect(launch).toEqual({ argv: [...demoCommand(), "--x"], stdin, env, warnings: [] });
  });

  it("keeps config env (e.g. AGENTMUX_DEMO_MODE)", () => {
    expect(buildDemo(setup({ env: { AGENTMUX_DEMO_MODE: "fail" } }), input()).env).toEqual({
      AGENTMUX_DEMO_MODE: "fail",
    });
  });

  it("its binary is node itself", () => {
    expect(demoProfile(setup()).binary).toBe(process.execPath);
  });
});
