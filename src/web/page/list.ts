import { useEffect, useMemo, useState } from "preact/hooks";
import { api, subscribe, ApiError } from "./api.js";
import {
  age,
  duration,
  fixOf,
  isProblem,
  liveDuration,
  needsAttention,
  ordered,
  stateWord,
} from "./format.js";
import { html, link, navigate } from "./html.js";
import type { FleetView, Session } from "./types.js";

const FILTERS = [
  "all",
  "attention",
  "running",
  "stalled",
  "queued",
  "paused",
  "errored",
  "failed",
  "lost",
  "killed",
  "succeeded",
];

export function ListPage() {
  const [local, setLocal] = useState<Session[] | null>(null);
  // Registered hosts' sessions come as their own event: a slow host never holds up the local list.
  const [fleet, setFleet] = useState<FleetView>({ hosts: [], sessions: [] });
  const [loadedAt, setLoadedAt] = useState(Date.now());
  const [connected, setConnected] = useState(true);
  const [filter, setFilter] = useState(new URLSearchParams(location.search).get("state") ?? "all");
  const [now, setNow] = useState(Date.now());
  const [showForm, setShowForm] = useState(false);

  useEffect(
    () =>
      subscribe(
        "/api/events",
        (e) => {
          if (e.event === "hosts") {
            setFleet(JSON.parse(e.data) as FleetView);
            return;
          }
          if (e.event !== "sessions") return;
          performance.mark("agentmux:list-received");
          setLocal(JSON.parse(e.data) as Session[]);
          setLoadedAt(Date.now());
          setNow(Date.now());
        },
        setConnected,
      ),
    [],
  );
  const sessions = useMemo(
    () => (local === null ? null : [...local, ...fleet.sessions]),
    [local, fleet],
  );
  const withHosts = fleet.hosts.length > 0;
  const down = fleet.hosts.filter((h) => !h.reachable);
  useEffect(() => {
    // For the benchmark: when the first list was drawn (an effect runs after the paint).
    if (sessions !== null && performance.getEntriesByName("agentmux:list-rendered").length === 0) {
      performance.mark("agentmux:list-rendered");
    }
  }, [sessions]);
  useEffect(() => {
    // Ages and durations move on without any server traffic.
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);

  const shown = useMemo(() => {
    const all = ordered(sessions ?? []);
    if (filter === "all") return all;
    if (filter === "attention") return all.filter(needsAttention);
    return all.filter((s) => s.state === filter);
  }, [sessions, filter]);

  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const s of sessions ?? []) c.set(s.state, (c.get(s.state) ?? 0) + 1);
    c.set("attention", (sessions ?? []).filter(needsAttention).length);
    c.set("all", sessions?.length ?? 0);
    return c;
  }, [sessions]);

  const pick = (f: string): void => {
    setFilter(f);
    history.replaceState(null, "", f === "all" ? "/" : `/?state=${encodeURIComponent(f)}`);
  };

  return html`
    <header class="top">
      <h1><a href="/" onClick=${link("/")}>agentmux</a></h1>
      <span class=${`conn ${connected ? "up" : "down"}`} title="live updates"
        >${connected ? "live" : "reconnecting…"}</span
      >
      <button class="primary" onClick=${() => setShowForm(!showForm)}>
        ${showForm ? "Close" : "New session"}
      </button>
    </header>
    ${showForm && html`<${StartForm} onDone=${() => setShowForm(false)} />`}
    <nav class="filters" aria-label="filter by state">
      ${FILTERS.filter(
        (f) => f === "all" || f === "attention" || counts.has(f) || f === filter,
      ).map(
        (f) =>
          html`<button
            class=${`chip ${f === filter ? "on" : ""} ${f}`}
            aria-pressed=${f === filter}
            onClick=${() => pick(f)}
          >
            ${f} <span class="n">${counts.get(f) ?? 0}</span>
          </button>`,
      )}
    </nav>
    ${
      sessions === null
        ? html`<p class="empty">loading…</p>`
        : shown.length === 0
          ? html`<p class="empty">
              ${sessions.length === 0 ? 'No sessions yet. Start one with "New session" or agentmux run.' : `No ${filter} sessions.`}
            </p>`
          : html`<ul class="sessions" id="sessions">
              ${shown.map((s) => html`<${Row} key=${`${s.host ?? ""}/${s.name}`} s=${s} now=${now} loadedAt=${loadedAt} withHosts=${withHosts} />`)}
            </ul>`
    }
    ${
      down.length > 0 &&
      html`<ul class="hosts-down" id="hosts-down">
        ${down.map(
          (h) =>
            html`<li class="host-down" data-host=${h.host}>
              <span class="host">${h.host}</span> <span class="badge lost">unreachable</span>
              <span class="why">${h.error ?? ""}</span>
            </li>`,
        )}
      </ul>`
    }
  `;
}

