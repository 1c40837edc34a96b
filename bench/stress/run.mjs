#!/usr/bin/env node
// `npm run stress -- NAME [options]`: the stress and fault-injection scripts,
// kept out of the unit suite (minutes each, machine-wide load). Each prints
// JSON lines.
//   server-death [--sessions N] [--monitor]   N running sessions, tmux server SIGKILLed
//   faults [--rounds N]                       SIGKILLs at random moments of run, supervisor, finisher, watch, heartbeat
//   fuzz                                      10,000 hostile inputs: canary executions, mismatched bytes
//   escape                                    setsid'd daemons left after end, kill, server death
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [name, ...rest] = process.argv.slice(2);
const scripts = {
  "server-death": "server-death.mjs",
  faults: "faults.mjs",
  fuzz: "../fuzz.mjs",
  escape: "../escape.mjs",
};
const script = scripts[name];
if (script === undefined) {
  console.error(`usage: npm run stress -- ${Object.keys(scripts).join("|")} [options]`);
  process.exit(2);
}
const r = spawnSync(
  process.execPath,
  [join(dirname(fileURLToPath(import.meta.url)), script), ...rest],
  {
    stdio: "inherit",
  },
);
process.exit(r.status ?? 1);
