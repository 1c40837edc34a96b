import { resolve } from "node:path";
import { run } from "../process/run.js";
import { AgentmuxError } from "../util/errors.js";
import { cachedProbe } from "./caps-cache.js";
import { assertMayBypassPermissions, currentUid, launchEnv } from "./claude.js";
import { detectCodex } from "./codex.js";
import { parseVersion } from "./codex-help.js";
import { agentPath, resolveBinary } from "./path.js";
import type {
  AgentLaunch,
  AgentProfile,
  DetectOptions,
  LaunchInput,
  ProfileSetup,
  RalphyCaps,
} from "./profile.js";

/**
 * ralphy (ralphy-cli 4.x), its own loop over a PRD: `ralphy --codex|--claude
 * --prd FILE [--parallel]`. Checked against 4.7.2's --help and its source.
 *
 * A prompt is refused, not dropped: ralphy reads its tasks from the PRD, and
 * its only other input is a `[task]` argv word ("brownfield mode") that
 * replaces the PRD, would put the whole prompt in argv (1 MB prompts do not
 * fit; argv is visible in `ps`) and cannot be fed from stdin.
 */
export const RALPHY_COMMAND: readonly string[] = ["ralphy"];

const PROBE_TIMEOUT_MS = 15_000;

/** Compare dotted numeric versions ("0.147.0" < "0.169.0"); pre-release tags are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] =>
    (v.split("-")[0] ?? v).split(".").map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function buildRalphy(
  setup: ProfileSetup,
  input: LaunchInput,
  caps: RalphyCaps | undefined,
): AgentLaunch {
  if (input.prompt) {
    throw new AgentmuxError(
      "usage",
      "ralphy takes its tasks from the PRD (--prd FILE), not from a prompt",
      {
        hint: 'write the task as a "- [ ]" item in the PRD, or run it once with agentmux run codex "the task"',
      },
    );
  }
  const engine = input.engine ?? "codex";
  const warnings: string[] = [];
  if (engine === "claude") {
    // ralphy runs `claude --dangerously-skip-permissions`: same root rule.
    assertMayBypassPermissions(
      launchEnv(setup, input),
      input.uid === undefined ? currentUid() : input.uid,
    );
  } else if (caps?.codex !== undefined && !caps.codex.fullAuto) {
    // ralphy (4.7.2 at least) hard-codes `codex exec --full-auto`; codex 0.147+
    // rejects it with exit 2, so every task would fail in a second.
    const certain =
      caps.version !== null &&
      compareVersions(caps.version, "4.7.2") <= 0 &&
      caps.codex.version !== null &&
      compareVersions(caps.codex.version, "0.147.0") >= 0;
    const codex =
      caps.codex.version === null ? "the installed codex" : `codex ${caps.codex.version}`;
    const ralphy = `ralphy${caps.version === null ? "" : ` ${caps.version}`}`;
    if (certain) {
      throw new AgentmuxError(
        "agent",
        `${ralphy} runs \`codex exec --full-auto\`, which ${codex} rejects (removed in codex 0.147)`,
        {
          hint: "use --claude, or a ralphy that no longer passes --full-auto, or codex older than 0.147",
        },
      );
    }
    warnings.push(
      `${ralphy} runs \`codex exec --full-auto\`, which ${codex} may reject; if every task fails at once, use --claude or a codex older than 0.147`,
    );
  }
  const prd = resolve(input.cwd, input.prdPath ?? "PRD.md");
  const argv = [...setup.command, `--${engine}`, "--prd", prd];
  if (input.parallel === true) argv.push("--parallel");
  argv.push(...setup.args, ...input.extraArgs);
  return { argv, stdin: "null", env: { ...setup.env }, warnings };
}

export function isRalphyCaps(value: unknown): value is RalphyCaps {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<RalphyCaps>;
  return v.kind === "ralphy" && (v.version === null || typeof v.version === "string");
}

/** ralphy's version, and the caps of the codex it would drive (found on the agent PATH). */
export async function detectRalphy(
  binaryPath: string,
  leadingArgs: readonly string[],
  opts: DetectOptions = {},
): Promise<RalphyCaps> {
  const env = opts.env ?? process.env;
  const probeId = ["ralphy-version", ...leadingArgs].join(" ");
  const { version } = await cachedProbe(
    { cacheDir: opts.cacheDir, binaryPath, probeId },
    (v: unknown): v is { version: string | null } =>
      typeof v === "object" && v !== null && "version" in v,
    async () => {
      const ver = await run(binaryPath, [...leadingArgs, "--version"], {
        env,
        timeoutMs: PROBE_TIMEOUT_MS,
      });
      return { version: ver.exitCode === 0 ? parseVersion(ver.stdout) : null };
    },
  );
  // The codex part is cached on its own key, so upgrading codex is noticed.
  const caps: RalphyCaps = { kind: "ralphy", version };
  const codex = await resolveBinary("codex", agentPath(env));
  if (codex !== null) {
    try {
      caps.codex = await detectCodex(codex, ["exec"], opts);
    } catch {
      // Only used for a warning; ralphy reports a broken codex itself.
    }
  }
  return caps;
}

export function ralphyProfile(setup: ProfileSetup): AgentProfile {
  return {
    name: "ralphy",
    description: "ralphy-cli's PRD loop (ralphy --codex|--claude --prd FILE); no prompt",
    binary: setup.command[0] ?? "ralphy",
    command: setup.command,
    build: (input, caps) => buildRalphy(setup, input, caps?.kind === "ralphy" ? caps : undefined),
    detect: (binaryPath, opts) => detectRalphy(binaryPath, setup.command.slice(1), opts),
  };
}
