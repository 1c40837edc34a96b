import { describe, expect, it } from "vitest";
import { progressPathFor } from "./progress-path.js";

describe("progressPathFor: the notes sit beside the PRD", () => {
  it.each([
    ["PRD.md", "PRD.progress.md"],
    ["docs/plan.markdown", "docs/plan.progress.md"],
    ["todo.TXT", "todo.progress.md"],
    ["/abs/dir/tasks", "/abs/dir/tasks.progress.md"],
    ["a.b.md", "a.b.progress.md"],
  ])("%s -> %s", (prd, notes) => {
    expect(progressPathFor(prd)).toBe(notes);
  });
});
