import { chmodSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { buildCodex, codexProfile, CODEX_COMMAND, detectCodex } from "./codex.js";
import { parseCodexExecHelp, type CodexCaps } from "./codex-help.js";
import type { LaunchInput, ProfileSetup } from "./profile.js";

const help = (v: string): string =>
  readFileSync(new URL(`./fixtures/codex-exec-help-${v}.txt`, import.meta.url), "utf8");
const caps = (v: string): CodexCaps => parseCodexExecHelp(help(v), v);
const setup = (over: Partial<ProfileSetup> = {}): ProfileSetup => ({
  command: [...CODEX_COMMAND],
  args: [],
  env: {},
  ...over,
});
const input = (over: Partial<LaunchInput> = {}): LaunchInput => ({
  prompt: true,
  extraArgs: [],
  runDir: "/state/runs/7",
  cwd: "/repo",
  gitRepo: true,
  ...over,
});
const LAST = ["--output-last-message", "/state/runs/7/last-message.md"];

describe("buildCodex", () => {
  it.each<[string, ProfileSetup, LaunchInput, CodexCaps | undefined, string[]]>([
    [
      "0.169 in a git repo",
      setup(),
      input(),
      caps("0.169.0"),
      ["codex", "exec", "--sandbox", "workspace-write", "--json", ...LAST, "-"],
    ],
    [
      "0.169 outside git",
      setup(),
      input({ gitRepo: false }),
      caps("0.169.0"),
      [
        "codex",
        "exec",
        "--sandbox",
        "workspace-write",
        "--json",
        ...LAST,
        "--skip-git-repo-check",
        "-",
      ],
    ],
    [
      "unknown repo state counts as outside git",
      setup(),
      input({ gitRepo: undefined }),
      caps("0.169.0"),
      [
        "codex",
        "exec",
        "--sandbox",
        "workspace-write",
        "--json",
        ...LAST,
        "--skip-git-repo-check",
        "-",
      ],
    ],
    [
      "a loop iteration: .git writable so the agent can commit",
      setup(),
      input({ gitDir: '/repo/.git "x"' }),
      caps("0.169.0"),
      [
        "codex",
        "exec",
        "--sandbox",
        "workspace-write",
        "-c",
        'sandbox_workspace_write.writable_roots=["/repo/.git \\"x\\""]',
        "--json",
        ...LAST,
        "-",
      ],
    ],
    [
      "0.125 (--full-auto still listed) gets --sandbox all the same",
      setup(),
      input(),
      caps("0.125.0"),
      ["codex", "exec", "--sandbox", "workspace-write", "--json", ...LAST, "-"],
    ],
    [
      "0.20",
      setup(),
      input(),
      caps("0.20.0"),
      ["codex", "exec", "--sandbox", "workspace-write", "--json", ...LAST, "-"],
    ],
    [
      "config args, then extra args, then the stdin dash",
      setup({ args: ["-m", "o3"] }),
      input({ extraArgs: ["--add-dir", "/data"] }),
      caps("0.169.0"),
      [
        "codex",
        "exec",
        "--sandbox",
        "workspace-write",
        "--json",
        ...LAST,
        "-m",
        "o3",
        "--add-dir",
        "/data",
        "-",
      ],
    ],
    [
      "a replaced command",
      setup({ command: ["/opt/codex/bin/codex", "exec"] }),
      input(),
      caps("0.169.0"),
      ["/opt/codex/bin/codex", "exec", "--sandbox", "workspace-write", "--json", ...LAST, "-"],
    ],
    [
      "no prompt but extra args (resume): no dash",
      setup(),
      input({ prompt: false, extraArgs: ["resume", "--last"] }),
      caps("0.169.0"),
      ["codex", "exec", "--sandbox", "workspace-write", "--json", ...LAST, "resume", "--last"],
    ],
    [
      "an old codex with only --full-auto",
      setup(),
      input(),
      {
        ...caps("0.20.0"),
        sandboxModes: [],
        json: false,
        outputLastMessage: false,
        stdinDash: false,
      },
      ["codex", "exec", "--full-auto"],
    ],
    [
      "undetected: assumes 0.169's flags",
      setup(),
      input(),
      undefined,
      ["codex", "exec", "--sandbox", "workspace-write", "--json", ...LAST, "-"],
    ],
  ])("%s", (_name, s, i, c, argv) => {
    const launch = buildCodex(s, i, c);
    expect(launch.argv).toEqual(argv);
    expect(launch.stdin).toBe(i.prompt ? "prompt" : "null");
  });

  it.each([
    ["detected", caps("0.169.0"), []],
    ["undetected", undefined, ["codex's flags were not detected; assuming those of codex 0.169"]],
    [
      "no sandbox flag at all",
      { ...caps("0.169.0"), sandboxModes: [], fullAuto: false },
      [
        "codex 0.169.0 lists neither --sandbox workspace-write nor --full-auto; it will use its configured sandbox, which may be read-only",
      ],
    ],
  ])("warnings when %s", (_name, c, warnings) => {
    expect(buildCodex(setup(), input(), c).warnings).toEqual(warnings);
  });

  it("passes the config env through", () => {
    expect(buildCodex(setup({ env: { CODEX_HOME: "/x" } }), input(), caps("0.169.0")).env).toEqual({
      CODEX_HOME: "/x",
    });
  });

  it.each([
    ["from the command line", setup(), input({ extraArgs: ["--full-auto"] })],
    ["from config", setup({ args: ["--full-auto"] }), input()],
  ])("refuses --full-auto %s when the installed codex rejects it", (_name, s, i) => {
    expect(() => buildCodex(s, i, caps("0.169.0"))).toThrow(
      "codex 0.169.0 rejects --full-auto (removed in codex 0.147)",
    );
  });

  it("lets --full-auto through to a codex that lists it", () => {
    expect(
      buildCodex(setup(), input({ extraArgs: ["--full-auto"] }), caps("0.125.0")).argv,
    ).toContain("--full-auto");
  });

  it("needs a prompt or something to run", () => {
    expect(() => buildCodex(setup(), input({ prompt: false }), caps("0.169.0"))).toThrow(
      expect.objectContaining({
        code: "usage",
        message: "codex needs a prompt: nothing was given to work on",
      }),
    );
  });
});

/** A fake codex: prints the 0.169 help for `exec --help`, a version for `--version`, counts its calls. */
function fakeCodex(
  dir: string,
  helpText: string,
  exitCode = 0,
): { bin: string; calls: () => number } {
  const bin = join(dir, "codex");
  const count = join(dir, "calls");
  writeFileSync(join(dir, "help.txt"), helpText);
  writeFileSync(count, "");
  writeFileSync(
    bin,
    [
      "#!/bin/sh",
      `echo "$*" >> '${count}'`,
      'if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi',
      `if [ "$1 $2" = "exec --help" ]; then cat '${join(dir, "help.txt")}'; exit ${exitCode}; fi`,
      "echo 'unexpected' >&2; exit 3",
    ].join("\n") + "\n",
  );
  chmodSync(bin, 0o755);
  return { bin, calls: () => readFileSync(count, "utf8").split("\n").filter(Boolean).length };
}

describe("detectCodex", () => {
  it("reads the installed version's help and version", async () => {
    const dir = tempDir();
    const { bin } = fakeCodex(dir, help("0.169.0"));
    const detected = await detectCodex(bin, ["exec"]);
    expect(detected).toEqual(caps("0.169.0"));
  });

  it("caches by binary path, mtime and size", async () => {
    const dir = tempDir();
    const cacheDir = join(dir, "cache");
    const { bin, calls } = fakeCodex(dir, help("0.169.0"));
    await detectCodex(bin, ["exec"], { cacheDir });
    expect(calls()).toBe(2);
    expect(await detectCodex(bin, ["exec"], { cacheDir })).toEqual(caps("0.169.0"));
    expect(calls()).toBe(2); // from the cache

    // "Upgrade": same path, new mtime -> probed again.
    const later = new Date(Date.now() + 60_000);
    utimesSync(bin, later, later);
    await detectCodex(bin, ["exec"], { cacheDir });
    expect(calls()).toBe(4);
  });

  it("probes again when the cache file is corrupt", async () => {
    const dir = tempDir();
    const cacheDir = join(dir, "cache");
    const { bin, calls } = fakeCodex(dir, help("0.125.0"));
    await detectCodex(bin, ["exec"], { cacheDir });
    writeFileSync(join(cacheDir, "agent-caps.json"), "{ not json");
    expect((await detectCodex(bin, ["exec"], { cacheDir })).fullAuto).toBe(true);
    expect(calls()).toBe(4);
  });

  it("says which command failed", async () => {
    const dir = tempDir();
    const { bin } = fakeCodex(dir, "boom\n", 1);
    await expect(detectCodex(bin, ["exec"])).rejects.toMatchObject({
      code: "agent",
      message: expect.stringContaining(`${bin} exec --help" failed`) as unknown,
    });
  });

  it("is what the profile's detect does", async () => {
    const dir = tempDir();
    const { bin } = fakeCodex(dir, help("0.145.0"));
    const profile = codexProfile(setup({ command: [bin, "exec"] }));
    expect(profile.binary).toBe(bin);
    const detected = await profile.detect?.(bin);
    expect(detected).toMatchObject({ kind: "codex", version: "0.169.0", fullAuto: false });
  });
});
