import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

const REC = fileURLToPath(new URL("../fixtures/rec-args.sh", import.meta.url));

/** Every byte from 1 to 127, and a range of code points: what node's argv can carry exactly. */
function binaryish(): string {
  let s = "";
  for (let b = 1; b < 128; b++) s += String.fromCharCode(b);
  return s + "\u00a0\u00ff\u0100\u07ff\u0800\uffef\u{10000}\u{10ffff}";
}

const CASES: Record<string, string[]> = {
  "empty arguments": ["a", "", "b", "", ""],
  "only empty": [""],
  newlines: ["line one\nline two", "\n", "\r\n", "trailing\n"],
  "leading dashes": ["-", "--", "-n", "--help", "-e", "--=x"],
  unicode: ["ünïcödé 日本語 🚀", "\u202e", "\u200b", "e\u0301"],
  "binary bytes": [binaryish(), "\u0001", "\u007f", " ", "\t"],
  "shell-looking": ["$(touch x)", "`id`", "'", '"', "\\", "*", "~", "#{pane_id}"],
};

describe("arguments reach the agent byte-exact", () => {
  it.each(Object.entries(CASES))(
    "%s",
    async (label, args) => {
      const w = new World();
      const repo = tempRepo();
      const out = join(w.root, "argv.out");
      const r = await w.cli(["run", "cmd", "--name", "args", "--cwd", repo, "--", REC, ...args], {
        env: { REC_OUT: out },
      });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const s = await w.waitEnded("args");
      expect(s.exitCode).toBe(0);
      // What the store kept is what was typed...
      expect(s.argv).toEqual([REC, ...args]);
      // ...and what the agent received, element for element (NUL-terminated by the recorder).
      const got = await waitFor(`${label} recorded`, () => {
        try {
          return readFileSync(out, "utf8");
        } catch {
          return null;
        }
      });
      expect(got).toBe([String(args.length), ...args].map((a) => `${a}\0`).join(""));
    },
    60_000,
  );
});
