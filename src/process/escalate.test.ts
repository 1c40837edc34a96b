import { describe, expect, it } from "vitest";
import { terminateThenKill, until } from "./escalate.js";

describe("terminateThenKill", () => {
  it("sends TERM and CONT, and no KILL when the process ends within the grace period", async () => {
    const sent: string[] = [];
    const how = await terminateThenKill((s) => sent.push(s), Promise.resolve(), 60_000);
    expect(how).toBe("exited");
    expect(sent).toEqual(["SIGTERM", "SIGCONT"]);
  });

  it("sends KILL once the grace period passes without an end", async () => {
    const sent: string[] = [];
    const how = await terminateThenKill((s) => sent.push(s), new Promise(() => undefined), 1);
    expect(how).toBe("killed");
    expect(sent).toEqual(["SIGTERM", "SIGCONT", "SIGKILL"]);
  });

  it("counts a rejected end as an end", async () => {
    const sent: string[] = [];
    const how = await terminateThenKill(
      (s) => sent.push(s),
      Promise.reject(new Error("x")),
      60_000,
    );
    expect(how).toBe("exited");
    expect(sent).toEqual(["SIGTERM", "SIGCONT"]);
  });
});

describe("until", () => {
  it("settles as soon as the condition holds, and at the latest after maxMs", async () => {
    let n = 0;
    await until(() => ++n >= 3, 60_000);
    expect(n).toBe(3);
    await until(() => false, 1);
  });
});
