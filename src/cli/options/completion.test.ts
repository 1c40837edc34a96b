import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DECLARATIONS } from "../declarations/index.js";
import { completionScript, type Shell } from "./completion.js";
import { allOptions } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "agentmux-completion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const installed = (shell: string): boolean =>
  spawnSync(shell, ["-c", "exit 0"], { stdio: "ignore" }).status === 0;

describe.each<Shell>(["bash", "zsh", "fish"])("%s completion", (shell) => {
  const script = completionScript(shell, DECLARATIONS);

  it("names every public command and every option of each, and no internal command", () => {
    for (const d of DECLARATIONS) {
      if (d.internal) {
        expect(script).not.toContain(d.name);
        continue;
      }
      expect(script).toContain(d.name);
      for (const o of allOptions(d)) {
        // fish spells options as "-l name"; bash and zsh as "--name".
        expect(script, `${d.name} --${o.long}`).toContain(
          shell === "fish" ? `-l ${o.long}` : `--${o.long}`,
        );
      }
    }
  });

  it.runIf(installed(shell))("is valid syntax (shell -n)", () => {
    const file = join(dir, `agentmux.${shell}`);
    writeFileSync(file, script);
    const r = spawnSync(shell, ["-n", file], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

it("bash completes commands and a command's options", () => {
  const file = join(dir, "complete.bash");
  writeFileSync(
    file,
    `${completionScript("bash", DECLARATIONS)}
try() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _agentmux; echo "\${COMPREPLY[*]}"; }
try agentmux he
try agentmux ls --wi
try agentmux loop --agent c
`,
  );
  const r = spawnSync("bash", [file], { encoding: "utf8" });
  expect(r.stdout.split("\n").slice(0, 3)).toEqual(["heartbeat", "--wide", "codex claude cmd"]);
});

it("quotes per shell: zsh escapes spec colons once, fish escapes quotes inside quotes", () => {
  const zsh = completionScript("zsh", DECLARATIONS);
  expect(zsh).toContain("--journal'[daily notes\\: add a line");
  expect(zsh).not.toContain("\\\\:");
  expect(zsh).toContain("'tail:the session'\\''s output'");
  const fish = completionScript("fish", DECLARATIONS);
  expect(fish).toContain("-a tail -d 'the session\\'s output'");
});
