import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../test/helpers/cli.js";
import { tempDir } from "../../test/helpers/tmp.js";
import { privateTmuxSocket } from "../../test/helpers/tmux.js";
import { AgentmuxError } from "../util/errors.js";
import { TmuxClient, type TmuxPane } from "./client.js";

const MARK = "run=1 home=/test-state";

/** A pane command: sh script plus its $0 and arguments (2+ argv elements). */
const sh = (script: string, ...args: string[]): string[] => ["sh", "-c", script, "sh", ...args];

/** A session of agentmux's (marked) whose command just sleeps, for tests about names and listing. */
function sleeping(tmux: TmuxClient, name: string): Promise<unknown> {
  return tmux.newSession({ name, command: sh("sleep 600"), logPath: "/dev/null", mark: MARK });
}

/**
 * Wait until the pane is dead and tmux has reaped its process (status or
 * signal known). tmux 3.3a sometimes misses the SIGCHLD (the libutempter
 * race): like agentmux itself (reconcile.ts), send the server one to reap.
 */
async function deadPane(tmux: TmuxClient, name: string): Promise<TmuxPane> {
  return waitFor(`pane of ${name} to be dead`, async () => {
    const pane = (await tmux.listPanes()).find((p) => p.sessionName === name && p.dead);
    if (pane === undefined) return undefined;
    if (pane.deadStatus !== null || pane.deadSignal !== null) return pane;
    const server = await tmux.serverPid();
    if (server !== null) process.kill(server, "SIGCHLD");
    return undefined;
  });
}

function logHas(path: string, text: string): Promise<string> {
  return waitFor(`${text} in ${path}`, () => {
    const log = existsSync(path) ? readFileSync(path, "utf8") : "";
    return log.includes(text) ? log : null;
  });
}

/** tmux run by hand, as a user would (for sessions agentmux did not start). */
function tmuxCli(socket: string, ...args: string[]): string {
  return execFileSync("tmux", ["-u", "-S", socket, ...args], { encoding: "utf8" });
}

describe("TmuxClient without a server", () => {
  it("lists nothing, has no pid and finds no session", async () => {
    const tmux = new TmuxClient(privateTmuxSocket());
    expect(await tmux.listSessions()).toEqual([]);
    expect(await tmux.listPanes()).toEqual([]);
    expect(await tmux.listUnmarkedPanes()).toEqual({ names: [], marked: new Set(), panes: [] });
    expect(await tmux.serverPid()).toBeNull();
    expect(await tmux.hasSession("a")).toBe(false);
    expect(await tmux.killSession("a")).toBe(false);
    await tmux.killServer();
  });

  it("lists nothing when even the socket's directory is missing", async () => {
    const tmux = new TmuxClient(join(tempDir(), "missing", "sock"));
    expect(await tmux.listSessions()).toEqual([]);
    expect(await tmux.listPanes()).toEqual([]);
  });

  it("fails newSession loudly, naming the socket, when tmux cannot create it", async () => {
    // tmux 3.3 exits 0 here and only prints "error creating ...".
    const socket = join(tempDir(), "missing", "sock");
    const err = await new TmuxClient(socket)
      .newSession({ name: "a", command: sh("true"), logPath: "/dev/null", mark: MARK })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentmuxError);
    expect((err as AgentmuxError).code).toBe("tmux");
    expect((err as AgentmuxError).message).toContain(`on socket ${socket}: error creating`);
    expect((err as AgentmuxError).hint).toMatch(/directory exists/);
  });
});

