import { createServer, type IncomingMessage } from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { FAKE_AGENT, World, waitFor } from "../helpers/cli.js";
import { tempRepo } from "../helpers/git.js";

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

describe("notifications and daily notes", () => {
  it("posts a webhook with a text field when the run ends", async () => {
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      void body(req).then((b) => {
        received.push(JSON.parse(b));
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    const w = new World();
    const repo = tempRepo();
    await w.cli([
      "run",
      "cmd",
      "--name",
      "hooked",
      "--cwd",
      repo,
      "--webhook",
      `http://127.0.0.1:${port}/hook`,
      "--",
      FAKE_AGENT,
      "write:a=1",
      "commit:one",
    ]);
    await waitFor("webhook", () => received.length > 0);
    const event = received[0] as {
      text: string;
      event: { name: string; state: string; verdict: string };
    };
    expect(event.text).toMatch(
      /^agentmux: hooked succeeded \(exit 0\) after .* · 1 commit · 0 uncommitted · verified/,
    );
    expect(event.event).toMatchObject({ name: "hooked", state: "succeeded", verdict: "verified" });
  });

  it("keeps an undeliverable notification pending instead of dropping it", async () => {
    const w = new World();
    const repo = tempRepo();
    // A port that was just closed: connection refused.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    await w.cli([
      "run",
      "cmd",
      "--name",
      "unheard",
      "--cwd",
      repo,
      "--webhook",
      `http://127.0.0.1:${port}/`,
      "--",
      FAKE_AGENT,
      "exit:0",
    ]);
    const s = await w.waitEnded("unheard");
    expect(s.state).toBe("succeeded");
    const db = new Database(join(w.stateDir, "agentmux.db"), { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    const rows = await waitFor("a failed attempt", () => {
      const r = db.prepare("select state, attempts, last_error from notifications").all() as {
        state: string;
        attempts: number;
        last_error: string;
      }[];
      return r.length === 1 && r[0]!.attempts > 0 && r[0]!.state !== "sending" ? r : undefined;
    });
    expect(rows[0]).toMatchObject({ state: "pending" });
    expect(rows[0]!.last_error).toMatch(/ECONNREFUSED|refused|fetch failed/i);
  });

  it("adds a line to the daily notes at launch and updates it at the end, leaving the rest alone", async () => {
    const w = new World();
    const repo = tempRepo();
    const journal = join(w.root, "memory");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(journal);
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    const file = join(journal, `${day}.md`);
    const before = "# Notes\n\nBought milk.\n";
    writeFileSync(file, before);
    await w.cli([
      "run",
      "cmd",
      "--name",
      "noted",
      "--cwd",
      repo,
      "--journal",
      journal,
      "--",
      FAKE_AGENT,
      "write:n=1",
      "commit:noted",
    ]);
    await w.waitEnded("noted");
    const text = await waitFor("the end line", () => {
      const t = readFileSync(file, "utf8");
      return /noted.*succeeded/.test(t) ? t : undefined;
    });
    expect(text.startsWith(before)).toBe(true);
    expect(text).toContain("## Active Long-Running Processes");
    const lines = text.split("\n").filter((l) => l.includes("**noted**"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/exit 0/);
    expect(readdirSync(journal)).toEqual([`${day}.md`]);
  });
});

describe("notification environment", () => {
  it("runs notification commands with the launching call's PATH, not the tmux server's", async () => {
    const w = new World();
    const repo = tempRepo();
    const { mkdirSync, writeFileSync, existsSync } = await import("node:fs");
    // The first session starts the tmux server with the plain PATH.
    await w.cli(["run", "cmd", "--name", "first", "--cwd", repo, "--", FAKE_AGENT, "exit:0"]);
    await w.waitEnded("first");
    const bin = join(w.root, "bin");
    mkdirSync(bin);
    const marker = join(w.root, "pinged");
    writeFileSync(join(bin, "ping-me"), `#!/bin/sh\nprintf '%s' "$1" > '${marker}'\n`, {
      mode: 0o755,
    });
    await w.cli(
      [
        "run",
        "cmd",
        "--name",
        "second",
        "--cwd",
        repo,
        "--notify-cmd",
        "ping-me {name}",
        "--",
        FAKE_AGENT,
        "exit:0",
      ],
      {
        env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
      },
    );
    // The shell creates the file before printf writes to it: wait for its content.
    const pinged = await waitFor("the notification", () =>
      existsSync(marker) && readFileSync(marker, "utf8") !== ""
        ? readFileSync(marker, "utf8")
        : null,
    );
    expect(pinged).toBe("second");
  });
});
