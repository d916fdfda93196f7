/**
 * @nightshift/runner — `nightshift run`: a task that works for up to 24 hours within a budget and
 * always delivers. It drives sessions of the engine host (`@nightshift/core`) only through its
 * public API: plan, stages in segments, verification, checkpoints with a private git index,
 * rollback to green, guards, a dollar budget with an hourly fee, and a report with an artifact.
 */
export { type RunEvent, type RunEventBody, readEvents } from "./events.js";
export { listRuns, type RunSummary, runStatus } from "./list.js";
export {
  DEFAULTS as RUN_DEFAULTS,
  type RunModelConfig,
  type RunOptions,
  RunOptionsError,
} from "./options.js";
export type { RunReport } from "./report/report.js";
export { type RunDeps, type RunResult, resumeRun, startRun } from "./run.js";
export { type RunSnapshot, readRunSnapshot, resolveRunId } from "./snapshot.js";
export { runPaths, runsDir } from "./state/paths.js";
export { RunBusyError } from "./state/run-lock.js";
export { RunStateError } from "./state/run-store.js";
export { type ModelUsage, RUN_STATUSES, type RunStatus } from "./state/state-schema.js";
