import fs from "node:fs";
import { readEvents } from "./events.js";
import type { RunReport } from "./report/report.js";
import { runPaths, runsDir } from "./state/paths.js";
import { lockOwner } from "./state/run-lock.js";
import { RunStore } from "./state/run-store.js";
import type { RunState } from "./state/state-schema.js";

/** What `run list` and `run status` show of a run. */
export type RunSummary = {
  run_id: string;
  /** An ending status, or `running` (a live process works on it), or `interrupted` (resume it). */
  status: string;
  task: string;
  started_at: string;
  elapsed_s: number;
  cost_usd: number;
  max_cost: number | null;
  stages: { id: string; title: string; status: string }[];
  checkpoints: number;
  report: string | null;
  artifact: string | null;
  workspace: string;
};

/** Every run under `$NIGHTSHIFT_HOME/runs`, newest first; folders that are not runs are skipped. */
export function listRuns(home: string): RunSummary[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir(home));
  } catch {
    return [];
  }
  const runs: RunSummary[] = [];
  for (const name of names.sort().reverse()) {
    try {
      runs.push(runStatus(home, name));
    } catch {
      // not a run folder (or one being created)
    }
  }
  return runs;
}

/** One run's status, from its state (and report when it has ended). */
export function runStatus(home: string, runId: string): RunSummary {
  const paths = runPaths(home, runId);
  const state: RunState = new RunStore(paths).load();
  const report = readReport(paths.report);
  const live = lockOwner(paths.lock) !== null;
  const status =
    state.phase === "ended" ? (state.ending?.status ?? "ended") : live ? "running" : "interrupted";
  const tokens = state.segments.reduce((sum, s) => sum + s.cost_usd, 0);
  const fee = (state.settings.hourly_fee * state.active_ms) / 3_600_000;
  return {
    run_id: state.run_id,
    status,
    task: state.task,
    started_at: state.started_at,
    elapsed_s: state.active_ms / 1000,
    cost_usd: report?.cost_usd.total ?? tokens + fee,
    max_cost: state.settings.max_cost,
    stages: (state.stages ?? []).map((s) => ({ id: s.id, title: s.title, status: s.status })),
    checkpoints: state.checkpoints.length,
    report: report ? paths.report : null,
    artifact: state.artifact?.path ?? null,
    workspace: state.settings.workspace,
  };
}

function readReport(file: string): RunReport | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as RunReport;
  } catch {
    return null;
  }
}

export { readEvents };
