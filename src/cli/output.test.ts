import { afterEach, describe, expect, it, vi } from "vitest";
import { printJson, printJsonText } from "./output.js";

const tty = process.stdout.isTTY;
afterEach(() => {
  process.stdout.isTTY = tty;
  vi.restoreAllMocks();
});

/** What printing `fn` writes to stdout, with stdout a terminal or not. */
function printed(isTTY: boolean, fn: () => void): string {
  process.stdout.isTTY = isTTY;
  const chunks: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  fn();
  return chunks.join("");
}

const value = { name: "job", argv: ["a", "b"], tmux: null };

describe("--json output", () => {
  it.each<[string, boolean, () => void, string]>([
    [
      "a pipe or file: one line",
      false,
      () => printJson(value),
      '{"name":"job","argv":["a","b"],"tmux":null}\n',
    ],
    ["a terminal: indented", true, () => printJson(value), `${JSON.stringify(value, null, 2)}\n`],
    [
      "a host's one-line answer at a terminal: indented here",
      true,
      () => printJsonText(`${JSON.stringify(value)}\n`),
      `${JSON.stringify(value, null, 2)}\n`,
    ],
    [
      "a host's answer that is not JSON: as it came",
      true,
      () => printJsonText("agentmux: no such session\n"),
      "agentmux: no such session\n",
    ],
  ])("%s", (_name, isTTY, fn, expected) => {
    expect(printed(isTTY, fn)).toBe(expected);
  });
});
