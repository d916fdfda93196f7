import fs from "node:fs";
import { isValidRunId, runPaths, runsDir } from "./state/paths.js";
import { lockOwner } from "./state/run-lock.js";
import { RunStateError, RunStore } from "./state/run-store.js";
import type { RunStatus, StageStatus } from "./state/state-schema.js";

/** What a face that watches a run (the dashboard, `run attach`) reads from the run's folder. */
export type RunSnapshot = {
  run_id: string;
  task: string;
  workspace: string;
  /** A live process works on the run right now. */
  live: boolean;
  phase: "init" | "planning" | "working" | "ended";
  /** How the run ended (or is ending), once it is known. */
  ending: { status: RunStatus; reason: string } | null;
  hours: number;
  max_cost: number | null;
  hourly_fee: number;
  /** Working time as of `saved_at` (the state file's last write, wall-clock ms). */
  active_ms: number;
  saved_at: number;
  /** Dollars of tokens so far (the fee follows from the working time). */
  tokens_usd: number;
  stages: { id: string; title: string; status: StageStatus }[];
  last_checkpoint: { n: number; green: boolean; at_s: number; cost_usd: number; reason: string } | null;
  events_file: string;
};

/** The run's state as a watcher sees it; throws RunStateError when the folder holds no run. */
export function readRunSnapshot(home: string, runId: string): RunSnapshot {
  const paths = runPaths(home, runId);
  const store = new RunStore(paths);
  const state = store.load();
  let savedAt = Date.now();
  try {
    savedAt = fs.statSync(paths.state).mtimeMs;
  } catch {
    // read a moment ago: now is close enough
  }
  const last = state.checkpoints.at(-1);
  return {
    run_id: state.run_id,
    task: state.task,
    workspace: state.settings.workspace,
    live: lockOwner(paths.lock) !== null,
    phase: state.phase,
    ending: state.ending,
    hours: state.settings.hours,
    max_cost: state.settings.max_cost,
    hourly_fee: state.settings.hourly_fee,
    active_ms: state.active_ms,
    saved_at: savedAt,
    tokens_usd: state.segments.reduce((sum, s) => sum + s.cost_usd, 0),
    stages: (state.stages ?? []).map((s) => ({ id: s.id, title: s.title, status: s.status })),
    last_checkpoint: last
      ? { n: last.n, green: last.green, at_s: last.at_s, cost_usd: last.cost_usd, reason: last.reason }
      : null,
    events_file: paths.events,
  };
}

/** A run id from the id itself or a unique prefix of it; a clear RunStateError otherwise. */
export function resolveRunId(home: string, idOrPrefix: string): string {
  if (!isValidRunId(idOrPrefix)) {
    throw new RunStateError(`"${idOrPrefix}" is not a run id (see nightshift run list)`);
  }
  let names: string[];
  try {
    names = fs.readdirSync(runsDir(home));
  } catch {
    names = [];
  }
  if (names.includes(idOrPrefix)) return idOrPrefix;
  const matches = names.filter((name) => name.startsWith(idOrPrefix) && isValidRunId(name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new RunStateError(`no run ${idOrPrefix} under ${runsDir(home)} (see nightshift run list)`);
  }
  throw new RunStateError(
    `"${idOrPrefix}" matches ${matches.length} runs (${matches.slice(0, 3).join(", ")}${matches.length > 3 ? ", …" : ""}); give more of the id`,
  );
}
