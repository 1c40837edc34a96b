import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { AgentmuxError } from "../util/errors.js";
import { ensureStateDir, stateDir } from "./paths.js";

describe("stateDir", () => {
  it.each([
    [{ AGENTMUX_HOME: "/x/amx", XDG_STATE_HOME: "/x/state", HOME: "/h" }, "/x/amx"],
    [{ XDG_STATE_HOME: "/x/state", HOME: "/h" }, "/x/state/agentmux"],
    [{ AGENTMUX_HOME: "", XDG_STATE_HOME: "/x/state", HOME: "/h" }, "/x/state/agentmux"],
    [{ XDG_STATE_HOME: "relative/state", HOME: "/h" }, "/h/.local/state/agentmux"],
    [{ HOME: "/h" }, "/h/.local/state/agentmux"],
  ])("%j -> %s", (env, expected) => {
    expect(stateDir(env)).toBe(expected);
  });

  it("resolves a relative AGENTMUX_HOME against the current directory", () => {
    expect(stateDir({ AGENTMUX_HOME: "rel" })).toBe(join(process.cwd(), "rel"));
  });
});

describe("ensureStateDir", () => {
  it("creates the directory (and parents) 0700", () => {
    const dir = join(tempDir(), "a", "b", "agentmux");
    ensureStateDir(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("accepts an existing directory and leaves its mode alone", () => {
    const dir = join(tempDir(), "state");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    ensureStateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
  });

  it.each([
    ["a file in its place", (root: string) => join(root, "file")],
    ["a file as its parent", (root: string) => join(root, "file", "agentmux")],
  ])("reports %s, naming the path", (_label, pick) => {
    const root = tempDir();
    writeFileSync(join(root, "file"), "x");
    const dir = pick(root);
    let err: unknown;
    try {
      ensureStateDir(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AgentmuxError);
    expect((err as AgentmuxError).code).toBe("store");
    expect((err as AgentmuxError).message).toContain(join(root, "file"));
    expect((err as AgentmuxError).hint).toBeTruthy();
  });

  // root bypasses permission bits, so the check cannot fail there.
  it.skipIf(process.getuid?.() === 0)("reports a directory that is not writable", () => {
    const dir = join(tempDir(), "ro");
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    try {
      expect(() => ensureStateDir(dir)).toThrow(/is not writable/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
