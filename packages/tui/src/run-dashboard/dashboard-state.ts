import type { SessionEvent } from "@nightshift/core";
import type { RunEvent, RunSnapshot, RunStatus } from "@nightshift/runner";
import { terminalSafe } from "../render/terminal-safe.js";

export type StageStatus = RunSnapshot["stages"][number]["status"];

export type DashboardStage = { id: string; title: string; status: StageStatus };

/** What the run is doing right now: the last command, patch or message (or the runner's own step). */
export type DashboardStep = {
  kind: "command" | "patch" | "message" | "tool" | "runner";
  text: string;
  state: "running" | "ok" | "failed";
};

export type DashboardNote = { tone: "info" | "warn" | "bad"; text: string };

export type DashboardCheckpoint = {
  n: number;
  green: boolean;
  atS: number;
  costUsd: number;
  reason: string;
  /** Wall-clock ms of the checkpoint, when an event told it. */
  at: number | null;
};

/** Everything the dashboard shows, folded from the run's events and snapshots of its state. */
export type DashboardState = {
  runId: string | null;
  task: string;
  workspace: string;
  resumed: boolean;
  phase: "starting" | "planning" | "working" | "ended";
  /** A process works on the run: the working time goes on. */
  live: boolean;
  /** Whether a snapshot of the run's state was read (so `live: false` means nobody works on it). */
  known: boolean;
  ending: { status: RunStatus; reason: string | null; report: string | null; artifact: string | null } | null;
  stages: DashboardStage[];
  fallbackPlan: boolean;
  step: DashboardStep | null;
  checkpoint: DashboardCheckpoint | null;
  hours: number | null;
  maxCost: number | null;
  hourlyFee: number;
  tokensUsd: number;
  /** The largest bill an event reported (a checkpoint's or a budget warning's). */
  reportedUsd: number;
  /** Working ms as of wall-clock ms `at`. */
  worked: { ms: number; at: number } | null;
  /** Guards, rollbacks, budget warnings, failed verifications: the latest few. */
  notes: DashboardNote[];
};

export type DashboardAction =
  | { type: "run"; event: RunEvent }
  | { type: "session"; event: SessionEvent }
  | { type: "snapshot"; snapshot: RunSnapshot }
  | { type: "note"; note: DashboardNote };

export const MAX_NOTES = 4;

export function initialDashboard(): DashboardState {
  return {
    runId: null,
    task: "",
    workspace: "",
    resumed: false,
    phase: "starting",
    live: true,
    known: false,
    ending: null,
    stages: [],
    fallbackPlan: false,
    step: null,
    checkpoint: null,
    hours: null,
    maxCost: null,
    hourlyFee: 0,
    tokensUsd: 0,
    reportedUsd: 0,
    worked: null,
    notes: [],
  };
}

