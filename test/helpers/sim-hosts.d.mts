export interface SimHost {
  name: string;
  ns: string;
  user: string;
  uid: number;
  home: string;
  addr: string;
  vethHost: string;
  clientNs: string;
  vethClient: string;
  sshdConfig: string;
  log: string;
  sshdPid: number | null;
}
export interface SimWorld {
  dir: string;
  clientNs: string;
  hosts: SimHost[];
  sshWrapper: string;
  sshConfig: string;
  /** AGENTMUX_SSH and AGENTMUX_SSH_CONFIG for the local agentmux. */
  env: Record<string, string>;
  teardown(): Promise<void>;
}
export const SIM_MAIN_JS: string;
export function simHostsUnavailable(): string | null;
export function createSimHosts(count: number): Promise<SimWorld>;
export function startSshd(host: SimHost): Promise<void>;
export function stopSshd(host: SimHost): Promise<void>;
export function sshdLogins(host: SimHost): number;
export function sshdSessions(host: SimHost): number;
export function processesOf(host: SimHost, words: string[]): [number, string[]][];
export function linkDown(host: SimHost): void;
export function linkUp(host: SimHost): Promise<void>;
export function pidsOfUid(uid: number): number[];
export function asHostUser(host: SimHost, argv: string[], input?: string): string;
