import fs from "node:fs";
import path from "node:path";
import { type Clock, type HostDeps, loadConfigToml, type SessionEvent, systemClock } from "@nightshift/core";
import { StepTimer } from "./budget/active-time.js";
import { takeCheckpoint } from "./engine/checkpointing.js";
import { RunContext } from "./engine/context.js";
import { initializeAndPlan } from "./engine/planner.js";
import type { Ending } from "./engine/recovery.js";
import { settleSegments } from "./engine/segment.js";
import type { StopCause } from "./engine/turn-control.js";
import { WorkLoop } from "./engine/work-loop.js";
import { wrapUp } from "./engine/wrap-up.js";
import { EventLog, type RunEvent } from "./events.js";
import { CheckpointRepo } from "./git/checkpoints.js";
import { openWorkspaceRepo } from "./git/workspace-repo.js";
import { type RunOptions, RunOptionsError, resolveRunSettings } from "./options.js";
import { resumedNote } from "./prompts/messages.js";
import type { RunReport } from "./report/report.js";
import { isValidRunId, newRunId, runPaths } from "./state/paths.js";
import { RunLock } from "./state/run-lock.js";
import { RunStateError, RunStore } from "./state/run-store.js";
import type { RunState } from "./state/state-schema.js";
import { detectVerifyCommand } from "./verify/detect.js";

/** What a run needs from its surroundings; the clock is injected so a 24-hour run tests in seconds. */
export type RunDeps = {
  home: string;
  env: NodeJS.ProcessEnv;
  version: string;
  clock?: Clock;
  random?: () => number;
  /** Every run event, after it is written to events.jsonl. */
  onEvent?: (event: RunEvent) => void;
  /** The sessions' own events (messages, tool calls), for a face that shows them. */
  onSessionEvent?: (event: SessionEvent) => void;
  /** Aborting it cancels the run: it wraps up as `cancelled` and still delivers. */
  signal?: AbortSignal;
};

export type RunResult = { runId: string; report: RunReport; reportPath: string };

/** How often the working time is persisted while nothing else is (a long command). */
const HEARTBEAT_MS = 30_000;

/** Starts a run: checks the options, creates its folder and state, and works until it ends. */
export async function startRun(options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const clock = deps.clock ?? systemClock;
  const workspace = path.resolve(options.workspace);
  if (!fs.existsSync(workspace) || !fs.statSync(workspace).isDirectory()) {
    throw new RunOptionsError(`the project folder ${workspace} does not exist or is not a directory`);
  }
  const settings = resolveRunSettings(
    { ...options, workspace },
    process.cwd(),
    detectVerifyCommand(workspace),
    loadConfigToml(deps.home, []).run,
  );
  const runId = newRunId(clock.now(), deps.random ?? Math.random);
  const paths = runPaths(deps.home, runId);
  const state: RunState = {
    version: 1,
    run_id: runId,
    task: options.task.trim(),
    started_at: new Date(clock.now()).toISOString(),
    settings,
    phase: "init",
    ending: null,
    ended_at: null,
    active_ms: 0,
    repo: null,
    baseline: null,
    acceptance_baseline_done: false,
    stages: null,
    checkpoints: [],
    next_checkpoint: 0,
    last_checkpoint_ms: 0,
    rollbacks: [],
    guards: [],
    guard_counts: { stuck: 0, paralysis: 0, reasoning: 0 },
    segments: [],
    handoff_note: null,
    budget_warnings: [],
    artifact: null,
  };
  const store = new RunStore(paths);
  store.create(state);
  fs.writeFileSync(paths.progress, `# Progress of run ${runId}\n\nTask: ${state.task}\n`);
  return execute(store, state, deps, false);
}

/** Continues a run from its persisted state (after a kill, a reboot, or a cancel). */
export async function resumeRun(runId: string, deps: RunDeps): Promise<RunResult> {
  if (!isValidRunId(runId)) throw new RunStateError(`"${runId}" is not a run id (see nightshift run list)`);
  const paths = runPaths(deps.home, runId);
  if (!fs.existsSync(paths.state))
    throw new RunStateError(`no run ${runId} under ${path.dirname(paths.dir)}`);
  const store = new RunStore(paths);
  const state = store.load();
  if (state.phase === "ended") {
    if (state.ending?.status !== "cancelled") {
      throw new RunStateError(
        `run ${runId} already ended as ${state.ending?.status}; its report is ${paths.report}`,
      );
    }
    state.phase = state.stages ? "working" : "init";
    state.ending = null;
    state.ended_at = null;
  }
  return execute(store, state, deps, true);
}

