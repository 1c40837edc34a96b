import type { ElsewhereLive } from "../governor/governor.js";
import type { Context } from "../sessions/context.js";
import type { HostRow } from "../store/hosts.js";
import { elsewhereFrom, liveByAgent, type HostCount } from "./fleet-count.js";
import { listHost } from "./list.js";

/**
 * The account's live runs on the registered hosts, for the launch governor
 * on this machine (the coordinator: launches here and `--host` launches
 * from here both ask). Every host is asked in parallel (`ls --json` over
 * its shared connection: one round trip when warm) with a short deadline;
 * a host that does not answer counts with its last known number. Asked
 * rather than read from the monitor's event channels: those exist only for
 * hosts with runs followed from here, while a limit must count every host.
 */
export const FLEET_DEADLINE_MS = 2_500;
const CONNECT_TIMEOUT_S = 2;

async function askCount(ctx: Context, host: HostRow): Promise<HostCount> {
  const store = ctx.store();
  const r = await listHost(ctx, host, {
    deadlineMs: FLEET_DEADLINE_MS,
    connectTimeoutS: CONNECT_TIMEOUT_S,
  });
  if (r.sessions === null) {
    return { host: host.name, reachable: false, lastKnown: store.hostLive(host.name) };
  }
  const live = liveByAgent(r.sessions);
  store.setHostLive(host.name, { live, at: new Date().toISOString() });
  return { host: host.name, reachable: true, live };
}

/** `agent`'s live runs on every registered host (0 and no note without hosts). */
export async function countElsewhere(ctx: Context, agent: string): Promise<ElsewhereLive> {
  const hosts = ctx.store().listHosts();
  if (hosts.length === 0) return { live: 0, note: null };
  const counts = await Promise.all(hosts.map((h) => askCount(ctx, h)));
  return elsewhereFrom(agent, counts);
}
