import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { World, waitFor, type Status } from "../helpers/cli.js";
import { privateTmuxSocket } from "../helpers/tmux.js";
import { startWatch, watchReady, type WatchProc } from "./monitor-helpers.js";

/** Several agentmux state directories (and the user) on one tmux socket. */

function tmux(socket: string, ...args: string[]): string {
  return execFileSync("tmux", ["-S", socket, ...args], { encoding: "utf8" });
}

function serverPid(socket: string): number {
  return Number(tmux(socket, "display-message", "-p", "#{pid}").trim());
}

function panePid(socket: string, name: string): number {
  return Number(tmux(socket, "list-panes", "-t", `=${name}:`, "-F", "#{pane_pid}").trim());
}

/**
 * Puts the Worlds on one private tmux socket. Make the Worlds first: a
 * test's finishing hooks run last-registered first, so the shared server is
 * then stopped before each World waits for its processes (its panes') to end.
 */
function onOneSocket(worlds: World[]): string {
  const socket = privateTmuxSocket();
  for (const w of worlds) w.env.AGENTMUX_SOCKET = socket;
  return socket;
}

describe("sessions agentmux did not start", () => {
  it("are never killed or replaced: a name held by the user or another state directory is refused", async () => {
    const [a, b] = [new World(), new World()];
    const socket = onOneSocket([a, b]);
    tmux(socket, "new-session", "-d", "-s", "build", "sleep", "600");
    const userPid = panePid(socket, "build");

    const r = await a.cli(["run", "cmd", "--name", "build", "--", "true"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/tmux session "build" on .* was not started by agentmux/);
    expect(r.stderr).toMatch(/--name build-2/);
    expect(panePid(socket, "build")).toBe(userPid);
    // Nothing recorded: ls shows the user's session as foreign only.
    const ls = await a.json<Status[]>(["ls"]);
    expect(ls.filter((s) => s.name === "build").map((s) => s.foreign)).toEqual([true]);

    // The monitor's old session name is reserved.
    const reserved = await a.cli(["run", "cmd", "--name", "agentmux-monitor", "--", "true"]);
    expect(reserved.code).not.toBe(0);
    expect(reserved.stderr).toMatch(/"agentmux-monitor" is reserved/);

    // Another state directory's session: refused the same way, and untouched.
    await b.cli(["run", "cmd", "--name", "theirs", "--", "sleep", "600"]);
    await b.waitStatus("theirs", (s) => s.state === "running");
    const theirPid = panePid(socket, "theirs");
    const other = await a.cli(["run", "cmd", "--name", "theirs", "--", "true"]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/belongs to another agentmux state directory/);
    expect(panePid(socket, "theirs")).toBe(theirPid);

    // Every session agentmux creates carries its mark: state directory and run.
    expect(tmux(socket, "show-options", "-v", "-t", "=theirs:", "@agentmux").trim()).toMatch(
      new RegExp(`^run=\\d+ home=${b.stateDir}$`),
    );

    // A finished session whose name the user then took: rm forgets it, kills nothing,
    // and restart refuses rather than replacing the user's session.
    await a.cli(["run", "cmd", "--name", "mine", "--", "true"]);
    await a.waitEnded("mine");
    tmux(socket, "kill-session", "-t", "=mine");
    tmux(socket, "new-session", "-d", "-s", "mine", "sleep", "600");
    const usersMine = panePid(socket, "mine");
    const restart = await a.cli(["restart", "mine"]);
    expect(restart.code).not.toBe(0);
    expect(restart.stderr).toMatch(/tmux session "mine" .* was not started by agentmux/);
    expect((await a.cli(["rm", "mine"])).code).toBe(0);
    expect(panePid(socket, "mine")).toBe(usersMine);
  });

  it("ls lists the others' sessions with their panes, whether or not a run of its own is live", async () => {
    const [a, b] = [new World(), new World()];
    const socket = onOneSocket([a, b]);
    tmux(socket, "new-session", "-d", "-s", "build", "sleep", "600");
    await b.cli(["run", "cmd", "--name", "theirs", "--", "sleep", "600"]);
    await b.waitStatus("theirs", (s) => s.state === "running");
    await a.cli(["run", "cmd", "--name", "done", "--", "true"]);
    await a.waitEnded("done");
    const foreign = async () =>
      (await a.json<Status[]>(["ls"]))
        .filter((s) => s.foreign)
        .map((s) => ({ name: s.name, pid: s.pid, dead: s.tmux?.paneDead }));
    const want = [
      { name: "build", pid: panePid(socket, "build"), dead: false },
      // Marked, but by another state directory: still someone else's, in full.
      { name: "theirs", pid: panePid(socket, "theirs"), dead: false },
    ];
    // No run of a's live: tmux is asked for the unmarked panes only, then for "theirs" in full.
    expect(await foreign()).toEqual(want);
    // A run of a's live: one full listing.
    await a.cli(["run", "cmd", "--name", "live", "--", "sleep", "600"]);
    await a.waitStatus("live", (s) => s.state === "running");
    expect(await foreign()).toEqual(want);
  });

  it("8 state directories x 10 runs on one socket with their monitors on: the server stays up, every run is recorded right", async () => {
    const worlds = Array.from({ length: 8 }, () => new World());
    const socket = onOneSocket(worlds);
    tmux(socket, "new-session", "-d", "-s", "user", "sleep", "600");
    const server = serverPid(socket);
    const watches: WatchProc[] = worlds.map((w) => startWatch(w));
    await Promise.all(watches.map(watchReady));

    const launches: Promise<unknown>[] = [];
    worlds.forEach((w, i) => {
      for (let j = 0; j < 10; j++) {
        launches.push(
          w.cli(["run", "cmd", "--name", `d${i}-r${j}`, "--", "sh", "-c", `exit ${j % 3}`]),
        );
      }
    });
    await Promise.all(launches);
    for (const [i, w] of worlds.entries()) {
      await waitFor(
        `the runs of state directory ${i} to be recorded`,
        async () => {
          const ls = (await w.json<Status[]>(["ls"])).filter((s) => !s.foreign);
          return ls.length === 10 && ls.every((s) => !["starting", "running"].includes(s.state))
            ? ls
            : null;
        },
        30_000,
      ).then((ls) => {
        for (const s of ls) {
          const j = Number(s.name.split("-r")[1]);
          expect(s, s.name).toMatchObject({
            state: j % 3 === 0 ? "succeeded" : "failed",
            exitCode: j % 3,
          });
        }
      });
    }
    expect(serverPid(socket)).toBe(server);
    expect(tmux(socket, "has-session", "-t", "=user")).toBe("");
    // Each monitor saw only its own sessions: none reported another directory's.
    for (const [i, wp] of watches.entries()) {
      const foreign = [...wp.output().matchAll(/\bd(\d)-r\d/g)].filter((m) => Number(m[1]) !== i);
      expect(foreign.map((m) => m[0])).toEqual([]);
    }
  }, 90_000);
});
