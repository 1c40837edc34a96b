import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { withFileLock, writeFileAtomic } from "./lock.js";

describe("withFileLock", () => {
  it("holds FILE.lock while fn runs and removes it after", async () => {
    const dir = tempDir();
    const file = join(dir, "note.md");
    const seen = await withFileLock(file, () => Promise.resolve(existsSync(`${file}.lock`)));
    expect(seen).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("removes the lock when fn throws", async () => {
    const dir = tempDir();
    const file = join(dir, "note.md");
    await expect(withFileLock(file, () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("times out on a live lock, naming it", async () => {
    const dir = tempDir();
    const file = join(dir, "note.md");
    writeFileSync(`${file}.lock`, "12345\n");
    await expect(
      withFileLock(file, () => Promise.resolve(1), { timeoutMs: 100 }),
    ).rejects.toMatchObject({
      code: "io",
      message: `Timed out after 100 ms waiting for the lock ${JSON.stringify(`${file}.lock`)}`,
    });
    expect(readFileSync(`${file}.lock`, "utf8")).toBe("12345\n");
  });

  it("breaks a lock older than the stale limit", async () => {
    const dir = tempDir();
    const file = join(dir, "note.md");
    writeFileSync(`${file}.lock`, "99999\n");
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    expect(await withFileLock(file, () => Promise.resolve("ran"), { timeoutMs: 5_000 })).toBe(
      "ran",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("does not remove a lock that is no longer its own", async () => {
    const dir = tempDir();
    const file = join(dir, "note.md");
    await withFileLock(file, () => {
      // As if ours had been broken as stale and another process took the lock (a new inode).
      writeFileSync(`${file}.other`, "other\n");
      renameSync(`${file}.other`, `${file}.lock`);
      return Promise.resolve();
    });
    expect(readFileSync(`${file}.lock`, "utf8")).toBe("other\n");
  });

  it("serializes async callers in one process", async () => {
    const dir = tempDir();
    const file = join(dir, "count");
    writeFileSync(file, "0");
    await Promise.all(
      Array.from({ length: 25 }, () =>
        withFileLock(file, async () => {
          const n = Number(readFileSync(file, "utf8"));
          await new Promise((r) => setImmediate(r)); // let the others try to interleave
          writeFileSync(file, String(n + 1));
        }),
      ),
    );
    expect(readFileSync(file, "utf8")).toBe("25");
  });
});

describe("writeFileAtomic", () => {
  it.each([0o600, 0o644])("writes the bytes with mode %o, leaving no temp file", async (mode) => {
    const dir = tempDir();
    const file = join(dir, "note.md");
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a, 0xff]);
    await writeFileAtomic(file, bytes, mode);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(mode);
    expect(readdirSync(dir)).toEqual(["note.md"]);
  });
});
