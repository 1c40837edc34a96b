import { mkdtemp, rmdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { loadConfig, resolveJournalDir, type Config } from "../config/config.js";
import { monitorStatus } from "../monitor/record.js";
import { DB_FILE, openStore } from "../store/open.js";
import { isAgentmuxError } from "../util/errors.js";
import { fail, pass, type DoctorCheck, type DoctorInput } from "./types.js";

/** The config file parses (every problem listed). Returns the config for the other checks. */
export function checkConfig(env: NodeJS.ProcessEnv): { check: DoctorCheck; config: Config | null } {
  try {
    const config = loadConfig(env);
    return { check: pass("config", config.path), config };
  } catch (e) {
    const hint = isAgentmuxError(e) ? e.hint : undefined;
    return {
      check: fail("config", (e as Error).message, hint ?? "fix the config file"),
      config: null,
    };
  }
}

/**
 * The store opens (and, while open, whether the monitor runs). A missing
 * state directory is fine: the first `run` creates it. A corrupt, foreign or
 * newer database is reported by path and never touched.
 */
export async function checkStoreAndMonitor(input: DoctorInput): Promise<DoctorCheck[]> {
  const path = join(input.stateDir, DB_FILE);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    return [
      pass("store", `no store yet at ${path} (created on first run)`),
      pass("monitor", "not running; no sessions yet"),
    ];
  }
  let store;
  try {
    store = openStore(input.stateDir);
  } catch (e) {
    const hint = isAgentmuxError(e) ? e.hint : undefined;
    return [fail("store", (e as Error).message, hint ?? `move ${path} aside and run again`)];
  }
  try {
    const sessions = store.listSessionsWithLatestRun();
    const live = sessions.filter(
      (s) => s.run?.state === "starting" || s.run?.state === "running",
    ).length;
    const m = monitorStatus(store, live);
    const storeCheck = pass("store", `${path} (${sessions.length} sessions, ${live} live)`);
    if (m.running)
      return [
        storeCheck,
        pass(
          "monitor",
          `agentmux watch is running (pid ${m.pid ?? "?"}, last beat ${m.lastBeatAt ?? "?"})`,
        ),
      ];
    if (live === 0) return [storeCheck, pass("monitor", "not running; no live sessions need it")];
    const when = m.lastBeatAt === null ? "has never run" : `last beat ${m.lastBeatAt}`;
    return [
      storeCheck,
      fail(
        "monitor",
        `agentmux watch is not running (${when}) while ${live} session(s) are live: a killed runner or tmux server goes unnoticed`,
        "agentmux watch (keep it running, e.g. systemd-run --user --unit agentmux-watch agentmux watch), or run agentmux heartbeat from cron",
      ),
    ];
  } finally {
    store.close();
  }
}

/**
 * Can we create a file in `dir`? Tried for real (a temp directory made and
 * removed): access(2) says yes to root everywhere, even on /proc or a
 * read-only mount.
 */
async function writableDir(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    await rmdir(await mkdtemp(join(dir, ".agentmux-doctor-")));
    return true;
  } catch {
    return false; // missing or not writable: the caller says which
  }
}

/** The daily-notes directory, when one is configured: writable, or creatable. */
export async function checkJournal(input: DoctorInput): Promise<DoctorCheck> {
  const name = "journal";
  if (input.config === null) return pass(name, "not checked (the config did not load)");
  const dir = resolveJournalDir(undefined, input.config, input.env);
  if (dir === undefined)
    return pass(name, "not configured (journalDir, $AGENTMUX_JOURNAL_DIR or --journal)");
  if (await writableDir(dir)) return pass(name, `${dir} (writable)`);
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (!exists) {
    // It is created on first use when its nearest existing ancestor is writable.
    let parent = dirname(dir);
    while (
      parent !== dirname(parent) &&
      !(await stat(parent).then(
        () => true,
        () => false,
      ))
    )
      parent = dirname(parent);
    if (await writableDir(parent)) return pass(name, `${dir} (created on first use)`);
    return fail(
      name,
      `${dir} does not exist and ${parent} is not writable`,
      `mkdir -p ${dir}, or point journalDir elsewhere`,
    );
  }
  return fail(
    name,
    `${dir} is not a writable directory`,
    `fix its permissions (chmod u+w ${dir}) or point journalDir elsewhere`,
  );
}
