import { loadConfig, resolveSocket, type Config } from "../config/config.js";
import { openStore } from "../store/open.js";
import { ensureStateDir, stateDir } from "../store/paths.js";
import type { Store } from "../store/store.js";
import { TmuxClient } from "../tmux/client.js";

/**
 * What every use case needs, opened lazily: `ls` never pays for what it does
 * not touch. One Context per CLI invocation (or per finisher).
 */
export class Context {
  readonly env: NodeJS.ProcessEnv;
  readonly stateDir: string;
  private readonly socketFlag: string | undefined;
  private cfg: Config | undefined;
  private db: Store | undefined;
  private client: TmuxClient | undefined;

  constructor(opts: { env?: NodeJS.ProcessEnv; socket?: string; stateDir?: string } = {}) {
    this.env = opts.env ?? process.env;
    this.stateDir = opts.stateDir ?? stateDir(this.env);
    this.socketFlag = opts.socket;
  }

  config(): Config {
    this.cfg ??= loadConfig(this.env);
    return this.cfg;
  }

  store(): Store {
    if (!this.db) {
      ensureStateDir(this.stateDir);
      this.db = openStore(this.stateDir);
    }
    return this.db;
  }

  /** The socket of the user's stable server (flag, env, config, ~/.tmux/sock). */
  get socket(): string {
    return resolveSocket(this.socketFlag, this.config(), this.env);
  }

  /** tmux on a given socket (a session remembers the socket it was started on). */
  tmux(socket: string = this.socket): TmuxClient {
    if (this.client?.socketPath === socket) return this.client;
    this.client = new TmuxClient(socket);
    return this.client;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
