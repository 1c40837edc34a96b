#!/usr/bin/env node
import { runCli, type Commands } from "./entry.js";

/**
 * The entry of every command (dist/bin/bundle.js). `ls` also has one of its
 * own (ls-main.ts). Every command here has a declaration in ./declarations/
 * (a test checks).
 */
const COMMANDS: Commands = {
  run: () => import("./commands/run.js"),
  loop: () => import("./commands/loop.js"),
  ls: () => import("./commands/ls.js"),
  status: () => import("./commands/status.js"),
  wait: () => import("./commands/wait.js"),
  tail: () => import("./commands/tail.js"),
  attach: () => import("./commands/attach.js"),
  kill: () => import("./commands/kill.js"),
  ack: () => import("./commands/ack.js"),
  restart: () => import("./commands/restart.js"),
  rm: () => import("./commands/rm.js"),
  verify: () => import("./commands/verify.js"),
  usage: () => import("./commands/usage.js"),
  demo: () => import("./commands/demo.js"),
  doctor: () => import("./commands/doctor.js"),
  heartbeat: () => import("./commands/heartbeat.js"),
  watch: () => import("./commands/watch.js"),
  web: () => import("./commands/web.js"),
  completion: () => import("./commands/completion.js"),
  notify: () => import("./commands/notify.js"),
  mcp: () => import("./commands/mcp.js"),
  host: () => import("./commands/host.js"),
  _remote: () => import("./commands/remote-serve.js"),
  _finish: () => import("./commands/finish.js"),
  _loop: () => import("./commands/loop-driver.js"),
};

runCli(COMMANDS);