async function execute(
  store: RunStore,
  state: RunState,
  deps: RunDeps,
  resumed: boolean,
): Promise<RunResult> {
  const clock = deps.clock ?? systemClock;
  const paths = store.paths;
  const lock = RunLock.acquire(paths.lock, state.run_id);
  const heartbeat = new AbortController();
  try {
    const events = new EventLog(paths.events, clock, (event) => deps.onEvent?.(event));
    const hostDeps: HostDeps = {
      home: deps.home,
      env: deps.env,
      version: deps.version,
      clock,
      random: deps.random,
      // Headless: nobody answers. The run's policy is "never ask" and anything asked anyway is denied.
      approve: async () => "denied",
    };
    const ctx = new RunContext(state, store, paths, events, clock, hostDeps, deps.onSessionEvent);
    const onAbort = () => ctx.cancel();
    if (deps.signal?.aborted) ctx.cancel();
    deps.signal?.addEventListener("abort", onAbort, { once: true });
    beat(ctx, heartbeat.signal);
    ctx.emit({
      type: "run.started",
      run_id: state.run_id,
      task: state.task,
      workspace: state.settings.workspace,
      resumed,
    });
    try {
      let ending: Ending;
      try {
        ending = await work(ctx, resumed);
      } catch (err) {
        // Whatever broke (a sandbox that stopped working, a full disk), the run still delivers.
        ending = { status: "failed", reason: `the runner stopped on an error: ${(err as Error).message}` };
      }
      const report = await wrapUp(ctx, ending);
      return { runId: state.run_id, report, reportPath: paths.report };
    } finally {
      deps.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    heartbeat.abort();
    lock.release();
  }
}

/** From wherever the state says the run is, to how it ends. */
async function work(ctx: RunContext, resumed: boolean): Promise<Ending> {
  const { state } = ctx;
  if (state.ending) return state.ending; // killed while wrapping up: finish the delivery
  if (resumed) {
    await settleSegments(ctx);
    ctx.progress("resumed after an interruption");
    state.handoff_note = [resumedNote(), state.handoff_note].filter(Boolean).join("\n\n");
    ctx.save();
  }
  if (!state.repo) {
    state.repo = await openWorkspaceRepo(state.settings.workspace, ctx.paths);
    ctx.save();
  }
  ctx.repo = new CheckpointRepo(state.repo, state.run_id, () => ctx.clock.now());
  if (state.checkpoints.length === 0) {
    await takeCheckpoint(ctx, { green: true, reason: "start" });
    await ctx.repo.packPrivate();
  }
  const steps = new StepTimer();
  if (state.phase !== "working") {
    if (ctx.cancelled) return { status: "cancelled", reason: "cancelled by the user" };
    const cause = await initializeAndPlan(ctx, steps);
    if (cause) return endingOf(ctx, cause);
  }
  return new WorkLoop(ctx, steps).run();
}

function endingOf(ctx: RunContext, cause: StopCause): Ending {
  switch (cause) {
    case "budget":
      return { status: "budget_exceeded", reason: "the budget ran out while planning" };
    case "deadline":
      return { status: "timed_out", reason: "the time ran out while planning" };
    case "cancelled":
      return { status: "cancelled", reason: "cancelled by the user" };
    default:
      return { status: "failed", reason: `planning stopped: ${cause}${ctx.cancelled ? " (cancelled)" : ""}` };
  }
}

/** Persists the working time now and then, so a kill in a long command forgets little of it. */
function beat(ctx: RunContext, signal: AbortSignal): void {
  const loop = async () => {
    while (!signal.aborted) {
      await ctx.clock.sleep(HEARTBEAT_MS, signal);
      if (ctx.state.phase !== "ended") ctx.save();
    }
  };
  loop().catch(() => {});
}
