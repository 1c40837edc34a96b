import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  encodeFrame,
  frameBytes,
  LineSplitter,
  outputFrame,
  parseFrame,
  SERVE_VERSION,
  type Frame,
} from "./frames.js";
import { parseRequest, PROTOCOL_VERSION, type QuickRequest } from "./protocol.js";
import { privateDir, serve, serverSocketPath } from "./resident.js";
import {
  AnswerReader,
  askResident,
  readState,
  residentPaths,
  writeState,
} from "./resident-client.js";
import { controlDirFor, forwardArgs, type SshSettings } from "./ssh.js";

describe("frames", () => {
  const table: [string, string, Frame | null][] = [
    [
      "hello",
      '{"t":"hello","v":1,"pid":42,"socket":"/s/s.sock","up":true}',
      { t: "hello", v: 1, pid: 42, socket: "/s/s.sock", up: true },
    ],
    [
      "hello without a socket",
      '{"t":"hello","v":1,"pid":0,"socket":null,"up":false}',
      { t: "hello", v: 1, pid: 0, socket: null, up: false },
    ],
    ["hello without up", '{"t":"hello","v":1,"pid":1,"socket":null}', null],
    ["hello with a numeric socket", '{"t":"hello","v":1,"pid":1,"socket":3,"up":true}', null],
    ["text", '{"t":"out","d":"a\\nb"}', { t: "out", d: "a\nb" }],
    ["bytes", '{"t":"err","b":"/w=="}', { t: "err", b: "/w==" }],
    ["both text and bytes", '{"t":"out","d":"a","b":"YQ=="}', null],
    ["bytes that are not base64", '{"t":"out","b":"$(x)"}', null],
    ["exit", '{"t":"exit","code":3}', { t: "exit", code: 3 }],
    ["exit out of range", '{"t":"exit","code":256}', null],
    ["exit not an integer", '{"t":"exit","code":1.5}', null],
    ["refused", '{"t":"refused","why":"stale"}', { t: "refused", why: "stale" }],
    ["unknown type", '{"t":"shell","d":"rm"}', null],
    ["not JSON (a login banner)", "Welcome to host", null],
    ["not an object", "[1]", null],
  ];
  it.each(table)("%s", (_name, line, want) => {
    expect(parseFrame(line)).toEqual(want);
  });

  it("output is text when it is UTF-8, else base64, and comes back byte for byte", () => {
    const cases: [string | Uint8Array, "d" | "b"][] = [
      ["plain ünïcødé 🚀\n", "d"],
      [Buffer.from("bytes\n"), "d"],
      [Buffer.from([0xff, 0xfe, 0x41, 0x0a]), "b"],
      [new Uint8Array([0xc3]), "b"], // a cut UTF-8 sequence
    ];
    for (const [chunk, kind] of cases) {
      const f = outputFrame("out", chunk) as Extract<Frame, { t: "out" }>;
      expect(kind in f).toBe(true);
      const back = parseFrame(encodeFrame(f).trimEnd()) as Extract<Frame, { t: "out" }>;
      expect(frameBytes(back)).toEqual(Buffer.from(chunk));
    }
  });

  it("lines arrive whole whatever the chunks", () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    for (const c of ["a", "b\nc", "\r\n", "\nd"]) s.push(c);
    expect(got).toEqual(["ab", "c", ""]);
    expect(s.rest()).toBe("d");
  });

  it("an answer: a banner before the hello is skipped, anything else after it is not ours", () => {
    const r = new AnswerReader({ stdout: "capture", echoStderr: false });
    r.push("Last login: yesterday\n");
    r.push(encodeFrame({ t: "hello", v: SERVE_VERSION, pid: 7, socket: "/x/s.sock", up: false }));
    r.push(encodeFrame({ t: "out", d: "one\n" }) + encodeFrame({ t: "err", d: "warn\n" }));
    r.push(encodeFrame({ t: "exit", code: 2 }));
    expect(r.hello?.pid).toBe(7);
    expect(r.result()).toMatchObject({ exitCode: 2, stdout: "one\n", stderr: "warn\n" });
    expect(r.garbled).toBe(false);
    r.push("junk\n");
    expect(r.garbled).toBe(true);
  });
});

describe("serve requests", () => {
  const v = PROTOCOL_VERSION;
  const table: [string, unknown, string | null][] = [
    ["serve alone", { v, op: "serve" }, null],
    ["serve a status", { v, op: "serve", req: { v, op: "cli", argv: ["status", "x"] } }, null],
    ["serve a session id", { v, op: "serve", req: { v, op: "session-id", name: "a" } }, null],
    ["serve events (never ends)", { v, op: "serve", req: { v, op: "events" } }, "cannot be run"],
    ["serve a serve", { v, op: "serve", req: { v, op: "serve" } }, "cannot be run"],
    [
      "serve a command no remote caller may run",
      { v, op: "serve", req: { v, op: "cli", argv: ["watch"] } },
      "not one a remote caller may run",
    ],
    ["serve with a string", { v, op: "serve", req: "status x" }, "req must be a request"],
    ["stop", { v, op: "stop" }, null],
    ["another version", { v: 2, op: "stop" }, "protocol version"],
  ];
  it.each(table)("%s", (_name, req, error) => {
    const line = JSON.stringify(req);
    if (error === null) expect(parseRequest(line)).toEqual(req);
    else expect(() => parseRequest(line)).toThrow(error);
  });
});

