import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { createPaint } from "../src/render/paint.js";
import {
  type DashboardAction,
  initialDashboard,
  reduceDashboard,
} from "../src/run-dashboard/dashboard-state.js";
import { RunDashboard, visibleStages } from "../src/run-dashboard/RunDashboard.js";
import { createTheme, ThemeContext } from "../src/ui/theme.js";
import { runEvents, sessionEvent, snapshot } from "./run-dashboard-events.js";
import { stripAnsi } from "./tui-harness.js";

const T0 = Date.parse("2026-05-01T21:30:00Z");

function midRun(stageCount = 3) {
  const ev = runEvents(T0);
  const ids = Array.from({ length: stageCount }, (_, i) => `s${i + 1}`);
  const actions: DashboardAction[] = [
    {
      type: "snapshot",
      snapshot: snapshot({
        hours: 2,
        max_cost: 10,
        hourly_fee: 1,
        tokens_usd: 2,
        active_ms: 0,
        saved_at: T0,
      }),
    },
    {
      type: "run",
      event: ev({
        type: "run.started",
        run_id: "20260501-213000-abcdef",
        task: "port the parser to TypeScript",
        workspace: "/w",
        resumed: false,
      }),
    },
    {
      type: "run",
      event: ev({
        type: "run.plan",
        fallback: false,
        stages: ids.map((id) => ({ id, title: `write ${id}`, acceptance: [], review_criteria: [] })),
      }),
    },
    { type: "run", event: ev({ type: "run.stage", stage_id: "s1", title: "write s1", status: "done" }) },
    {
      type: "run",
      event: ev(
        {
          type: "run.checkpoint",
          n: 2,
          commit: "c",
          green: true,
          at_s: 300,
          cost_usd: 1.5,
          reason: "stage s1 done",
        },
        T0 + 300_000,
      ),
    },
    {
      type: "run",
      event: ev({ type: "run.stage", stage_id: "s2", title: "write s2", status: "in_progress" }),
    },
    {
      type: "session",
      event: sessionEvent({
        type: "tool_call_started",
        callId: "c1",
        name: "shell",
        input: {},
        display: {
          kind: "command",
          command: "npm test -- parser",
          exitCode: null,
          output: "",
          status: "running",
        },
      }),
    },
    {
      type: "run",
      event: ev({
        type: "run.guard",
        kind: "stuck",
        at_s: 400,
        action: "nudge",
        detail: "the same failing test",
      }),
    },
  ];
  return actions.reduce(reduceDashboard, initialDashboard());
}

function draw(
  state: ReturnType<typeof midRun>,
  opts: { color: boolean; columns: number; rows: number; now: number },
) {
  const paint = createPaint(opts.color);
  return render(
    <ThemeContext.Provider value={createTheme(paint, (c) => c)}>
      <RunDashboard
        state={state}
        now={opts.now}
        columns={opts.columns}
        rows={opts.rows}
        hint="Ctrl-C cancels the run"
      />
    </ThemeContext.Provider>,
  );
}

describe("the run dashboard on screen", () => {
  it("shows task, status, the stages with the current one marked, step, checkpoint, spend and time at 80x24", () => {
    const ink = draw(midRun(), { color: true, columns: 80, rows: 24, now: T0 + 600_000 });
    const screen = stripAnsi(ink.lastFrame() ?? "");
    expect(screen).toContain("nightshift run 20260501-213000-abcdef · working");
    expect(screen).toContain("Task       port the parser to TypeScript");
    expect(screen).toMatch(/ {2}✓ s1 write s1/);
    expect(screen).toMatch(/› ▸ s2 write s2 \(in progress\)/);
    expect(screen).toMatch(/ {2}○ s3 write s3/);
    expect(screen).toContain("Step       $ npm test -- parser");
    expect(screen).toContain("Checkpoint #2 green · 0h05m00s into the run (5m ago) · stage s1 done");
    // $2 of tokens + 10 minutes at $1/h = $2.17 of $10.
    expect(screen).toMatch(/Spend {6}\[█{6}░{24}\] \$2\.17 of \$10\.00 \(22%\)/);
    expect(screen).toContain("Time       10m00s worked · 1h50m left of 2h");
    expect(screen).toContain("! 0h06m40s guard stuck: nudge (the same failing test)");
    expect(screen).toContain("Ctrl-C cancels the run");
    for (const line of screen.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(screen.split("\n").length).toBeLessThanOrEqual(24);
    ink.unmount();
  });

  it("reads without colour (NO_COLOR): marks, a bar of cells and words carry the meaning", () => {
    // (Colour on and off in a real terminal is checked in the tmux test.)
    const ink = draw(midRun(), { color: false, columns: 80, rows: 24, now: T0 + 600_000 });
    const screen = stripAnsi(ink.lastFrame() ?? "");
    expect(screen).toContain("[██████░");
    expect(screen).toContain("#2 green");
    expect(screen).toContain("! 0h06m40s guard");
    ink.unmount();
  });

  it("fits many stages in 24 rows by showing a window around the current one, and uses a wide terminal", () => {
    const small = draw(midRun(30), { color: false, columns: 80, rows: 24, now: T0 });
    const screen = stripAnsi(small.lastFrame() ?? "");
    expect(screen.split("\n").length).toBeLessThanOrEqual(24);
    expect(screen).toContain("› ▸ s2");
    expect(screen).toMatch(/… \d+ more/);
    small.unmount();
    const wide = draw(midRun(3), { color: false, columns: 160, rows: 50, now: T0 });
    const wideScreen = stripAnsi(wide.lastFrame() ?? "");
    // A wider bar on a wide terminal.
    expect(wideScreen).toMatch(/\[[█░]{40}\]/);
    wide.unmount();
  });

  it("shows how the run ended, without the hint", () => {
    const ev = runEvents(T0 + 700_000);
    const ended = reduceDashboard(midRun(), {
      type: "run",
      event: ev(
        {
          type: "run.completed",
          run_id: "20260501-213000-abcdef",
          status: "cancelled",
          report: "/r",
          artifact: null,
        },
        T0 + 700_000,
      ),
    });
    const paint = createPaint(false);
    const ink = render(
      <ThemeContext.Provider value={createTheme(paint, (c) => c)}>
        <RunDashboard state={ended} now={T0 + 9_000_000} columns={80} rows={24} hint={null} />
      </ThemeContext.Provider>,
    );
    const screen = stripAnsi(ink.lastFrame() ?? "");
    expect(screen).toContain("· cancelled");
    expect(screen).toContain("11m40s worked");
    expect(screen).not.toContain("Ctrl-C");
    ink.unmount();
  });
});

describe("visibleStages", () => {
  const stages = Array.from({ length: 10 }, (_, i) => ({
    id: `s${i}`,
    title: "",
    status: "pending" as const,
  }));
  it("keeps all stages that fit, and a window with counts otherwise", () => {
    expect(visibleStages(stages.slice(0, 3), "s1", 5)).toEqual({
      shown: stages.slice(0, 3),
      before: 0,
      after: 0,
    });
    const w = visibleStages(stages, "s5", 5);
    expect(w.shown.map((s) => s.id)).toEqual(["s4", "s5", "s6"]);
    expect(w).toMatchObject({ before: 4, after: 3 });
    expect(visibleStages(stages, "s9", 5)).toMatchObject({ before: 7, after: 0 });
    expect(visibleStages(stages, "s0", 5)).toMatchObject({ before: 0, after: 7 });
  });
});
