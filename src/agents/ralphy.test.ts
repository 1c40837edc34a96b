import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import type { LaunchInput, ProfileSetup, RalphyCaps } from "./profile.js";
import { buildRalphy, compareVersions, detectRalphy, RALPHY_COMMAND } from "./ralphy.js";
import { parseCodexExecHelp } from "./codex-help.js";

const help = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const setup = (over: Partial<ProfileSetup> = {}): ProfileSetup => ({
  command: [...RALPHY_COMMAND],
  args: [],
  env: {},
  ...over,
});
const input = (over: Partial<LaunchInput> = {}): LaunchInput => ({
  prompt: false,
  extraArgs: [],
  runDir: "/state/runs/1",
  cwd: "/repo",
  env: {},
  uid: 1000,
  ...over,
});
const codex169 = parseCodexExecHelp(help("codex-exec-help-0.169.0.txt"), "0.169.0");
const codex125 = parseCodexExecHelp(help("codex-exec-help-0.125.0.txt"), "0.125.0");

describe("buildRalphy", () => {
  it.each<[string, ProfileSetup, LaunchInput, string[]]>([
    [
      "codex is the default engine, PRD.md the default PRD",
      setup(),
      input(),
      ["ralphy", "--codex", "--prd", "/repo/PRD.md"],
    ],
    [
      "claude",
      setup(),
      input({ engine: "claude" }),
      ["ralphy", "--claude", "--prd", "/repo/PRD.md"],
    ],
    [
      "a relative PRD is taken from cwd",
      setup(),
      input({ prdPath: "docs/tasks.md" }),
      ["ralphy", "--codex", "--prd", "/repo/docs/tasks.md"],
    ],
    [
      "an absolute PRD stays",
      setup(),
      input({ prdPath: "/plans/p.md" }),
      ["ralphy", "--codex", "--prd", "/plans/p.md"],
    ],
    [
      "parallel, config args, extra args",
      setup({ args: ["--fast"] }),
      input({ parallel: true, extraArgs: ["--max-parallel", "2"] }),
      ["ralphy", "--codex", "--prd", "/repo/PRD.md", "--parallel", "--fast", "--max-parallel", "2"],
    ],
  ])("%s", (_name, s, i, argv) => {
    const launch = buildRalphy(s, i, undefined);
    expect(launch.argv).toEqual(argv);
    expect(launch.stdin).toBe("null");
  });

  it("refuses a prompt (ralphy reads tasks from the PRD)", () => {
    expect(() => buildRalphy(setup(), input({ prompt: true }), undefined)).toThrow(
      expect.objectContaining({
        code: "usage",
        message: "ralphy takes its tasks from the PRD (--prd FILE), not from a prompt",
      }),
    );
  });

  it("applies Claude Code's root rule when driving claude", () => {
    expect(() => buildRalphy(setup(), input({ engine: "claude", uid: 0 }), undefined)).toThrow(
      /refuses --dangerously-skip-permissions when run as root/,
    );
    expect(buildRalphy(setup(), input({ engine: "codex", uid: 0 }), undefined).argv[1]).toBe(
      "--codex",
    );
  });

  it.each<[string, RalphyCaps | undefined, LaunchInput, number]>([
    [
      "an undated ralphy and a codex that hides --full-auto",
      { kind: "ralphy", version: null, codex: codex169 },
      input(),
      1,
    ],
    ["a newer ralphy", { kind: "ralphy", version: "4.8.0", codex: codex169 }, input(), 1],
    [
      "a codex that lists --full-auto",
      { kind: "ralphy", version: "4.7.2", codex: codex125 },
      input(),
      0,
    ],
    ["no codex found", { kind: "ralphy", version: "4.7.2" }, input(), 0],
    [
      "claude engine",
      { kind: "ralphy", version: "4.7.2", codex: codex169 },
      input({ engine: "claude" }),
      0,
    ],
  ])("warns about ralphy's hard-coded --full-auto with %s", (_name, caps, i, count) => {
    const { warnings } = buildRalphy(setup(), i, caps);
    expect(warnings).toHaveLength(count);
    if (count > 0)
      expect(warnings[0]).toMatch(/runs `codex exec --full-auto`, which codex 0.169.0 may reject/);
  });

  it("refuses ralphy <= 4.7.2 with codex >= 0.147: every task would fail (seen: exit 2)", () => {
    expect(() =>
      buildRalphy(setup(), input(), { kind: "ralphy", version: "4.7.2", codex: codex169 }),
    ).toThrow(
      expect.objectContaining({
        code: "agent",
        message:
          "ralphy 4.7.2 runs `codex exec --full-auto`, which codex 0.169.0 rejects (removed in codex 0.147)",
      }),
    );
  });

  it.each([
    ["0.147.0", "0.169.0", -1],
    ["0.169.0", "0.169.0", 0],
    ["4.10.0", "4.7.2", 1],
    ["0.170.0-alpha.1", "0.169.0", 1],
    ["1.0", "1.0.0", 0],
  ])("compareVersions(%s, %s) = %i", (a, b, c) => {
    expect(compareVersions(a, b)).toBe(c);
  });

  it("uses only flags the real ralphy 4.7.2 lists", () => {
    const text = help("ralphy-help-4.7.2.txt");
    for (const flag of ["--codex", "--claude", "--prd <path>", "--parallel"])
      expect(text).toContain(flag);
  });
});

describe("detectRalphy", () => {
  it("reads ralphy's version and the codex on PATH", async () => {
    const dir = tempDir();
    const script = (name: string, body: string): string => {
      const p = join(dir, name);
      writeFileSync(p, `#!/bin/sh\n${body}\n`);
      chmodSync(p, 0o755);
      return p;
    };
    writeFileSync(join(dir, "help.txt"), help("codex-exec-help-0.169.0.txt"));
    const ralphy = script("ralphy", 'echo "4.7.2"');
    script(
      "codex",
      `if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; else cat '${join(dir, "help.txt")}'; fi`,
    );
    const caps = await detectRalphy(ralphy, [], {
      env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir },
      cacheDir: join(dir, "cache"),
    });
    expect(caps).toEqual({ kind: "ralphy", version: "4.7.2", codex: codex169 });
  });
});
