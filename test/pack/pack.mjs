#!/usr/bin/env node
// `npm run test:pack`: what `npm install -g ./agentmux-X.Y.Z.tgz` gives a
// user on a fresh machine. Packs the package, installs it into a temporary
// prefix, then checks `agentmux --version`, `agentmux demo`, `agentmux mcp`,
// and the library as a consumer imports it (`import ... from "agentmux"`,
// types included). Nothing outside one temp directory is touched; every
// world is private (HOME, state, socket, config). Exit 0 when all pass.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "agentmux-pack-"));
const prefix = join(tmp, "prefix");
const home = join(tmp, "home");
mkdirSync(home);
const env = {
  ...process.env,
  HOME: home,
  PATH: `${join(prefix, "bin")}:${process.env.PATH ?? ""}`,
  AGENTMUX_HOME: join(tmp, "state"),
  AGENTMUX_SOCKET: join(tmp, "tmux.sock"),
  AGENTMUX_CONFIG: join(tmp, "config.json"),
  npm_config_update_notifier: "false",
};
delete env.TMUX;
for (const k of Object.keys(env))
  if (k.startsWith("npm_package_") || k === "npm_lifecycle_event") delete env[k];

let failed = 0;
function check(name, fn) {
  return Promise.resolve()
    .then(fn)
    .then(
      () => console.log(`ok    ${name}`),
      (e) => {
        failed++;
        console.log(
          `FAIL  ${name}\n      ${String(e.stack ?? e)
            .split("\n")
            .join("\n      ")}`,
        );
      },
    );
}
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
const expect = (ok, what) => {
  if (!ok) throw new Error(what);
};

try {
  console.log(`test:pack in ${tmp}`);
  // `npm pack` runs prepack: the build and the type declarations.
  const packed = JSON.parse(
    run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: root }),
  );
  const tarball = join(tmp, packed[0].filename);
  const files = packed[0].files.map((f) => f.path);
  await check(
    "the tarball holds the CLI (ls's own bundle too, with the code caches), the MCP bundle, the library and its types; no maps",
    () => {
      for (const f of [
        "dist/bin/main.js",
        "dist/bin/bundle.js",
        "dist/bin/bundle.cache",
        "dist/bin/ls.js",
        "dist/bin/ls.cache",
        "dist/bin/mcp.js",
        "dist/lib/index.js",
        "dist/types/api/index.d.ts",
        "runner/runner.pl",
        "SKILL.md",
      ]) {
        expect(files.includes(f), `${f} missing from the tarball`);
      }
      expect(!files.some((f) => f.endsWith(".map")), "source maps in the tarball");
      expect(
        !files.some((f) => f.startsWith("src/") || f.startsWith("test/")),
        "sources in the tarball",
      );
    },
  );

  run("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", tarball], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bin = join(prefix, "bin", "agentmux");

  await check("agentmux --version", () => {
    expect(run(bin, ["--version"]).trim() === pkg.version, "wrong version");
  });
  await check("agentmux demo", () => {
    const out = run(bin, ["demo"], { timeout: 180_000 });
    expect(/caught|unticked|verified/i.test(out), `unexpected demo output:\n${out}`);
  });
  await check("agentmux ls (its own bundle): --json, the table and --help", () => {
    const list = JSON.parse(run(bin, ["ls", "--json"]));
    expect(Array.isArray(list), `ls --json printed no list: ${JSON.stringify(list)}`);
    const table = run(bin, ["ls"]);
    expect(
      list.length === 0 ? /no sessions/.test(table) : /NAME/.test(table),
      `ls printed:\n${table}`,
    );
    expect(/--json/.test(run(bin, ["ls", "--help"])), "ls --help does not list --json");
  });
  await check(
    "agentmux mcp answers initialize and lists its tools, then leaves when stdin closes",
    async () => {
      const child = spawn(bin, ["mcp"], { env, stdio: ["pipe", "pipe", "inherit"] });
      const frame = (id, method, params) =>
        `${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`;
      let out = "";
      const answered = new Promise((resolve, reject) => {
        child.stdout.on("data", (d) => {
          out += d;
          if (out.split("\n").filter(Boolean).length >= 2) resolve();
        });
        child.on("exit", (code) => reject(new Error(`mcp exited ${code} early:\n${out}`)));
      });
      child.stdin.write(
        frame(1, "initialize", {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "pack", version: "1" },
        }),
      );
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`,
      );
      child.stdin.write(frame(2, "tools/list", {}));
      await answered;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      expect((await exited) === 0, "mcp did not exit 0 when stdin closed");
      const [init, list] = out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(init.result.serverInfo.name === "agentmux", "no serverInfo");
      expect(
        list.result.tools.some((t) => t.name === "wait"),
        "no wait tool",
      );
    },
  );

  // A consumer project: `agentmux` resolved from its node_modules (here, the installed package).
  const consumer = join(tmp, "consumer");
  mkdirSync(join(consumer, "node_modules"), { recursive: true });
  symlinkSync(
    join(prefix, "lib", "node_modules", "agentmux"),
    join(consumer, "node_modules", "agentmux"),
  );
  writeFileSync(join(consumer, "package.json"), '{ "type": "module", "private": true }\n');
  await check('import { ... } from "agentmux" works (ES module, through its exports)', () => {
    writeFileSync(
      join(consumer, "use.mjs"),
      `import { list, status, isAgentmuxError, WAIT_EXIT } from "agentmux";
const sessions = await list();
let err;
try { await status({ name: "nope" }); } catch (e) { err = e; }
console.log(JSON.stringify({ sessions, notFound: isAgentmuxError(err) && err.code, exits: WAIT_EXIT }));
`,
    );
    const r = JSON.parse(run(process.execPath, ["use.mjs"], { cwd: consumer }));
    expect(
      Array.isArray(r.sessions) && r.notFound === "not-found" && r.exits.timedOut === 124,
      JSON.stringify(r),
    );
  });
  await check("its types check in a consumer's TypeScript (NodeNext)", () => {
    writeFileSync(
      join(consumer, "use.ts"),
      `import { run, wait, events, type StatusJson, type UsageJson, type SessionEvent } from "agentmux";
export async function go(): Promise<StatusJson> {
  const s: StatusJson = await run({ agent: "demo", prompt: "hi" });
  const r = await wait({ name: s.name, timeoutMs: 1000 });
  const u: UsageJson | null | undefined = r.status.usage;
  for await (const e of events()) { const x: SessionEvent = e; void x; break; }
  void u;
  // @ts-expect-error: a wrong type for a documented field must not compile
  await wait({ name: 1 });
  return r.status;
}
`,
    );
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          // A TypeScript project for Node has @types/node (the declarations use
          // Buffer, AbortSignal, NodeJS.ProcessEnv): the repo's stands in for it.
          types: ["node"],
          typeRoots: [join(root, "node_modules", "@types")],
          skipLibCheck: false,
          lib: ["ES2023"],
        },
        files: ["use.ts"],
      }),
    );
    try {
      run(process.execPath, [
        join(root, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        consumer,
      ]);
    } catch (e) {
      throw new Error(`tsc found errors:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
  });
} catch (e) {
  failed++;
  console.log(`FAIL  ${e.stack ?? e}`);
} finally {
  try {
    execFileSync("tmux", ["-S", env.AGENTMUX_SOCKET, "kill-server"], { stdio: "ignore" });
  } catch {
    // no server was started
  }
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failed === 0 ? "test:pack: all passed" : `test:pack: ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
