// Import layering of src/ (docs/architecture.md, "Layers"): a folder may import
// only the folders in the layers below its own, never one beside or above it.
// Run by `npm run lint`. Known violations still to be removed are listed in
// .dependency-cruiser-known-violations.json, dependency-cruiser's baseline
// format plus a required "why" per entry; any violation not listed there fails.
// (`depcruise src --output-type baseline` prints the current list, without whys.)

/** Top to bottom. A folder may import every folder in a LATER entry. */
const LAYERS = [
  ["bin"],
  ["web", "mcp"],
  ["cli"],
  ["api"],
  ["doctor"],
  ["monitor"],
  ["remote"],
  ["loop"],
  ["sessions"],
  ["governor", "journal", "verify", "agents"],
  ["notify", "diagnose", "prd", "config", "usage"],
  ["git", "tmux"],
  ["store", "rundir"],
  ["process"],
  ["util"],
];

/**
 * Vocabulary files: the closed sets and record types a folder owns (the agent
 * list, verdicts, diagnosis codes, run states and their transition table).
 * Every folder may import them: the store persists these records and enforces
 * the transition table in its write transaction, the config schema has a key
 * per agent. They import nothing but other vocabulary and util, so that
 * exception cannot pull a folder's code under the ones that use it.
 */
const VOCABULARY =
  "^src/(agents/names|verify/types|diagnose/types|sessions/lifecycle|sessions/spec|usage/types)[.]ts$";

const layerRules = LAYERS.flatMap((layer, i) => {
  const below = LAYERS.slice(i + 1).flat();
  return layer.map((folder) => ({
    name: `layer-${folder}`,
    comment: `src/${folder}/ may import only ${below.length ? below.join(", ") : "nothing else in src/"} (docs/architecture.md)`,
    severity: "error",
    from: { path: `^src/${folder}/`, pathNot: VOCABULARY },
    to: {
      path: "^src/",
      pathNot: [`^src/(${[folder, ...below].join("|")})/`, VOCABULARY],
    },
  }));
});

/** The baseline, with each entry's "why" checked and then dropped (the schema has no room for it). */
const knownViolations = require("./.dependency-cruiser-known-violations.json").map(
  ({ why, ...v }) => {
    if (typeof why !== "string" || why.trim() === "") {
      throw new Error(`known violation ${v.from} -> ${v.to} has no "why"`);
    }
    return v;
  },
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import cycle has no bottom: neither module can be read or tested first.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "vocabulary-is-a-leaf",
      comment:
        "Vocabulary files import only other vocabulary and util (the store depends on them).",
      severity: "error",
      from: { path: VOCABULARY },
      to: { path: "^src/", pathNot: [VOCABULARY, "^src/util/"] },
    },
    {
      name: "only-process-spawns",
      comment:
        "Only src/process/ starts processes (the demo agent is a separate program, bundled on its own).",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/process/", "^src/agents/demo-agent[.]ts$"] },
      to: { dependencyTypes: ["core"], path: "^(node:)?child_process$" },
    },
    {
      name: "unknown-folder",
      comment:
        "Every folder of src/ has a place in the layering (add it to LAYERS and the docs table).",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/", pathNot: `^src/(${LAYERS.flat().join("|")})/` },
    },
    ...layerRules,
  ],
  options: {
    knownViolations,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "[.]test[.]ts$" },
    // Type-only imports count: a type owned by a higher layer is still an upward edge.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".cjs"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
