/**
 * The JSON the page reads: `ls --json` / `status --json` elements and the
 * history endpoint. Optional fields are ones some agentmux versions add
 * (token usage, cost, new states); the page shows them when present.
 */
export interface Diagnosis {
  code: string;
  summary: string;
  fix?: string;
  resetAt?: string;
}

export interface Evidence {
  isRepo: boolean;
  startCommit: string | null;
  headCommit: string | null;
  commits: { sha: string; subject: string }[];
  filesChanged: string[];
  uncommitted: string[];
  diffStat?: { insertions?: number; deletions?: number; files?: number } | string;
  prd?: { ticks?: { text: string; backed: boolean }[] };
  tail?: string[];
}

export interface LoopItem {
  text: string;
  state: string;
  attempts: number;
  commits: number;
  checkPassed: boolean | null;
  reason: string | null;
}

export interface Session {
  name: string;
  /** The registered host it runs on; absent: this machine. */
  host?: string;
  kind: string;
  agent: string;
  state: string;
  exitCode: number | null;
  signal: string | null;
  cwd: string | null;
  command: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  lastOutputAt: string | null;
  runs: number;
  run: number | null;
  endReason: string | null;
  evidence: Evidence | null;
  verdict: string | null;
  diagnosis: Diagnosis | null;
  foreign: boolean;
  fix?: string | null;
  attention?: boolean;
  loop?: {
    total: number;
    done: number;
    failed: number;
    pending: number;
    iteration?: number;
    currentItem?: string | null;
    items?: (LoopItem & { usage?: Usage | null })[];
    usage?: Usage | null;
  };
  usage?: Usage | null;
}

/** `usage` of status --json: tokens (null = not reported) and cost. */
export interface Usage {
  input?: number | null;
  output?: number | null;
  model?: string | null;
  cost?: { usd: number | null; basis: string };
  [key: string]: unknown;
}

export interface RunInfo {
  run: number;
  state: string;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  endReason: string | null;
  verdict: string | null;
  diagnosis: Diagnosis | null;
  commits: number | null;
  filesChanged: number | null;
  usage?: Usage | null;
}

export interface Iteration {
  run: number | null;
  item: string;
  itemIndex: number;
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  signal: string | null;
  outcome: string;
  counted: boolean;
  reason: string | null;
  usage?: Usage | null;
}

export interface Notification {
  run: number;
  channel: string;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface History {
  runs: RunInfo[];
  iterations: Iteration[];
  notifications: Notification[];
}

/** A registered host as the dashboard last heard from it (the `hosts` event). */
export interface HostState {
  host: string;
  reachable: boolean;
  error?: string;
  answeredAt: string | null;
}

export interface FleetView {
  hosts: HostState[];
  sessions: Session[];
}

/** GET /api/hosts/HOST/sessions/NAME: a remote session's status and the end of its output. */
export interface RemoteSession {
  host: string;
  status: Session;
  tail: string;
}