function Row({
  s,
  now,
  loadedAt,
  withHosts,
}: {
  s: Session;
  now: number;
  loadedAt: number;
  withHosts: boolean;
}) {
  const fix = fixOf(s);
  const attention = needsAttention(s);
  const href =
    s.host === undefined
      ? `/s/${encodeURIComponent(s.name)}`
      : `/h/${encodeURIComponent(s.host)}/s/${encodeURIComponent(s.name)}`;
  return html`<li
    class=${`session ${attention ? "attention" : ""}`}
    data-name=${s.name}
    data-state=${s.state}
    data-host=${s.host ?? "local"}
  >
    <div class="line1">
      ${withHosts && html`<span class=${`host ${s.host === undefined ? "local" : ""}`} title="host">${s.host ?? "local"}</span>`}
      ${s.foreign ? html`<span class="name">${s.name}</span>` : html`<a class="name" href=${href} onClick=${link(href)}>${s.name}</a>`}
      <span class=${`badge ${s.state}`}>${stateWord(s)}</span>
      ${s.verdict && html`<span class=${`verdict ${s.verdict}`}>${s.verdict}</span>`}
    </div>
    <div class="facts">
      <span title="agent">${s.agent}</span>
      ${s.run !== null && html`<span>run ${s.run}</span>`}
      ${s.loop && html`<span class="items" title="items done / total">${s.loop.done}/${s.loop.total} items</span>`}
      <span title="duration">${duration(liveDuration(s, now, loadedAt))}</span>
      <span title="last output">out ${age(s.lastOutputAt, now)}</span>
    </div>
    ${
      s.diagnosis &&
      isProblem(s.diagnosis) &&
      html`<div class="diag"><b>${s.diagnosis.code}</b>: ${s.diagnosis.summary}</div>`
    }
    ${attention && fix && html`<div class="fix">fix: <code>${fix}</code></div>`}
  </li>`;
}

const AGENTS = ["codex", "claude", "ralphy", "cmd", "demo"];

/** Start a run or a loop. The server hands the fields to `agentmux run|loop`, which checks them. */
function StartForm({ onDone }: { onDone: () => void }) {
  const [mode, setMode] = useState<"run" | "loop">("run");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const get = (k: string): string | undefined => {
      const v = data.get(k);
      return typeof v === "string" && v.trim() !== "" ? v : undefined;
    };
    const body: Record<string, unknown> = {};
    for (const k of mode === "run"
      ? ["agent", "prompt", "cwd", "name"]
      : ["agent", "prd", "check", "cwd", "name"]) {
      const v = get(k);
      if (v !== undefined) body[k] = v;
    }
    const command = get("command");
    if (command !== undefined) body.command = command.split("\n").filter((l) => l !== "");
    setBusy(true);
    setError(null);
    try {
      const s = await api<Session>(mode === "run" ? "/api/runs" : "/api/loops", body);
      onDone();
      navigate(`/s/${encodeURIComponent(s.name)}`);
    } catch (x) {
      setError(x instanceof ApiError ? `${x.message}${x.hint ? ` — ${x.hint}` : ""}` : String(x));
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="start" onSubmit=${submit}>
    <div class="modes">
      <label
        ><input
          type="radio"
          name="mode"
          checked=${mode === "run"}
          onChange=${() => setMode("run")}
        />
        one run</label
      >
      <label
        ><input
          type="radio"
          name="mode"
          checked=${mode === "loop"}
          onChange=${() => setMode("loop")}
        />
        loop over a PRD</label
      >
    </div>
    <label
      >agent
      <select name="agent">
        ${(mode === "run" ? AGENTS : AGENTS.filter((a) => a !== "ralphy")).map((a) => html`<option>${a}</option>`)}
      </select></label
    >
    ${
      mode === "run"
        ? html`<label
              >prompt <textarea name="prompt" rows="3" placeholder="Fix the login bug"></textarea>
            </label>
            <label
              >command (cmd agent: one argument per line)
              <textarea name="command" rows="2"></textarea>
            </label>`
        : html`<label>PRD <input name="prd" placeholder="PRD.md" /></label>
            <label>check <input name="check" placeholder="npm test" /></label>
            <label
              >command (cmd agent, run per item: one argument per line)
              <textarea name="command" rows="2"></textarea>
            </label>`
    }
    <label>working directory <input name="cwd" placeholder="/home/me/app" /></label>
    <label>name <input name="name" placeholder="(from the agent and prompt)" /></label>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <button class="primary" disabled=${busy}>
      ${busy ? "Starting…" : mode === "run" ? "Start run" : "Start loop"}
    </button>
  </form>`;
}
