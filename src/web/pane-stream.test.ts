import { describe, expect, it } from "vitest";
import { INITIAL_BYTES, parseEventId, tailStart } from "./pane-stream.js";

describe("pane stream positions", () => {
  it.each([
    ["3:1024", { run: 3, offset: 1024 }],
    ["1:0", { run: 1, offset: 0 }],
    [undefined, null],
    ["", null],
    ["3", null],
    ["3:-1", null],
    ["a:1", null],
    ["3:1:2", null],
  ])("event id %j -> %j", (id, pos) => {
    expect(parseEventId(id)).toEqual(pos);
  });

  it("paints a short log from its first byte", () => {
    expect(tailStart(100, null)).toBe(0);
    expect(tailStart(INITIAL_BYTES, Buffer.from("x"))).toBe(0);
  });

  it("starts a long log's first paint after the first newline of its last part", () => {
    const size = INITIAL_BYTES + 5000;
    expect(tailStart(size, Buffer.from("partial line\nnext"))).toBe(5000 + 13);
    expect(tailStart(size, Buffer.from("no newline at all"))).toBe(5000);
  });
});