/** Seconds of working time as 1h02m03s (as the runner's own lines have it). */
export function workTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m${String(s % 60).padStart(2, "0")}s`;
}

/** Model and tool text on one line, with no terminal controls in it. */
function oneLine(text: string, max = 200): string {
  const line = terminalSafe(text).replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function withNote(state: DashboardState, note: DashboardNote): DashboardState {
  return { ...state, notes: [...state.notes, note].slice(-MAX_NOTES) };
}

/** A newer reading of the working time replaces an older one. */
function anchored(state: DashboardState, ms: number, at: number): DashboardState {
  if (!Number.isFinite(at) || (state.worked && state.worked.at > at)) return state;
  return { ...state, worked: { ms, at } };
}

/** The pure heart of the dashboard: the next state after an event, a snapshot or a note. */
export function reduceDashboard(state: DashboardState, action: DashboardAction): DashboardState {
  switch (action.type) {
    case "run":
      return reduceRunEvent(state, action.event);
    case "session":
      return reduceSessionEvent(state, action.event);
    case "snapshot":
      return reduceSnapshot(state, action.snapshot);
    case "note":
      return withNote(state, action.note);
  }
}

function reduceSnapshot(state: DashboardState, snap: RunSnapshot): DashboardState {
  const ended = snap.phase === "ended";
  let next: DashboardState = {
    ...state,
    runId: snap.run_id,
    task: oneLine(snap.task),
    workspace: snap.workspace,
    known: true,
    live: snap.live && !ended && state.phase !== "ended",
    phase: state.phase === "ended" || ended ? "ended" : snap.phase === "init" ? "starting" : snap.phase,
    hours: snap.hours,
    maxCost: snap.max_cost,
    hourlyFee: snap.hourly_fee,
    tokensUsd: snap.tokens_usd,
    stages: snap.stages.length
      ? snap.stages.map((stage) => ({ ...stage, title: oneLine(stage.title, 120) }))
      : state.stages,
  };
  if (ended && snap.ending) {
    next.ending = {
      status: next.ending?.status ?? snap.ending.status,
      reason: snap.ending.reason,
      report: next.ending?.report ?? null,
      artifact: next.ending?.artifact ?? null,
    };
  }
  const last = snap.last_checkpoint;
  if (last && (!state.checkpoint || last.n > state.checkpoint.n)) {
    next.checkpoint = {
      n: last.n,
      green: last.green,
      atS: last.at_s,
      costUsd: last.cost_usd,
      reason: last.reason,
      at: null,
    };
  }
  next = anchored(next, snap.active_ms, snap.saved_at);
  return next;
}

function setStage(
  stages: DashboardStage[],
  id: string,
  title: string,
  status: StageStatus,
): DashboardStage[] {
  if (!stages.some((s) => s.id === id)) return [...stages, { id, title, status }];
  return stages.map((s) => (s.id === id ? { ...s, title: title || s.title, status } : s));
}

function reduceRunEvent(state: DashboardState, e: RunEvent): DashboardState {
  const at = Date.parse(e.ts);
  switch (e.type) {
    case "run.started": {
      const next = {
        ...state,
        runId: e.run_id,
        task: oneLine(e.task),
        workspace: e.workspace,
        resumed: e.resumed,
        phase: state.phase === "starting" ? ("planning" as const) : state.phase,
        ending: null,
        live: true,
      };
      return e.resumed ? withNote(next, { tone: "info", text: "resumed after an interruption" }) : next;
    }
    case "run.plan": {
      const next: DashboardState = {
        ...state,
        phase: "working",
        fallbackPlan: e.fallback,
        stages: e.stages.map((s) => ({
          id: s.id,
          title: oneLine(s.title, 120),
          status: state.stages.find((old) => old.id === s.id)?.status ?? "pending",
        })),
      };
      return e.fallback
        ? withNote(next, { tone: "warn", text: "no valid plan in time: a fallback plan" })
        : next;
    }
    case "run.stage": {
      const next: DashboardState = {
        ...state,
        phase: state.phase === "ended" ? "ended" : "working",
        stages: setStage(state.stages, e.stage_id, oneLine(e.title, 120), e.status),
      };
      if (e.status === "in_progress")
        next.step = {
          kind: "runner",
          text: `working on ${e.stage_id}: ${oneLine(e.title)}`,
          state: "running",
        };
      if (e.status === "failed")
        return withNote(next, {
          tone: "bad",
          text: `stage ${e.stage_id} failed${e.summary ? `: ${oneLine(e.summary)}` : ""}`,
        });
      return next;
    }
    case "run.verification": {
      const what = e.stage_id ? `verification of ${e.stage_id}` : "baseline";
      const next: DashboardState = {
        ...state,
        step: {
          kind: "runner",
          text: `${what} ${e.passed ? "passed" : "failed"}`,
          state: e.passed ? "ok" : "failed",
        },
      };
      if (e.passed || e.stage_id === null) return next;
      const why = [
        e.failing.length ? `failing: ${e.failing.join(", ")}` : "",
        e.regressions.length ? `regressions: ${e.regressions.join(", ")}` : "",
      ].filter(Boolean);
      return withNote(next, {
        tone: "bad",
        text: `${what} failed${why.length ? ` (${why.join("; ")})` : ""}`,
      });
    }
    case "run.review": {
      const missed = e.verdicts.filter((v) => !v.met);
      const next: DashboardState = {
        ...state,
        step: {
          kind: "runner",
          text: `review of ${e.stage_id} by ${oneLine(e.model)}: ${e.verdicts.length - missed.length}/${e.verdicts.length} criteria met`,
          state: missed.length ? "failed" : "ok",
        },
      };
      if (!missed.length) return next;
      return withNote(next, {
        tone: "bad",
        text: `review of ${e.stage_id}: not met: ${missed.map((v) => oneLine(v.criterion, 60)).join("; ")}`,
      });
    }
    case "run.checkpoint":
      return anchored(
        {
          ...state,
          checkpoint: { n: e.n, green: e.green, atS: e.at_s, costUsd: e.cost_usd, reason: e.reason, at },
          reportedUsd: Math.max(state.reportedUsd, e.cost_usd),
        },
        e.at_s * 1000,
        at,
      );
    case "run.rollback":
      return withNote(anchored(state, e.at_s * 1000, at), {
        tone: "bad",
        text: `${workTime(e.at_s)} rollback from checkpoint ${e.from} to ${e.to}: ${oneLine(e.reason)}`,
      });
    case "run.guard":
      return withNote(anchored(state, e.at_s * 1000, at), {
        tone: e.action === "stop" ? "bad" : "warn",
        text: `${workTime(e.at_s)} guard ${e.kind}: ${e.action} (${oneLine(e.detail)})`,
      });
    case "run.budget":
      return withNote(
        { ...state, reportedUsd: Math.max(state.reportedUsd, e.spent_usd), maxCost: e.max_cost },
        {
          tone: e.kind === "warning" ? "warn" : "bad",
          text:
            e.kind === "warning"
              ? `budget: ${e.percent}% of $${e.max_cost} used`
              : `budget: stopping at $${e.spent_usd.toFixed(2)} of $${e.max_cost}`,
        },
      );
    case "run.completed": {
      const worked = state.worked && state.live ? state.worked.ms + Math.max(0, at - state.worked.at) : null;
      return {
        ...state,
        phase: "ended",
        live: false,
        worked: worked === null ? state.worked : { ms: worked, at },
        ending: {
          status: e.status,
          reason: state.ending?.reason ?? null,
          report: e.report,
          artifact: e.artifact,
        },
      };
    }
    default:
      return state;
  }
}

function reduceSessionEvent(state: DashboardState, e: SessionEvent): DashboardState {
  switch (e.type) {
    case "tool_call_started":
    case "tool_call_completed": {
      const done = e.type === "tool_call_completed";
      const display = e.display;
      let step: DashboardStep;
      if (display?.kind === "command") {
        const exit = done && display.exitCode ? ` (exit ${display.exitCode})` : "";
        step = { kind: "command", text: `$ ${oneLine(display.command)}${exit}`, state: "running" };
      } else if (display?.kind === "patch") {
        step = {
          kind: "patch",
          text: `patch ${display.changes.map((c) => c.path).join(", ")}`,
          state: "running",
        };
      } else {
        step = { kind: "tool", text: e.name, state: "running" };
      }
      if (done) step.state = e.success ? "ok" : "failed";
      return { ...state, step };
    }
    case "agent_message":
      return e.text.trim()
        ? { ...state, step: { kind: "message", text: oneLine(e.text), state: "ok" } }
        : state;
    default:
      return state;
  }
}

/** The figures that move with the clock, at wall-clock ms `now`. */
export function dashboardFigures(state: DashboardState, now: number) {
  const workedMs = state.worked
    ? state.worked.ms + (state.live ? Math.max(0, now - state.worked.at) : 0)
    : null;
  const deadlineMs = state.hours === null ? null : state.hours * 3_600_000;
  const leftMs = deadlineMs === null || workedMs === null ? null : Math.max(0, deadlineMs - workedMs);
  const feeUsd = workedMs === null ? 0 : (state.hourlyFee * workedMs) / 3_600_000;
  const spentUsd = Math.max(state.tokensUsd + feeUsd, state.reportedUsd);
  const spentShare = state.maxCost ? Math.min(1, spentUsd / state.maxCost) : null;
  return { workedMs, deadlineMs, leftMs, spentUsd, spentShare };
}

/** What the status line says: how the run ended, or what it is doing. */
export function statusLabel(state: DashboardState): string {
  if (state.ending) return state.ending.status.replace("_", " ");
  if (state.known && !state.live) return "interrupted";
  return state.phase;
}

/** The stage being worked on (or next): the one marked in the checklist. */
export function currentStageId(state: DashboardState): string | null {
  return (
    state.stages.find((s) => s.status === "in_progress")?.id ??
    (state.phase === "ended" ? null : (state.stages.find((s) => s.status === "pending")?.id ?? null))
  );
}
