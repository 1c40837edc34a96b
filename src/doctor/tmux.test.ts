import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { checkSocketDir } from "./tmux.js";

describe("checkSocketDir (real directories)", () => {
  it.each([
    ["a private directory", 0o700, true, undefined],
    ["readable by the group: tighten it", 0o750, false, /^chmod 700 /],
    ["a shared sticky directory like /tmp: never chmod it", 0o1777, false, /private directory/],
  ])("%s", async (_name, mode, ok, fix) => {
    const dir = join(tempDir(), "sockdir");
    mkdirSync(dir);
    chmodSync(dir, mode);
    const c = await checkSocketDir({
      env: {},
      socket: join(dir, "sock"),
      stateDir: tempDir(),
      config: null,
    });
    expect(c.ok).toBe(ok);
    if (fix) expect(c.fix).toMatch(fix);
  });

  it("a directory that does not exist yet is fine: agentmux creates it 0700", async () => {
    const c = await checkSocketDir({
      env: {},
      socket: join(tempDir(), "missing", "sock"),
      stateDir: tempDir(),
      config: null,
    });
    expect(c.ok).toBe(true);
  });
});
