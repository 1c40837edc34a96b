import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { journalEnd, journalStart, type EndEntry, type StartEntry } from "./journal.js";

/**
 * Transpile a TypeScript module and everything it imports relatively into
 * `outDir` (same layout, ESM), so a plain `node` child process can load the
 * real code before any build. Node 20 cannot run .ts files itself.
 * Returns the file URL of the entry module.
 */
function compileForNode(entry: string, outDir: string): string {
  const root = resolve(import.meta.dirname, "../..");
  const done = new Set<string>();
  const queue = [resolve(entry)];
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, "utf8");
    const js = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: file,
    }).outputText;
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
    for (const m of source.matchAll(/from\s+"(\.{1,2}\/[^"]+)\.js"/g)) {
      queue.push(resolve(dirname(file), `${m[1] as string}.ts`));
    }
  }
  return pathToFileURL(join(outDir, relative(root, resolve(entry)).replace(/\.ts$/, ".js"))).href;
}

const golden = (name: string): Buffer => readFileSync(join(import.meta.dirname, "golden", name));

const login: StartEntry = {
  runKey: "login#7",
  name: "login",
  agent: "codex",
  cwd: "/home/u/app",
  command: 'codex exec "Fix the login bug"',
  startedAt: new Date(2024, 4, 1, 14, 3),
};
const loginEnd: EndEntry = {
  state: "succeeded",
  exitCode: 0,
  signal: null,
  verdict: "verified",
  diagnosis: { code: "success", summary: "exited 0" },
  endedAt: new Date(2024, 4, 1, 14, 47),
};
const apiEnd: EndEntry = {
  state: "failed",
  exitCode: 2,
  signal: null,
  verdict: "failed",
  diagnosis: { code: "cli-usage", summary: "claude rejected --bogus" },
  endedAt: new Date(2024, 4, 1, 14, 47),
};

