import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

/** Agent output that would run `touch CANARY` if it ever reached a shell as code. */
function hostileOutput(canary: string): string {
  return `'; touch ${canary}; ' $(touch ${canary}) \`touch ${canary}\` "; touch ${canary}; "`;
}

describe("notifications cannot run agent text", () => {
  it.each([
    "timeout 5 sh -c 'echo {diagnosis} >> f'",
    "nice sh -c 'echo {summary}'",
    "env -S 'sh -c \"echo {summary}\"'",
    "xargs -0 echo {cwd}",
  ])("refuses %j at run time with the rewrite, starting nothing", async (template) => {
    const w = new World();
    const repo = tempRepo();
    const r = await w.cli([
      "run",
      "cmd",
      "--name",
      "refused",
      "--cwd",
      repo,
      "--notify-cmd",
      template,
      "--",
      FAKE_AGENT,
      "exit:0",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/text the agent controls/);
    expect(r.stderr).toMatch(/\$AGENTMUX_(SUMMARY|DIAGNOSIS|CWD)/);
    const ls = await w.json<unknown[]>(["ls"]);
    expect(ls).toEqual([]);
  });

  it("agent output reaches a wrapped shell only as data, byte-exact, and as JSON on stdin", async () => {
    const w = new World();
    const repo = tempRepo();
    const canary = join(w.root, "CANARY");
    const text = hostileOutput(canary);
    const diag = join(w.root, "diagnosis.txt");
    const stdin = join(w.root, "event.json");
    const r = await w.cli([
      "run",
      "cmd",
      "--name",
      "loud",
      "--cwd",
      repo,
      "--notify-cmd",
      `timeout 5 sh -c 'printf %s "$AGENTMUX_DIAGNOSIS" > ${diag}; cat > ${stdin}'`,
      "--",
      FAKE_AGENT,
      `print:${text}`,
      "exit:3",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = await w.waitEnded("loud");
    expect(s.state).toBe("failed");
    await waitFor("the notification", () => existsSync(stdin) && existsSync(diag));
    const event = await waitFor("the whole event", () => {
      try {
        return JSON.parse(readFileSync(stdin, "utf8")) as {
          text: string;
          event: { name: string; diagnosis: { summary: string } };
        };
      } catch {
        return null;
      }
    });
    expect(event.event.name).toBe("loud");
    expect(readFileSync(diag, "utf8")).toBe(
      `${s.diagnosis?.code ?? ""}: ${s.diagnosis?.summary ?? ""}`,
    );
    // The agent's text was really there to be run, had it been code.
    expect(readFileSync(diag, "utf8")).toContain(`touch ${canary}`);
    expect(existsSync(canary)).toBe(false);
    expect(readdirSync(w.root)).not.toContain("CANARY");
  });
});
