import type { CommandDecl } from "../options/types.js";
import { ack } from "./ack.js";
import { attach } from "./attach.js";
import { completion } from "./completion.js";
import { demo } from "./demo.js";
import { doctor } from "./doctor.js";
import { heartbeat } from "./heartbeat.js";
import { finish, loopDriver } from "./internal.js";
import { host, remoteServe } from "./host.js";
import { kill } from "./kill.js";
import { loop } from "./loop.js";
import { ls } from "./ls.js";
import { notify } from "./notify.js";
import { mcp } from "./mcp.js";
import { restart } from "./restart.js";
import { rm } from "./rm.js";
import { run } from "./run.js";
import { status } from "./status.js";
import { tail } from "./tail.js";
import { usage } from "./usage.js";
import { verify } from "./verify.js";
import { wait } from "./wait.js";
import { watch } from "./watch.js";
import { web } from "./web.js";

/**
 * Every command's declaration, in the order `agentmux --help` lists them.
 * Plain data only: importing this must never load a command module.
 */
export const DECLARATIONS: readonly CommandDecl[] = [
  run,
  loop,
  ls,
  status,
  wait,
  tail,
  attach,
  kill,
  ack,
  restart,
  rm,
  verify,
  usage,
  heartbeat,
  watch,
  notify,
  web,
  mcp,
  demo,
  doctor,
  host,
  completion,
  finish,
  loopDriver,
  remoteServe,
];

export function declarationOf(name: string): CommandDecl | undefined {
  return DECLARATIONS.find((d) => d.name === name);
}