describe("golden files", () => {
  it.each<[string, "start" | "end-login" | "end-api", boolean | null]>([
    ["new-file", "start", null],
    ["insert-in-section", "start", null],
    ["append-section", "start", null],
    ["append-no-newline", "start", null],
    ["crlf-no-final-newline", "start", null],
    ["bom-heading-first", "start", null],
    ["fenced-heading", "start", null],
    ["restart-same-key", "start", null],
    ["end-moved-line", "end-login", true],
    ["end-crlf", "end-api", true],
  ])("%s (%s)", async (name, op, returns) => {
    const dir = tempDir();
    const file = join(dir, "2024-05-01.md");
    if (name !== "new-file") writeFileSync(file, golden(`${name}.before.md`));
    if (op === "start") {
      expect(await journalStart(dir, login)).toBe(file);
    } else {
      const [key, end] = op === "end-login" ? ["login#7", loginEnd] : ["api#3", apiEnd];
      expect(await journalEnd(file, key, end)).toBe(returns);
    }
    expect(readFileSync(file).equals(golden(`${name}.after.md`))).toBe(true);
    expect(readdirSync(dir)).toEqual(["2024-05-01.md"]); // no lock or temp file left behind
  });

  it("appends nothing when the user deleted the line", async () => {
    const dir = tempDir();
    const file = join(dir, "2024-05-01.md");
    const before = golden("append-section.before.md");
    writeFileSync(file, before);
    expect(await journalEnd(file, "login#7", loginEnd)).toBe(false);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("returns false for a note that does not exist, creating nothing", async () => {
    const dir = tempDir();
    expect(await journalEnd(join(dir, "gone", "2024-05-01.md"), "login#7", loginEnd)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("files", () => {
  it("creates the directory and a 0600 note named for the local start date", async () => {
    const dir = join(tempDir(), "memory", "deep");
    const file = await journalStart(dir, { ...login, startedAt: new Date(2024, 11, 31, 23, 59) });
    expect(file).toBe(join(dir, "2024-12-31.md"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("keeps the mode of an existing note", async () => {
    const dir = tempDir();
    const file = join(dir, "2024-05-01.md");
    writeFileSync(file, "# Day\n");
    chmodSync(file, 0o640);
    await journalStart(dir, login);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it("writes through a symlinked note and keeps the link", async () => {
    const dir = tempDir();
    const target = join(dir, "vault-note.md");
    writeFileSync(target, "# Day\n");
    symlinkSync(target, join(dir, "2024-05-01.md"));
    await journalStart(dir, login);
    expect(lstatSync(join(dir, "2024-05-01.md")).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toContain("<!-- agentmux:login#7 -->");
  });

  it.each(["a b#1", "x-->#1", "", "a\n#1", "<!--#1"])("rejects the run key %j", async (runKey) => {
    const dir = tempDir();
    await expect(journalStart(dir, { ...login, runKey })).rejects.toMatchObject({
      code: "bad-value",
    });
    await expect(journalEnd(join(dir, "x.md"), runKey, loginEnd)).rejects.toMatchObject({
      code: "bad-value",
    });
  });
});

describe("concurrent writers", () => {
  it("loses no line when many async writers in one process share a note", async () => {
    const dir = tempDir();
    const keys = Array.from({ length: 30 }, (_, i) => `run${i}#${i}`);
    const files = await Promise.all(
      keys.map((runKey) => journalStart(dir, { ...login, runKey, name: runKey })),
    );
    const ended = await Promise.all(
      keys.map((key, i) => journalEnd(files[i] as string, key, loginEnd)),
    );
    expect(ended.every(Boolean)).toBe(true);
    const text = readFileSync(join(dir, "2024-05-01.md"), "utf8");
    for (const key of keys) {
      expect(
        text
          .split("\n")
          .filter((l) => l.endsWith(`<!-- agentmux:${key} -->`) && l.startsWith("- ✅")),
      ).toHaveLength(1);
    }
  });

  it("loses no line when 20 processes write the same note at once", async () => {
    const dir = tempDir();
    const out = join(dir, "build");
    const journalModule = compileForNode(join(import.meta.dirname, "journal.ts"), out);
    const notes = join(dir, "notes");
    const go = join(dir, "go");
    const writers = 20;
    const script = join(import.meta.dirname, "../../test/fixtures/journal-writer.mjs");
    const exits = Array.from(
      { length: writers },
      (_, id) =>
        new Promise<{ id: number; code: number | null; stderr: string }>((resolve) => {
          const child = execFile(
            process.execPath,
            [script, journalModule, notes, String(id), join(dir, `ready-${id}`), go],
            { timeout: 60_000 },
            (err, _stdout, stderr) =>
              resolve({ id, code: err ? ((err.code as number | null) ?? -1) : 0, stderr }),
          );
          child.stdin?.end();
        }),
    );
    // Release all writers together once every one is loaded and waiting.
    const deadline = Date.now() + 30_000;
    while (
      !Array.from({ length: writers }, (_, id) => existsSync(join(dir, `ready-${id}`))).every(
        Boolean,
      )
    ) {
      if (Date.now() > deadline) throw new Error("writers did not get ready within 30 s");
      await new Promise((r) => setTimeout(r, 10));
    }
    writeFileSync(go, "");
    const results = await Promise.all(exits);
    expect(results.filter((r) => r.code !== 0)).toEqual([]);

    const text = readFileSync(join(notes, "2024-05-01.md"), "utf8");
    const lines = text.split("\n").filter((l) => l.startsWith("- "));
    expect(lines).toHaveLength(writers * 3);
    for (let id = 0; id < writers; id++) {
      for (const [suffix, status] of [
        ["a#1", "✅"],
        ["b#2", "✅"],
        ["c#3", "🟢"],
      ] as const) {
        const marker = `<!-- agentmux:w${id}-${suffix} -->`;
        const mine = lines.filter((l) => l.endsWith(marker));
        expect(mine, marker).toHaveLength(1);
        expect(mine[0]?.startsWith(`- ${status} `), mine[0]).toBe(true);
      }
    }
    expect(readdirSync(notes)).toEqual(["2024-05-01.md"]);
  });
});