describe("TmuxClient on a private server", () => {
  it("keeps a pane that exited, with its status, output and log", async () => {
    const socket = privateTmuxSocket();
    const log = join(tempDir(), "out.log");
    const tmux = new TmuxClient(socket);
    const started = Date.now();
    const created = await tmux.newSession({
      name: "agent-1",
      command: sh('printf "out:%s\\n" "$1"; exit 7', "hello"),
      logPath: log,
      mark: MARK,
      width: 100,
      height: 30,
    });
    const tookMs = Date.now() - started;
    expect(created.sessionId).toMatch(/^\$\d+$/);
    expect(created.paneId).toMatch(/^%\d+$/);
    expect(created.panePid).toBeGreaterThan(0);
    expect(tookMs).toBeGreaterThanOrEqual(0); // measured for the report, not asserted

    const pane = await deadPane(tmux, "agent-1");
    expect(pane).toMatchObject({
      sessionId: created.sessionId,
      paneId: created.paneId,
      panePid: created.panePid,
      dead: true,
      deadStatus: 7,
      deadSignal: null,
    });
    expect(pane.deadAt).toBeInstanceOf(Date);
    expect(pane.activityAt).toBeInstanceOf(Date);
    expect(await logHas(log, "out:hello")).toMatch(/^out:hello\r?\n$/);
    expect(await tmux.capturePane("agent-1", 10)).toBe("out:hello");
    expect(await tmux.hasSession("agent-1")).toBe(true);
    const [session] = await tmux.listSessions();
    expect(session).toMatchObject({
      id: created.sessionId,
      name: "agent-1",
      attached: 0,
      windows: 1,
    });
    expect(await tmux.serverPid()).toBeGreaterThan(0);
  });

  it("lists the user's panes in full and agentmux's sessions by name only", async () => {
    const socket = privateTmuxSocket();
    const tmux = new TmuxClient(socket);
    await sleeping(tmux, "ours");
    tmuxCli(socket, "new-session", "-d", "-s", "build", "sleep", "600");
    tmuxCli(socket, "split-window", "-t", "=build:", "sleep", "600");
    const listing = await tmux.listUnmarkedPanes();
    expect(listing.names).toEqual(["build", "build", "ours"]);
    expect([...listing.marked]).toEqual(["ours"]);
    // The user's panes with every fact listPanes gives.
    const all = await tmux.listPanes();
    expect(listing.panes).toEqual(all.filter((p) => p.sessionName === "build"));
    expect(listing.panes).toHaveLength(2);
  });

  it("records a signal death", async () => {
    const tmux = new TmuxClient(privateTmuxSocket());
    await tmux.newSession({
      name: "sig",
      command: sh("kill -TERM $$"),
      logPath: "/dev/null",
      mark: MARK,
    });
    expect(await deadPane(tmux, "sig")).toMatchObject({ deadStatus: null, deadSignal: 15 });
  });

  it("targets exact names: agent-1 never hits agent-10", async () => {
    const tmux = new TmuxClient(privateTmuxSocket());
    await sleeping(tmux, "agent-10");
    expect(await tmux.hasSession("agent-1")).toBe(false);
    expect(await tmux.hasSession("agent")).toBe(false);
    expect(await tmux.killSession("agent-1")).toBe(false);
    await sleeping(tmux, "agent-1");
    expect(await tmux.killSession("agent-1")).toBe(true);
    expect((await tmux.listSessions()).map((s) => s.name)).toEqual(["agent-10"]);
    await expect(tmux.capturePane("agent-1", 5)).rejects.toThrow(
      /tmux capture-pane failed on socket/,
    );
  });

  it("refuses a duplicate name with the reason and a hint", async () => {
    const socket = privateTmuxSocket();
    const tmux = new TmuxClient(socket);
    await sleeping(tmux, "dup");
    const err = (await tmux
      .newSession({ name: "dup", command: sh("sleep 600"), logPath: "/dev/null", mark: MARK })
      .catch((e: unknown) => e)) as AgentmuxError;
    expect(err.message).toBe(`tmux new-session failed on socket ${socket}: duplicate session: dup`);
    expect(err.hint).toMatch(/kill it or pick another name/);
  });

  it("runs nothing hidden in names, paths or arguments", async () => {
    const dir = tempDir();
    // tmux runs #(...) jobs and pipe-pane in the client's (= the server's) directory.
    const tmux = new TmuxClient(privateTmuxSocket(), {
      cwd: dir,
      env: { ...process.env, HOME: dir },
    });
    const canary = (n: number): string => join(dir, `canary${n}`);
    expect(dir).not.toMatch(/[.:]/); // would be rewritten in a session name
    const name = `x #{pid} #(touch ${canary(1)}) '"$(touch ${canary(2)}) \`touch ${canary(3)}\` %s #[x];`;
    const logDir = join(dir, "log dir #{pid} %Y");
    mkdirSync(logDir);
    // A file name cannot hold "/", so these canaries are relative to dir.
    const log = join(logDir, `o #(touch canary4) it's "$(touch canary5)" \`x\` %s %% #[a] ;a;`);
    const args = ["#{pid}", `#(touch ${canary(6)})`, "ends;", ";", "\\;", "$(x) 'q' %s"];
    await tmux.newSession({
      name,
      command: sh('printf "[%s]\\n" "$@"', ...args),
      logPath: log,
      mark: MARK,
    });

    const want = args.map((a) => `[${a}]`).join("\r\n");
    expect(await logHas(log, want)).toBe(`${want}\r\n`);
    const pane = await deadPane(tmux, name);
    expect(pane.deadStatus).toBe(0);
    expect((await tmux.listSessions()).map((s) => s.name)).toEqual([name]);
    expect(await tmux.hasSession(name)).toBe(true);
    await tmux.setSessionOption(name, "@agentmux-note", "-g #{pid};");
    expect(
      tmuxCli(tmux.socketPath, "show-options", "-v", "-t", `=${name}:`, "@agentmux-note"),
    ).toBe("-g #{pid};\n");
    expect(await tmux.killSession(name)).toBe(true);
    // The exact texts above prove nothing was expanded; the canaries are a
    // second net (a leaked #() job is asynchronous and may be cut short).
    expect(readdirSync(dir)).toEqual(["log dir #{pid} %Y"]);
    for (let n = 1; n <= 6; n++) expect(existsSync(canary(n))).toBe(false);
  });

  it("sets options per session and window, never globally", async () => {
    const socket = privateTmuxSocket();
    const tmux = new TmuxClient(socket);
    await sleeping(tmux, "a");
    await sleeping(tmux, "b");
    await tmux.setSessionOption("a", "@agentmux-run", "42");
    await tmux.setWindowOption("a", "@agentmux-win", "w");
    expect(tmuxCli(socket, "show-options", "-v", "-t", "=a:", "@agentmux-run")).toBe("42\n");
    expect(tmuxCli(socket, "show-options", "-wv", "-t", "=a:", "@agentmux-win")).toBe("w\n");
    expect(tmuxCli(socket, "show-options", "-wv", "-t", "=a:", "remain-on-exit")).toBe("on\n");
    // -q: an unset user option prints nothing instead of failing.
    expect(tmuxCli(socket, "show-options", "-qv", "-t", "=b:", "@agentmux-run")).toBe("");
    expect(tmuxCli(socket, "show-options", "-gqv", "@agentmux-run")).toBe("");
    expect(tmuxCli(socket, "show-options", "-gqwv", "@agentmux-win")).toBe("");
  });

  it("lists sessions it did not start with their names intact", async () => {
    const socket = privateTmuxSocket();
    const tmux = new TmuxClient(socket);
    // Typed by hand: spaces, unicode, a tab; tmux 3.3 stores the tab as "\t"
    // and rewrites ":" and "." to "_".
    const typed = ["my agent", "ünï 😀 \"q'", "tab\there", "x:y.z"];
    for (const n of typed) tmuxCli(socket, "new-session", "-d", "-s", n, "sleep", "600");
    const stored = ["my agent", "ünï 😀 \"q'", "tab\\there", "x_y_z"];
    const sessions = await tmux.listSessions();
    expect(sessions.map((s) => s.name).sort()).toEqual([...stored].sort());
    const panes = await tmux.listPanes();
    expect(panes.map((p) => p.sessionName).sort()).toEqual([...stored].sort());
    expect(panes.every((p) => !p.dead && p.deadStatus === null)).toBe(true);
    for (const n of stored) expect(await tmux.hasSession(n)).toBe(true);
    expect(await tmux.killSession("tab\\there")).toBe(true);
    expect(await tmux.listSessions()).toHaveLength(3);
  });

  it("answers [] again after the server is gone", async () => {
    const tmux = new TmuxClient(privateTmuxSocket());
    await sleeping(tmux, "a");
    await tmux.killServer();
    expect(await tmux.listPanes()).toEqual([]);
    expect(await tmux.listUnmarkedPanes()).toEqual({ names: [], marked: new Set(), panes: [] });
    expect(await tmux.serverPid()).toBeNull();
  });
});

