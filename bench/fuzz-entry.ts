// The pure layers the fuzz drives (bundled by bench/fuzz.mjs with esbuild):
// template split/validate, notification planning, argv rendering and the real
// delivery path (spawn, environment, JSON on stdin).
export { splitTemplate, validateTemplate, renderArgv } from "../src/notify/template.js";
export { planNotifications } from "../src/notify/plan.js";
export { deliver } from "../src/notify/deliver.js";
export { summaryLine, templateVars, notifyEnv } from "../src/notify/summary.js";
export { validateName } from "../src/sessions/names.js";
