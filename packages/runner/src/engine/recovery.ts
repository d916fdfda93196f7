import { guardAction } from "../guards/ladder.js";
import {
  paralysisNudge,
  reasoningNudge,
  replanNote,
  rollbackNote,
  stageFailedNote,
  stuckNudge,
} from "../prompts/messages.js";
import type { GuardKind, RunStatus, StageState } from "../state/state-schema.js";
import { lastGreen, takeCheckpoint } from "./checkpointing.js";
import type { RunContext } from "./context.js";

export type Ending = { status: RunStatus; reason: string };

/** What the work loop does next after a guard or a rollback. */
export type Recovery =
  | { kind: "input"; text: string; lowerEffort?: boolean }
  | { kind: "new_segment" }
  | { kind: "end"; ending: Ending };

/**
 * Restores the workspace to the last green checkpoint (for a stage that keeps failing: the last
 * green one from before the stage began), records the rollback, and leaves a hand-off note that
 * says what happened and that a different approach is needed. Past the stage's rollback limit the
 * stage is marked failed and the run moves on. The caller has closed the segment.
 */
export async function rollBack(
  ctx: RunContext,
  stage: StageState,
  args: { why: string; toStageStart: boolean },
): Promise<Recovery> {
  const { state } = ctx;
  const target =
    (args.toStageStart ? lastGreen(ctx, stage.start_checkpoint ?? undefined) : null) ?? lastGreen(ctx)!;
  const from = await takeCheckpoint(ctx, {
    green: false,
    reason: `before rollback to checkpoint ${target.n}`,
  });
  await ctx.repo!.restore(target.commit);
  const rollback = { from: from.n, to: target.n, reason: args.why, at_s: ctx.time.atS() };
  state.rollbacks.push(rollback);
  stage.rollbacks++;
  stage.failed_verifications = 0;
  const tried = stage.summary ?? "";
  if (stage.rollbacks > ctx.settings.max_rollbacks_per_stage) {
    stage.status = "failed";
    state.guard_counts = { stuck: 0, paralysis: 0, reasoning: 0 };
    state.handoff_note = stageFailedNote(stage, target.n);
  } else {
    state.handoff_note = rollbackNote({ to: target.n, stage, tried, why: args.why });
  }
  ctx.save();
  ctx.emit({ type: "run.rollback", ...rollback });
  ctx.progress(`rolled back to checkpoint ${target.n} (from ${from.n}): ${args.why}`);
  if (stage.status === "failed") {
    ctx.emit({ type: "run.stage", stage_id: stage.id, title: stage.title, status: "failed" });
    ctx.progress(`stage ${stage.id} failed after ${stage.rollbacks - 1} rollback(s)`);
  }
  return { kind: "new_segment" };
}

/**
 * A guard fired: record it and take the next action of its ladder (nudge, forced re-plan,
 * rollback, stop). `closeSegment` ends the current conversation before a rollback or re-plan.
 */
export async function fireGuard(
  ctx: RunContext,
  stage: StageState,
  kind: GuardKind,
  detail: string,
  closeSegment: () => Promise<void>,
): Promise<Recovery> {
  const { state } = ctx;
  state.guard_counts[kind]++;
  const count = state.guard_counts[kind];
  const action = guardAction(kind, count);
  const guard = { kind, at_s: ctx.time.atS(), action, detail };
  state.guards.push(guard);
  ctx.save();
  ctx.emit({ type: "run.guard", ...guard });
  ctx.progress(`guard ${kind} (${action}): ${detail}`);
  switch (action) {
    case "nudge":
      if (kind === "stuck") return { kind: "input", text: stuckNudge(detail) };
      if (kind === "paralysis")
        return { kind: "input", text: paralysisNudge(ctx.settings.paralysis_steps, stage) };
      return { kind: "input", text: reasoningNudge(), lowerEffort: true };
    case "replan":
      await closeSegment();
      state.handoff_note = replanNote(stage);
      ctx.save();
      return { kind: "new_segment" };
    case "rollback":
      await closeSegment();
      return rollBack(ctx, stage, { why: `${kind} guard: ${detail}`, toStageStart: false });
    default:
      return {
        kind: "end",
        ending: {
          status: "stuck",
          reason: `the ${kind} guard fired ${count} times in stage ${stage.id}: ${detail}`,
        },
      };
  }
}
