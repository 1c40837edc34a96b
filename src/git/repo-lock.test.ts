import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { lockFile, withRepoLock } from "./repo-lock.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// A holder in another process: takes the same SQLite lock the way withRepoLock does, then hangs.
const HOLDER = `
const Database = require("better-sqlite3");
const db = new Database(process.argv[1], { timeout: 0 });
db.pragma("journal_mode = OFF");
db.exec("BEGIN EXCLUSIVE");
process.stdout.write("held\\n");
setInterval(() => {}, 1000);
`;

describe("withRepoLock", () => {
  it("runs holders one at a time within a process", async () => {
    const dir = tempDir();
    let inside = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withRepoLock(dir, "t", async () => {
          inside += 1;
          peak = Math.max(peak, inside);
          await new Promise((r) => setTimeout(r, 5));
          inside -= 1;
        }),
      ),
    );
    expect(peak).toBe(1);
  });

  it("waits for a holder in another process, and a holder killed with SIGKILL leaves no stale lock", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["-e", HOLDER, lockFile(dir, "t")], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        if (b.toString().includes("held")) resolve();
      });
      child.on("exit", () => reject(new Error("holder exited early")));
    });
    await expect(withRepoLock(dir, "t", () => Promise.resolve(1), { waitMs: 200 })).rejects.toThrow(
      /Timed out waiting for the t lock/,
    );
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await exited;
    expect(await withRepoLock(dir, "t", () => Promise.resolve("mine"), { waitMs: 5_000 })).toBe(
      "mine",
    );
  });
});
