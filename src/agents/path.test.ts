import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { agentPath, resolveBinary } from "./path.js";

describe("agentPath", () => {
  const all = (): boolean => true;
  const only =
    (...dirs: string[]) =>
    (d: string): boolean =>
      dirs.includes(d);
  it.each<[string, NodeJS.ProcessEnv, (d: string) => boolean, string]>([
    [
      "appends the existing extra dirs",
      { PATH: "/usr/bin:/bin", HOME: "/home/u" },
      all,
      "/usr/bin:/bin:/opt/homebrew/bin:/usr/local/bin:/home/u/.local/bin:/home/u/.npm-global/bin",
    ],
    [
      "skips dirs that do not exist",
      { PATH: "/usr/bin", HOME: "/home/u" },
      only("/usr/local/bin"),
      "/usr/bin:/usr/local/bin",
    ],
    [
      "keeps the user's order and does not repeat",
      { PATH: "/usr/local/bin:/usr/bin", HOME: "/home/u" },
      only("/usr/local/bin", "/home/u/.local/bin"),
      "/usr/local/bin:/usr/bin:/home/u/.local/bin",
    ],
    ["an empty PATH", { HOME: "/h" }, only("/usr/local/bin"), "/usr/local/bin"],
    [
      "drops empty entries (they mean the current directory)",
      { PATH: "/bin::/usr/bin:", HOME: "/h" },
      only(),
      "/bin:/usr/bin",
    ],
  ])("%s", (_name, env, exists, expected) => {
    expect(agentPath(env, exists)).toBe(expected);
  });
});

describe("resolveBinary", () => {
  function setup(): { dir: string; a: string; b: string } {
    const dir = tempDir();
    const a = join(dir, "a");
    const b = join(dir, "b");
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, "tool"), "#!/bin/sh\n"); // not executable
    writeFileSync(join(b, "tool"), "#!/bin/sh\n");
    chmodSync(join(b, "tool"), 0o755);
    mkdirSync(join(a, "dirtool")); // a directory is not a program
    symlinkSync(join(b, "tool"), join(a, "linked"));
    return { dir, a, b };
  }

  it("finds the first executable file on PATH", async () => {
    const { a, b } = setup();
    expect(await resolveBinary("tool", `${a}:${b}`)).toBe(join(b, "tool"));
    expect(await resolveBinary("linked", `${a}:${b}`)).toBe(join(a, "linked"));
    expect(await resolveBinary("dirtool", `${a}:${b}`)).toBeNull();
    expect(await resolveBinary("missing", `${a}:${b}`)).toBeNull();
    expect(await resolveBinary("", `${a}:${b}`)).toBeNull();
  });

  it("checks a path instead of searching", async () => {
    const { dir, a, b } = setup();
    expect(await resolveBinary(join(b, "tool"), "")).toBe(join(b, "tool"));
    expect(await resolveBinary(join(a, "tool"), "")).toBeNull();
    expect(await resolveBinary("./b/tool", "", dir)).toBe(join(b, "tool"));
  });

  it("ignores relative PATH entries", async () => {
    const { dir } = setup();
    expect(await resolveBinary("tool", "b", dir)).toBeNull();
  });
});
