// A loop's end record and report are read by the finisher, below the loop:
// they live in rundir/loop-end.ts and prd/loop-report.ts.
export { readLoopEnd, writeLoopEnd } from "../rundir/loop-end.js";
export { loopReport, progressText, unfinishedText, type LoopReport } from "../prd/loop-report.js";
