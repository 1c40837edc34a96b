import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

const N = 10;

describe("notifications under load (coalescing) through the CLI", () => {
  it("10 sessions ending within a second make 1-2 messages that list all 10, none lost", async () => {
    const root = tempDir("agentmux-inbox-");
    const inbox = join(root, "inbox");
    mkdirSync(inbox);
    // The notifier records the summary it gets, one file per call.
    const recorder = join(root, "record.sh");
    writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$AGENTMUX_SUMMARY" > "${inbox}/msg.$$"\n`);
    chmodSync(recorder, 0o755);
    const w = new World({
      notify: { desktop: false, commands: [`${recorder}`], coalesceSeconds: 2 },
    });
    const repo = tempRepo();
    const barrier = join(w.root, "barrier");
    for (let i = 0; i < N; i++) {
      const r = await w.cli([
        "run",
        "cmd",
        "--name",
        `job-${i}`,
        "--cwd",
        repo,
        "--",
        FAKE_AGENT,
        `barrier:${barrier}=${N}`,
        "exit:0",
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const names = Array.from({ length: N }, (_, i) => `job-${i}`);
    const messages = (): string[] =>
      readdirSync(inbox).map((f) => readFileSync(join(inbox, f), "utf8"));
    const mentioned = (text: string, name: string): boolean =>
      new RegExp(`\\b${name}\\b`).test(text);
    // The finisher that had to wait for the window sends the rest when it opens.
    const all = await waitFor(
      "every session in a message",
      () => {
        const m = messages();
        return names.every((n) => m.some((t) => mentioned(t, n))) ? m : undefined;
      },
      60_000,
    );
    expect(all.length).toBeGreaterThanOrEqual(1);
    expect(all.length).toBeLessThanOrEqual(2);
    // Each session in exactly one message.
    for (const n of names) expect(all.filter((t) => mentioned(t, n)).length).toBe(1);
    const combined = all.find((t) => t.includes("sessions ended"));
    expect(combined).toBeDefined();
  }, 120_000);
});