describe("ensureSocketDir", () => {
  it("creates a missing directory 0700", () => {
    const socket = join(tempDir(), "a", "b", "sock");
    const res = new TmuxClient(socket).ensureSocketDir();
    expect(res).toEqual({ dir: dirname(socket), created: true, warning: null });
    expect(statSync(dirname(socket)).mode & 0o777).toBe(0o700);
  });

  it("leaves an existing directory's mode alone and warns when others can write it", () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const res = new TmuxClient(join(dir, "sock")).ensureSocketDir();
    expect(res.created).toBe(false);
    expect(res.warning).toContain(`${dir} is writable by its group and everyone`);
    expect(statSync(dir).mode & 0o777).toBe(0o777);
    chmodSync(dir, 0o700);
    expect(new TmuxClient(join(dir, "sock")).ensureSocketDir().warning).toBeNull();
  });
});

describe("attachArgs", () => {
  it.each([
    ["outside tmux", undefined, "attach-session"],
    ["inside tmux on another socket", "/tmp/other,123,0", "attach-session"],
    ["inside tmux on this socket", "SOCKET,123,0", "switch-client"],
  ])("%s uses %s", (_label, tmuxVar, verb) => {
    const socket = join(tempDir(), "s,with,commas");
    const env = { PATH: "/bin", ...(tmuxVar ? { TMUX: tmuxVar.replace("SOCKET", socket) } : {}) };
    const cmd = new TmuxClient(socket).attachArgs("agent-1", env);
    expect(cmd.command).toBe("tmux");
    expect(cmd.args).toEqual(["-u", "-S", socket, verb, "-t", "=agent-1"]);
    expect(cmd.env.TMUX).toBe(verb === "switch-client" ? env.TMUX : undefined);
    expect(cmd.env.PATH).toBe("/bin");
  });
});
