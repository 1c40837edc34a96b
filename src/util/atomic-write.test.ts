import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

const dir = mkdtempSync(join(tmpdir(), "agentmux-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("replaces the file whole, 0600, and leaves no temporary file", () => {
  const path = join(dir, "exit");
  writeFileAtomic(path, "old\n");
  writeFileAtomic(path, "0 - -\n");
  expect(readFileSync(path, "utf8")).toBe("0 - -\n");
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir)).toEqual(["exit"]);
});

it("throws when it cannot write, and leaves nothing behind", () => {
  expect(() => writeFileAtomic(join(dir, "missing", "exit"), "x")).toThrow(/ENOENT/);
  expect(readdirSync(dir)).toEqual(["exit"]);
});
