/**
 * agentmux as a library: the use cases the CLI, the dashboard and the MCP
 * server share. Every function takes a plain object and returns the same
 * JSON shape as the matching CLI command's `--json`; errors are
 * AgentmuxError (`code`, `message` naming the bad value, `hint`).
 *
 *   import { run, wait } from "agentmux";
 *   const s = await run({ agent: "codex", prompt: "Fix the login bug", cwd: "/src/app" });
 *   const { status } = await wait({ name: s.name, timeoutMs: 3_600_000 });
 */
import { countHostsToo } from "./fleet.js";

// A concurrency limit counts the account's runs on the registered hosts too.
countHostsToo();

export type { ApiOptions } from "./context.js";
export type { SessionInput } from "./inputs.js";
export { run, loop, type RunInput, type LoopInput } from "./launch.js";
export { list } from "./list.js";
export { status } from "./status.js";
export { verify, kill, restart, remove, type VerifyJson, type RemoveJson } from "./sessions.js";
export { tail, type TailInput, type TailJson } from "./tail.js";
export { wait, waitExitCode, WAIT_EXIT, type WaitInput, type WaitResult } from "./wait.js";
export { events, type EventsOptions, type SessionEvent } from "./events.js";
export { heartbeat, doctor, type DoctorJson } from "./monitor.js";
export { usage, type UsageInput, type UsageReport, type UsageGroup } from "./usage.js";
export type { UsageJson, Cost, CostBasis, Tokens } from "../usage/types.js";
export { AgentmuxError, isAgentmuxError, type ErrorCode } from "../util/errors.js";
export type { StatusJson, LoopView } from "../sessions/view.js";
export type { Diagnosis } from "../diagnose/types.js";
export type { RunState } from "../sessions/lifecycle.js";
export type { Evidence, Verdict } from "../verify/types.js";
export type { PassReport } from "../monitor/heartbeat.js";
export type { DoctorCheck } from "../doctor/doctor.js";
