import { describe, expect, it } from "vitest";
import {
  currentStageId,
  type DashboardAction,
  dashboardFigures,
  initialDashboard,
  MAX_NOTES,
  reduceDashboard,
  statusLabel,
} from "../src/run-dashboard/dashboard-state.js";
import { runEvents, sessionEvent, snapshot } from "./run-dashboard-events.js";

const T0 = Date.parse("2026-05-01T21:30:00Z");
const fold = (actions: DashboardAction[]) => actions.reduce(reduceDashboard, initialDashboard());

describe("the run dashboard's state", () => {
  it("follows a run from start to completion: stages, current stage, checkpoint, ending", () => {
    const ev = runEvents(T0);
    const s = fold([
      {
        type: "run",
        event: ev({ type: "run.started", run_id: "r1", task: "do it", workspace: "/w", resumed: false }),
      },
      {
        type: "run",
        event: ev({
          type: "run.plan",
          fallback: false,
          stages: [
            { id: "s1", title: "first", acceptance: [], review_criteria: [] },
            { id: "s2", title: "second", acceptance: [], review_criteria: [] },
          ],
        }),
      },
      {
        type: "run",
        event: ev({ type: "run.stage", stage_id: "s1", title: "first", status: "in_progress" }),
      },
    ]);
    expect(s.runId).toBe("r1");
    expect(s.stages.map((x) => x.status)).toEqual(["in_progress", "pending"]);
    expect(currentStageId(s)).toBe("s1");
    expect(statusLabel(s)).toBe("working");
    expect(s.step).toMatchObject({ kind: "runner", text: "working on s1: first" });

    const ev2 = runEvents(T0 + 60_000);
    const later = [
      {
        type: "run",
        event: ev2({ type: "run.stage", stage_id: "s1", title: "first", status: "done" }, T0 + 60_000),
      },
      {
        type: "run",
        event: ev2(
          {
            type: "run.checkpoint",
            n: 1,
            commit: "abc",
            green: true,
            at_s: 60,
            cost_usd: 0.5,
            reason: "stage s1 done",
          },
          T0 + 60_000,
        ),
      },
      {
        type: "run",
        event: ev2({ type: "run.stage", stage_id: "s2", title: "second", status: "in_progress" }),
      },
    ] satisfies DashboardAction[];
    const mid = later.reduce(reduceDashboard, s);
    expect(currentStageId(mid)).toBe("s2");
    expect(mid.checkpoint).toMatchObject({ n: 1, green: true, atS: 60, at: T0 + 60_000 });
    expect(dashboardFigures(mid, T0 + 90_000)).toMatchObject({ workedMs: 90_000, spentUsd: 0.5 });

    const end = reduceDashboard(mid, {
      type: "run",
      event: ev2(
        {
          type: "run.completed",
          run_id: "r1",
          status: "completed",
          report: "/r/report.json",
          artifact: null,
        },
        T0 + 120_000,
      ),
    });
    expect(statusLabel(end)).toBe("completed");
    expect(end.ending).toMatchObject({ status: "completed", report: "/r/report.json" });
    // The stage it stopped in stays marked; without one, nothing is.
    expect(currentStageId(end)).toBe("s2");
    expect(
      currentStageId({ ...end, stages: end.stages.map((x) => ({ ...x, status: "done" as const })) }),
    ).toBeNull();
    // The clock stops with the run.
    expect(dashboardFigures(end, T0 + 999_000).workedMs).toBe(120_000);
  });

  it("takes spend, limits and working time from a snapshot of the run's state, and counts the time left", () => {
    const s = fold([
      {
        type: "snapshot",
        snapshot: snapshot({
          hours: 1,
          max_cost: 4,
          hourly_fee: 2,
          active_ms: 600_000,
          tokens_usd: 1,
          saved_at: T0,
        }),
      },
    ]);
    const f = dashboardFigures(s, T0 + 600_000);
    expect(f.workedMs).toBe(1_200_000);
    expect(f.leftMs).toBe(2_400_000);
    // $1 of tokens + 20 minutes at $2/h.
    expect(f.spentUsd).toBeCloseTo(1 + 2 / 3, 10);
    expect(f.spentShare).toBeCloseTo((1 + 2 / 3) / 4, 10);
    // The time left never goes below zero; spend is capped at a full bar.
    expect(dashboardFigures(s, T0 + 10 * 3_600_000)).toMatchObject({ leftMs: 0, spentShare: 1 });
  });

  it("an older reading of the working time never replaces a newer one", () => {
    const ev = runEvents(T0);
    const s = fold([
      { type: "snapshot", snapshot: snapshot({ active_ms: 100_000, saved_at: T0 + 100_000 }) },
      {
        type: "run",
        event: ev(
          { type: "run.guard", kind: "stuck", at_s: 50, action: "nudge", detail: "same command" },
          T0 + 50_000,
        ),
      },
    ]);
    expect(s.worked).toEqual({ ms: 100_000, at: T0 + 100_000 });
  });

  it("shows the last command, patch or message as the current step", () => {
    let s = initialDashboard();
    s = reduceDashboard(s, {
      type: "session",
      event: sessionEvent({
        type: "tool_call_started",
        callId: "c1",
        name: "shell",
        input: {},
        display: { kind: "command", command: "npm test", exitCode: null, output: "", status: "running" },
      }),
    });
    expect(s.step).toEqual({ kind: "command", text: "$ npm test", state: "running" });
    s = reduceDashboard(s, {
      type: "session",
      event: sessionEvent({
        type: "tool_call_completed",
        callId: "c1",
        name: "shell",
        input: {},
        success: false,
        output: "",
        display: { kind: "command", command: "npm test", exitCode: 1, output: "", status: "completed" },
      }),
    });
    expect(s.step).toEqual({ kind: "command", text: "$ npm test (exit 1)", state: "failed" });
    s = reduceDashboard(s, {
      type: "session",
      event: sessionEvent({
        type: "tool_call_completed",
        callId: "c2",
        name: "apply_patch",
        input: "",
        success: true,
        output: "",
        display: { kind: "patch", changes: [{ path: "a.ts" }, { path: "b.ts" }], status: "completed" },
      }),
    });
    expect(s.step).toEqual({ kind: "patch", text: "patch a.ts, b.ts", state: "ok" });
    s = reduceDashboard(s, {
      type: "session",
      event: sessionEvent({ type: "agent_message", text: "Done\n  with   it" }),
    });
    expect(s.step).toEqual({ kind: "message", text: "Done with it", state: "ok" });
    // Deltas and other events leave the step alone.
    expect(
      reduceDashboard(s, {
        type: "session",
        event: sessionEvent({ type: "agent_message_delta", itemId: "i", delta: "x" }),
      }),
    ).toBe(s);
  });

  it("keeps the latest guards, rollbacks, budget warnings and failed verifications as notes", () => {
    const ev = runEvents(T0);
    const s = fold([
      {
        type: "run",
        event: ev({ type: "run.guard", kind: "stuck", at_s: 61, action: "nudge", detail: "same error" }),
      },
      { type: "run", event: ev({ type: "run.rollback", from: 3, to: 1, reason: "tests broke", at_s: 125 }) },
      {
        type: "run",
        event: ev({ type: "run.budget", kind: "warning", percent: 50, spent_usd: 5, max_cost: 10 }),
      },
      {
        type: "run",
        event: ev({
          type: "run.verification",
          stage_id: "s1",
          passed: false,
          results: [],
          regressions: ["verify#1"],
          failing: [],
        }),
      },
      { type: "note", note: { tone: "info", text: "SIGINT: wrapping up" } },
    ]);
    expect(s.notes).toHaveLength(MAX_NOTES);
    expect(s.notes.map((n) => n.text)).toEqual([
      "0h02m05s rollback from checkpoint 3 to 1: tests broke",
      "budget: 50% of $10 used",
      "verification of s1 failed (regressions: verify#1)",
      "SIGINT: wrapping up",
    ]);
    expect(s.notes[0]!.tone).toBe("bad");
    expect(s.reportedUsd).toBe(5);
  });

  it("says a run nobody works on any more is interrupted, and a snapshot of an ended run ends it", () => {
    const idle = fold([{ type: "snapshot", snapshot: snapshot({ live: false, phase: "working" }) }]);
    expect(statusLabel(idle)).toBe("interrupted");
    expect(dashboardFigures(idle, T0 + 3_600_000).workedMs).toBe(0);
    const ended = fold([
      {
        type: "snapshot",
        snapshot: snapshot({
          live: false,
          phase: "ended",
          ending: { status: "budget_exceeded", reason: "out of money" },
        }),
      },
    ]);
    expect(statusLabel(ended)).toBe("budget exceeded");
    expect(ended.ending?.reason).toBe("out of money");
  });
});

describe("the run dashboard's state, reviews and hostile text", () => {
  it("shows a stage review as the step and criteria not met as a note", () => {
    const ev = runEvents(T0);
    const s = fold([
      {
        type: "run",
        event: ev({
          type: "run.review",
          stage_id: "s1",
          model: "fake:reviewer",
          verdicts: [
            { criterion: "has tests", met: true, reason: "" },
            { criterion: "documents the API", met: false, reason: "no docs" },
          ],
        }),
      },
    ]);
    expect(s.step).toEqual({
      kind: "runner",
      text: "review of s1 by fake:reviewer: 1/2 criteria met",
      state: "failed",
    });
    expect(s.notes.at(-1)!.text).toBe("review of s1: not met: documents the API");
  });

  it("keeps terminal controls in model text off the screen", () => {
    const s = reduceDashboard(initialDashboard(), {
      type: "session",
      event: sessionEvent({ type: "agent_message", text: "done\u001b[2J\u001b]0;pwned\u0007 now" }),
    });
    expect(s.step!.text).not.toContain("\u001b");
    expect(s.step!.text).toContain("done");
  });
});
