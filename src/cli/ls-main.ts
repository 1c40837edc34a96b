#!/usr/bin/env node
import { runCli } from "./entry.js";

/**
 * `agentmux ls` on its own (dist/bin/ls.js, chosen by dist/bin/main.js): the
 * command run most often, by people and by scripts that poll it, starts
 * without the code of every other command. With a cache of its own, that is
 * ~6 ms less at every start (docs/benchmarks.md). Everything else about it
 * is the same entry as main.ts.
 */
runCli({ ls: () => import("./commands/ls.js") });