describe("paths", () => {
  const S: SshSettings = { program: "ssh", controlDir: "/s/ssh", connectTimeoutS: 5 };
  const host = { name: "h", dest: "me@box", port: null, identity: null, agentmux: null };

  it("a forward is one fixed ssh -O request with plain paths only", () => {
    expect(forwardArgs(host, S, "forward", "/s/ssh/k.fwd", "/home/me/s.sock").slice(-6)).toEqual([
      "-O",
      "forward",
      "-L",
      "/s/ssh/k.fwd:/home/me/s.sock",
      "--",
      "me@box",
    ]);
    for (const bad of ["/a:b/s.sock", "relative.sock", "/sp ace", `/${"x".repeat(120)}`]) {
      expect(() => forwardArgs(host, S, "forward", "/s/ssh/k.fwd", bad)).toThrow(/plain/);
    }
  });

  it("an odd or long state dir moves the sockets to a private dir in /tmp", () => {
    expect(serverSocketPath("/home/me/.local/state/agentmux", 1000)).toBe(
      "/home/me/.local/state/agentmux/serve/s.sock",
    );
    for (const odd of ["/home/me/my state", "/home/a:b", `/home/${"x".repeat(100)}`]) {
      expect(serverSocketPath(odd, 1000)).toMatch(
        /^\/tmp\/agentmux-serve-1000-[0-9a-f]{12}\/s\.sock$/,
      );
    }
    expect(controlDirFor("/home/me/with:colon", 1000)).toMatch(/^\/tmp\/agentmux-ssh-1000-/);
    expect(controlDirFor("/home/me/100%", 1000)).toMatch(/^\/tmp\/agentmux-ssh-1000-/);
  });

  it("one key per host entry: a host added again with another destination starts afresh", () => {
    const a = residentPaths("/s/ssh", host);
    expect(residentPaths("/s/ssh", host)).toEqual(a);
    expect(residentPaths("/s/ssh", { ...host, dest: "me@other" }).fwd).not.toBe(a.fwd);
    expect(a.fwd).toMatch(/^\/s\/ssh\/[0-9a-f]{16}\.fwd$/);
  });
});

describe("the resident server on a real unix socket", () => {
  const dirs: string[] = [];
  const stops: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const v = PROTOCOL_VERSION;
  const status = (name: string): QuickRequest => ({ v, op: "cli", argv: ["status", name] });
  const opts = { stdout: "capture" as const, echoStderr: false, timeoutMs: 10_000 };

  async function start(): Promise<{ socket: string; done: Promise<void> }> {
    const dir = mkdtempSync(join(tmpdir(), "amx-res-"));
    dirs.push(dir);
    const socket = join(dir, "serve", "s.sock");
    let ready = (): void => undefined;
    const listening = new Promise<void>((r) => (ready = r));
    const done = serve({
      onReady: () => ready(),
      socket,
      idleMs: 60_000,
      // Stands in for the CLI: writes to both outputs, as a command would.
      exec: async (req) => {
        const name = req.op === "cli" ? (req.argv[1] ?? "") : "";
        process.stdout.write(`status of ${name}\n`);
        await new Promise((r) => setTimeout(r, 5));
        process.stderr.write(Buffer.from([0xff, 0x0a]));
        return name === "missing" ? 1 : 0;
      },
      accepts: (req) => req.op !== "cli" || req.argv[0] !== "tail",
      log: () => undefined,
    });
    stops.push(async () => {
      await askResident(socket, { v, op: "stop" }, opts);
      await done;
    });
    await listening;
    expect(statSync(socket).isSocket()).toBe(true);
    return { socket, done };
  }

  it("answers requests at once, each with its own output, in a private directory", async () => {
    const { socket } = await start();
    expect(statSync(join(socket, "..")).mode & 0o777).toBe(0o700);
    const [a, b] = await Promise.all([
      askResident(socket, status("alpha"), opts),
      askResident(socket, status("missing"), opts),
    ]);
    expect(a).toEqual({
      kind: "done",
      result: {
        exitCode: 0,
        signal: null,
        stdout: "status of alpha\n",
        stderr: "\ufffd\n",
        timedOut: false,
      },
    });
    expect(b.kind === "done" && b.result.exitCode).toBe(1);
    expect(b.kind === "done" && b.result.stdout).toBe("status of missing\n");
  });

  it("refuses what it does not run; says no-forward or no-server when nothing answers", async () => {
    const { socket, done } = await start();
    const tail: QuickRequest = { v, op: "cli", argv: ["tail", "x", "-f"] };
    expect(await askResident(socket, tail, opts)).toMatchObject({ kind: "refused" });
    expect(await askResident(join(socket, "..", "none.sock"), status("a"), opts)).toEqual({
      kind: "no-forward",
    });
    const stopped = await askResident(socket, { v, op: "stop" }, opts);
    expect(stopped.kind === "done" && stopped.result.exitCode).toBe(0);
    await done;
    // Its socket went with it.
    expect(await askResident(socket, status("a"), opts)).toEqual({ kind: "no-forward" });
  });

  it("remembers per host what it learned, and reads nothing it does not trust", () => {
    const dir = mkdtempSync(join(tmpdir(), "amx-res-"));
    dirs.push(dir);
    const file = join(dir, "k.json");
    expect(readState(file)).toEqual({});
    writeState(file, { remote: "/h/s.sock", failures: 1 });
    expect(readState(file)).toEqual({ remote: "/h/s.sock", failures: 1 });
    writeState(file, { remote: "/h/a:b.sock" });
    expect(readState(file)).toEqual({});
    expect(statSync(file).mode & 0o777).toBe(0o600);
    privateDir(join(dir, "p"));
    expect(statSync(join(dir, "p")).mode & 0o777).toBe(0o700);
  });
});
