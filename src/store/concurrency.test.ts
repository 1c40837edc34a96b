import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/tmp.js";
import { run } from "../process/run.js";
import { openStore } from "./open.js";
import type { Store } from "./store.js";
import { testSpec } from "../../test/helpers/spec.js";

/**
 * Real processes racing on one database file: what the CLI, a finisher and
 * a heartbeat do. The store's modules are transpiled (type stripping only)
 * into a temp tree so plain `node` can run them; node_modules is linked in
 * so better-sqlite3 resolves.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MODULES = [
  "src/store/open.ts",
  "src/store/store.ts",
  "src/store/sql.ts",
  "src/store/rows.ts",
  "src/store/sessions.ts",
  "src/store/runs.ts",
  "src/store/notifications.ts",
  "src/store/migrations.ts",
  "src/store/live-runs.ts",
  "src/store/loops.ts",
  "src/store/outbox-batch.ts",
  "src/store/usage.ts",
  "src/store/hosts.ts",
  "src/store/monitor.ts",
  "src/store/governor.ts",
  "src/sessions/lifecycle.ts",
  "src/sessions/spec.ts",
  "src/agents/names.ts",
  "src/diagnose/types.ts",
  "src/verify/types.ts",
  "src/util/errors.ts",
  "src/store/native.ts",
  "src/util/paths.ts",
];

// Each worker waits for the go file so all of them hit the database at once.
const WORKER = `
import { existsSync } from "node:fs";
import { openStore } from "./src/store/open.js";
const [dir, go, mode, arg] = process.argv.slice(2);
const deadline = Date.now() + 20000;
while (!existsSync(go)) {
  if (Date.now() > deadline) throw new Error("no go signal");
  await new Promise((r) => setTimeout(r, 2));
}
const store = openStore(dir);
let out;
if (mode === "claim") {
  out = [];
  for (;;) {
    const got = store.claimPending({ claimer: "pid:" + process.pid, staleAfterMs: 60000, limit: 1 });
    if (got.length === 0) break;
    out.push(got[0].id);
  }
} else if (mode === "settle") {
  const [id, to] = arg.split(":");
  out = store.trySettle(Number(id), to, { endReason: "pid:" + process.pid }) !== null;
} else if (mode === "open") {
  out = store.createSession({ name: "w" + arg, kind: "agent", agent: "cmd", spec: ${JSON.stringify(testSpec())} }).id;
}
store.close();
process.stdout.write(JSON.stringify(out));
`;

let lib: string;
beforeAll(() => {
  lib = realpathSync(mkdtempSync(join(tmpdir(), "agentmux-store-lib-")));
  for (const rel of MODULES) {
    const source = readFileSync(join(root, rel), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const out = join(lib, rel.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  writeFileSync(join(lib, "package.json"), '{"type":"module"}');
  symlinkSync(join(root, "node_modules"), join(lib, "node_modules"));
  writeFileSync(join(lib, "worker.mjs"), WORKER);
});

afterAll(() => rmSync(lib, { recursive: true, force: true }));

const openStores: Store[] = [];
afterEach(() => {
  for (const s of openStores.splice(0)) s.close();
});

async function race(
  dir: string,
  n: number,
  mode: string,
  arg: (i: number) => string,
): Promise<unknown[]> {
  const go = join(dir, "go");
  const workers = Array.from({ length: n }, (_, i) =>
    run(process.execPath, [join(lib, "worker.mjs"), dir, go, mode, arg(i)], { timeoutMs: 30_000 }),
  );
  writeFileSync(go, "");
  const results = await Promise.all(workers);
  for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
  return results.map((r) => JSON.parse(r.stdout) as unknown);
}

describe("several processes on one store", () => {
  it("opening a fresh store at once: one migration, every process works", async () => {
    const dir = tempDir();
    const ids = (await race(dir, 4, "open", (i) => String(i))) as number[];
    expect(new Set(ids).size).toBe(4);
    const store = openStore(dir);
    openStores.push(store);
    expect(
      store
        .listSessions()
        .map((s) => s.name)
        .sort(),
    ).toEqual(["w0", "w1", "w2", "w3"]);
  });

  it("claiming concurrently: every notification is claimed exactly once", async () => {
    const dir = tempDir();
    const store = openStore(dir);
    openStores.push(store);
    const s = store.createSession({ name: "n", kind: "agent", agent: "cmd", spec: testSpec() });
    const r = store.createRun(s.id, {
      state: "succeeded",
      runDir: "/r",
      logPath: "/l",
      startedAt: new Date().toISOString(),
    });
    const added = store.addNotifications(
      r.id,
      Array.from({ length: 200 }, (_, i) => ({ channel: "command", target: "t", payload: { i } })),
    );
    const perWorker = (await race(dir, 4, "claim", () => "")) as number[][];
    const all = perWorker.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(new Set(added.map((n) => n.id)));
    expect(
      store.listNotifications(r.id).every((n) => n.state === "sending" && n.attempts === 1),
    ).toBe(true);
  });

  it("settling one run from several processes: exactly one wins", async () => {
    const dir = tempDir();
    const store = openStore(dir);
    openStores.push(store);
    const s = store.createSession({ name: "n", kind: "agent", agent: "cmd", spec: testSpec() });
    const r = store.createRun(s.id, {
      state: "running",
      runDir: "/r",
      logPath: "/l",
      startedAt: new Date().toISOString(),
    });
    // Not "lost": a lost run may still settle later by design (lifecycle.ts), so it is not a final winner.
    const states = ["succeeded", "failed", "killed", "succeeded"];
    const won = (await race(dir, 4, "settle", (i) => `${r.id}:${states[i]}`)) as boolean[];
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(store.getRun(r.id)?.state).toBe(states[won.indexOf(true)]);
    expect(store.getRun(r.id)?.endReason).toMatch(/^pid:\d+$/);
  });
});
