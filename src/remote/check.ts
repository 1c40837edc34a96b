import { readFileSync } from "node:fs";
import { run } from "../process/run.js";
import type { Context } from "../sessions/context.js";
import type { HostRow } from "../store/hosts.js";
import { settingsFor } from "./call.js";
import { probeArgs, SSH_FAILED } from "./ssh.js";

/**
 * `agentmux host check`: can this machine reach the host, and does the host
 * have what agentmux needs there? Each probe is one fixed command over the
 * shared connection (no shell syntax, so any login shell runs it).
 */
export interface CheckItem {
  name: "ssh" | "agentmux" | "tmux" | "git" | "perl";
  ok: boolean;
  /** Version text, or what went wrong. */
  detail: string;
  /** What to do about it (problems only). */
  fix?: string;
  ms: number;
}

function localVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    return pkg.version;
  } catch {
    return "unknown"; // not fatal: only the comparison is lost
  }
}

/** ssh's own complaint turned into what to do about it. */
export function sshFix(host: HostRow, stderr: string): string {
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
    return `the host key is unknown or changed: connect once by hand (ssh ${host.dest}) and check the fingerprint, or add it to ~/.ssh/known_hosts`;
  }
  if (/Permission denied/i.test(stderr)) {
    return `key login failed (agentmux uses BatchMode, no passwords): ssh-copy-id ${host.dest}, or give --identity FILE`;
  }
  if (/Could not resolve hostname/i.test(stderr)) {
    return `the name does not resolve: fix DEST or its HostName in ~/.ssh/config`;
  }
  if (/timed out|No route|unreachable|refused/i.test(stderr)) {
    return "the machine or its sshd is not reachable: is it up, is sshd running, is the port right?";
  }
  return `try ssh -v ${host.dest} to see why`;
}

const TOOLS: readonly {
  name: CheckItem["name"];
  argv: (agentmux: string) => string;
  fix: string;
}[] = [
  {
    name: "agentmux",
    argv: (a) => `${a} --version`,
    fix: "install agentmux there (npm i -g agentmux) and make sure a non-interactive shell finds it and node, or give its path with host add --agentmux PATH",
  },
  { name: "tmux", argv: () => "tmux -V", fix: "install tmux there (apt install tmux)" },
  { name: "git", argv: () => "git --version", fix: "install git there (apt install git)" },
  { name: "perl", argv: () => "perl -v", fix: "install perl there (apt install perl-base)" },
];

function firstVersionLine(name: string, text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (name === "perl") return lines.find((l) => /version|v\d/.test(l)) ?? lines[0] ?? "";
  return lines[0] ?? "";
}

export async function checkHost(ctx: Context, host: HostRow): Promise<CheckItem[]> {
  const s = settingsFor(ctx);
  const items: CheckItem[] = [];
  for (const tool of TOOLS) {
    const t0 = Date.now();
    const r = await run(s.program, probeArgs(host, s, tool.argv(host.agentmux ?? "agentmux")), {
      timeoutMs: 15_000,
      env: ctx.env,
    });
    const ms = Date.now() - t0;
    if (r.spawnError || r.exitCode === SSH_FAILED || r.timedOut) {
      const why =
        r.spawnError?.message ??
        (r.timedOut ? "no answer in 15 s" : (r.stderr.trim().split("\n").pop() ?? "ssh failed"));
      items.push({ name: "ssh", ok: false, detail: why, fix: sshFix(host, r.stderr), ms });
      return items; // nothing else can be asked
    }
    if (items.length === 0)
      items.push({ name: "ssh", ok: true, detail: `reached ${host.dest}`, ms });
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split("\n").pop() || `exit ${r.exitCode}`;
      items.push({ name: tool.name, ok: false, detail: why, fix: tool.fix, ms });
      continue;
    }
    const version = firstVersionLine(tool.name, r.stdout);
    const item: CheckItem = { name: tool.name, ok: true, detail: version, ms };
    if (tool.name === "agentmux" && version !== localVersion()) {
      item.detail = `${version} (this machine has ${localVersion()})`;
      item.fix = "the same version on both machines is safest: update the older one";
    }
    items.push(item);
  }
  return items;
}
