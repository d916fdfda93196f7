import { Box, Text } from "ink";
import { useTheme } from "../ui/theme.js";
import {
  currentStageId,
  type DashboardStage,
  type DashboardState,
  dashboardFigures,
  statusLabel,
  workTime,
} from "./dashboard-state.js";

type Hue = "red" | "green" | "yellow" | "cyan" | "magenta" | "blue" | "gray";

const LABEL = 11;

/** Hours and minutes (or minutes and seconds under an hour), for the time line. */
export function span(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(s % 60).padStart(2, "0")}s`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m ago`;
}

export function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** The stages to draw in `max` lines: a window around the current one, with what is left out counted. */
export function visibleStages(
  stages: DashboardStage[],
  current: string | null,
  max: number,
): { shown: DashboardStage[]; before: number; after: number } {
  if (stages.length <= max) return { shown: stages, before: 0, after: 0 };
  const room = Math.max(1, max - 2);
  const at = Math.max(0, current === null ? stages.length - 1 : stages.findIndex((s) => s.id === current));
  const start = Math.min(Math.max(0, at - Math.floor(room / 2)), stages.length - room);
  return { shown: stages.slice(start, start + room), before: start, after: stages.length - start - room };
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Box>
      <Box width={LABEL} flexShrink={0}>
        <Text dimColor>{label}</Text>
      </Box>
      <Text wrap="truncate-end">{children}</Text>
    </Box>
  );
}

const STAGE_MARK: Record<DashboardStage["status"], { mark: string; hue: Hue | null }> = {
  done: { mark: "✓", hue: "green" },
  failed: { mark: "✗", hue: "red" },
  in_progress: { mark: "▸", hue: "cyan" },
  pending: { mark: "○", hue: null },
};

const STATUS_HUE: Record<string, Hue> = {
  completed: "green",
  working: "cyan",
  planning: "cyan",
  starting: "cyan",
  cancelled: "yellow",
  interrupted: "yellow",
};

/**
 * A long run at a glance: task and status, the stages as a checklist with the current one marked,
 * the current step, the last checkpoint, spend against max_cost and time against the deadline, and
 * the latest guards and rollbacks. `now` is the wall clock the figures are drawn at.
 */
export function RunDashboard({
  state,
  now,
  columns,
  rows,
  hint,
}: {
  state: DashboardState;
  now: number;
  columns: number;
  rows: number;
  hint: string | null;
}) {
  const { hue } = useTheme();
  const figures = dashboardFigures(state, now);
  const status = statusLabel(state);
  const current = currentStageId(state);
  // Everything but the stages takes about 12 lines (plus the notes): the stages get the rest.
  const stageRoom = Math.max(3, rows - 12 - state.notes.length);
  const { shown, before, after } = visibleStages(state.stages, current, stageRoom);
  const barWidth = Math.max(10, Math.min(40, columns - 50));
  const step = state.step;
  const checkpoint = state.checkpoint;
  const tone = (t: "info" | "warn" | "bad") =>
    t === "bad" ? hue("red") : t === "warn" ? hue("yellow") : undefined;

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Text bold>nightshift run</Text>
        {state.runId ? ` ${state.runId}` : ""} ·{" "}
        <Text bold color={hue(STATUS_HUE[status] ?? "red")}>
          {status}
        </Text>
        {state.ending?.reason ? <Text dimColor> ({state.ending.reason})</Text> : null}
      </Text>
      <Row label="Task">{state.task || "…"}</Row>
      <Text dimColor>Stages</Text>
      {state.stages.length === 0 ? (
        <Text dimColor wrap="truncate-end">
          {"  "}
          {state.phase === "ended" ? "(no plan)" : "planning…"}
        </Text>
      ) : null}
      {before > 0 ? <Text dimColor>{`  … ${before} earlier`}</Text> : null}
      {shown.map((stage) => {
        const mark = STAGE_MARK[stage.status];
        const isCurrent = stage.id === current;
        return (
          <Text key={stage.id} wrap="truncate-end">
            {isCurrent ? <Text color={hue("cyan")}>›</Text> : " "}{" "}
            <Text color={mark.hue ? hue(mark.hue) : undefined}>{mark.mark}</Text>{" "}
            <Text bold={isCurrent}>{stage.id}</Text> {stage.title}
            {isCurrent ? <Text dimColor> ({stage.status.replace("_", " ")})</Text> : null}
          </Text>
        );
      })}
      {after > 0 ? <Text dimColor>{`  … ${after} more`}</Text> : null}
      <Row label="Step">
        {step ? (
          <Text color={step.state === "failed" ? hue("red") : undefined}>
            {step.state === "failed" ? "! " : ""}
            {step.text}
          </Text>
        ) : (
          <Text dimColor>—</Text>
        )}
      </Row>
      <Row label="Checkpoint">
        {checkpoint ? (
          <Text>
            #{checkpoint.n}{" "}
            <Text color={hue(checkpoint.green ? "green" : "yellow")}>
              {checkpoint.green ? "green" : "not green"}
            </Text>
            {" · "}
            {workTime(checkpoint.atS)} into the run
            {checkpoint.at !== null ? ` (${ago(now - checkpoint.at)})` : ""}
            <Text dimColor> · {checkpoint.reason}</Text>
          </Text>
        ) : (
          <Text dimColor>none yet</Text>
        )}
      </Row>
      <Row label="Spend">
        {figures.spentShare !== null && state.maxCost !== null ? (
          <Text>
            <SpendBar share={figures.spentShare} width={barWidth} />
            {` ${money(figures.spentUsd)} of ${money(state.maxCost)} (${Math.round(figures.spentShare * 100)}%)`}
          </Text>
        ) : (
          <Text>
            {money(figures.spentUsd)}
            <Text dimColor> (no max_cost)</Text>
          </Text>
        )}
      </Row>
      <Row label="Time">
        {figures.workedMs === null ? (
          <Text dimColor>…</Text>
        ) : (
          <Text>
            {span(figures.workedMs)} worked
            {figures.leftMs !== null && state.hours !== null
              ? ` · ${span(figures.leftMs)} left of ${state.hours}h`
              : ""}
          </Text>
        )}
      </Row>
      {state.notes.length ? <Text dimColor>Notes</Text> : null}
      {state.notes.map((note, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: notes only ever append (the oldest falls off)
        <Text key={i} color={tone(note.tone)} wrap="truncate-end">
          {"  "}
          {note.tone === "info" ? "·" : "!"} {note.text}
        </Text>
      ))}
      {hint ? (
        <Text dimColor wrap="truncate-end">
          {hint}
        </Text>
      ) : null}
    </Box>
  );
}

/** A bar that reads without colour too: filled and empty cells, yellow past 80%, red past 95%. */
function SpendBar({ share, width }: { share: number; width: number }) {
  const { hue } = useTheme();
  const filled = Math.round(share * width);
  const colour = share >= 0.95 ? hue("red") : share >= 0.8 ? hue("yellow") : hue("green");
  return (
    <Text>
      [<Text color={colour}>{"█".repeat(filled)}</Text>
      <Text dimColor>{"░".repeat(width - filled)}</Text>]
    </Text>
  );
}
