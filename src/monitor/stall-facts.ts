import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { statusSnapshot } from "../git/git.js";
import type { TmuxClient } from "../tmux/client.js";
import { normalizeScreen } from "./stall.js";

/**
 * The facts stall detection compares, gathered from the real system. Each is
 * cheap on its own; the pass gathers the expensive ones (screen capture, git)
 * only when the cheap ones did not already show progress.
 */

const sha1 = (s: string): string => createHash("sha1").update(s).digest("hex");

/** Linux's USER_HZ; node has no sysconf, and every mainstream kernel uses 100. */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU ticks (utime+stime+cutime+cstime) summed per process group, from one
 * scan of /proc. One scan serves every session of a pass. Empty without /proc.
 */
export function cpuTicksByGroup(): Map<number, number> {
  const byGroup = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return byGroup; // no /proc (macOS): CPU is unknown, the other facts decide
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited during the scan
    }
    // comm may hold spaces and parentheses: fields resume after the last ')'.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pgrp = Number(f[2]);
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    if (Number.isFinite(pgrp) && Number.isFinite(ticks)) {
      byGroup.set(pgrp, (byGroup.get(pgrp) ?? 0) + ticks);
    }
  }
  return byGroup;
}

export function logMtimeMs(path: string | null): number | null {
  if (!path) return null;
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null; // no output yet
  }
}

/** Hash of the pane's last 200 lines, spinners and counters removed; null if the pane is gone. */
export async function screenHash(tmux: TmuxClient, name: string): Promise<string | null> {
  try {
    return sha1(normalizeScreen(await tmux.capturePane(name, 200)));
  } catch {
    return null; // the session went away: the pass reconciles it next
  }
}

const MAX_FILES = 2_000;
const SKIP_DIRS = new Set([".git", "node_modules"]);

/**
 * Hash of the working tree's state: in git, `git status` plus each dirty
 * file's size and mtime (a file rewritten again stays "modified" but moves);
 * elsewhere the mtimes of up to MAX_FILES files under cwd.
 */
export async function treeHash(cwd: string): Promise<string | null> {
  try {
    const snap = await statusSnapshot(cwd);
    if (snap.isRepo) {
      const top = snap.files.slice(0, MAX_FILES).map((f) => `${f} ${statKey(join(cwd, f))}`);
      // Paths are repo-relative: a cwd below the top level may miss a few, which only
      // makes the stall check less sensitive, never wrong about progress.
      return sha1(`${snap.head ?? ""}\n${top.join("\n")}`);
    }
  } catch {
    // git missing or failing: fall back to mtimes
  }
  const parts: string[] = [];
  walk(cwd, "", parts);
  return sha1(parts.join("\n"));
}

function statKey(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return "-"; // deleted
  }
}

function walk(root: string, rel: string, out: string[]): void {
  if (out.length >= MAX_FILES) return;
  let entries;
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return; // unreadable directory: skipped
  }
  for (const e of entries) {
    if (out.length >= MAX_FILES) return;
    const path = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(root, path, out);
    } else {
      out.push(`${path} ${statKey(join(root, path))}`);
    }
  }
}
