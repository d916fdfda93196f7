import type { SandboxMode } from "@nightshift/core";
import type { StepTimer } from "../budget/active-time.js";
import { PLAN_REMINDER, planningPrompt } from "../prompts/planning.js";
import type { Plan } from "../state/plan-schema.js";
import type { StageState } from "../state/state-schema.js";
import { submitPlanTool } from "../tools/submit-plan.js";
import type { RunContext } from "./context.js";
import { Segment } from "./segment.js";
import { type StopCause, TurnControl } from "./turn-control.js";
import { runAcceptanceBaseline, runBaseline, sessionCheckRunner } from "./verification.js";

/** Planning may use at most this share of the run's time and of its budget. */
const PLAN_TIME_SHARE = 0.05;
const PLAN_BUDGET_SHARE = 0.1;
const PLAN_TURNS = 3;

/**
 * The initializer and the planner, in one session: the baseline of the verification commands,
 * then the plan (the model explores read-only and calls `submit_plan`), then the baseline of the
 * plan's acceptance commands. Each step is skipped when the state already has it (a resume).
 * Returns a cause when the run must end before working (budget, time, cancel).
 */
export async function initializeAndPlan(ctx: RunContext, steps: StepTimer): Promise<StopCause | null> {
  const { state } = ctx;
  let accepted: Plan | null = null;
  const segment = await Segment.open(ctx, {
    purpose: "plan",
    stageId: null,
    model: ctx.settings.plan_model ?? ctx.settings.model,
    tools: [
      submitPlanTool((plan) => {
        accepted = plan;
        return null;
      }),
    ],
  });
  try {
    const run = sessionCheckRunner(segment.session);
    if (!state.baseline) await runBaseline(ctx, run);
    if (!state.stages) {
      const workSandbox = segment.session.settings.policy.mode as SandboxMode;
      segment.session.updateSettings({ sandbox: "read-only" });
      const startMs = ctx.time.elapsedMs();
      const startUsd = ctx.tokensUsd();
      let input = planningPrompt({
        task: state.task,
        baseline: state.baseline!,
        hours: ctx.settings.hours,
        maxCost: ctx.settings.max_cost,
      });
      for (let turn = 0; turn < PLAN_TURNS && !accepted; turn++) {
        const control = new TurnControl(ctx, steps, {
          effort: () => segment.session.settings.reasoning?.effort,
          extra: () => {
            if (accepted) return "planned";
            const overTime = ctx.time.elapsedMs() - startMs > ctx.deadlineMs * PLAN_TIME_SHARE;
            const max = ctx.settings.max_cost;
            const overBudget = max !== null && ctx.tokensUsd() - startUsd > max * PLAN_BUDGET_SHARE;
            return overTime || overBudget ? "planning_cap" : null;
          },
        });
        await segment.turn(input, control.limits(), control.abort.signal);
        control.finish();
        steps.pause();
        const cause = control.cause;
        if (cause && cause !== "planned" && cause !== "planning_cap" && cause !== "reasoning") return cause;
        if (cause === "planning_cap") break;
        input = PLAN_REMINDER;
      }
      segment.session.updateSettings({ sandbox: workSandbox });
      adoptPlan(ctx, accepted ?? fallbackPlan(state.task, ctx.settings.verify), accepted === null);
    }
    if (!state.acceptance_baseline_done) await runAcceptanceBaseline(ctx, run);
    return null;
  } finally {
    await segment.close();
  }
}

function adoptPlan(ctx: RunContext, plan: Plan, fallback: boolean): void {
  const stages: StageState[] = plan.stages.map((stage) => ({
    ...stage,
    risks: stage.risks ?? [],
    status: "pending",
    failed_verifications: 0,
    rollbacks: 0,
    start_checkpoint: null,
    summary: null,
  }));
  ctx.store.savePlan({ stages: plan.stages });
  ctx.state.stages = stages;
  ctx.state.phase = "working";
  ctx.save();
  ctx.emit({
    type: "run.plan",
    stages: stages.map((s) => ({
      id: s.id,
      title: s.title,
      acceptance: s.acceptance,
      review_criteria: s.review_criteria,
    })),
    fallback,
  });
  ctx.progressHeading("Plan");
  if (fallback) ctx.progress("no valid plan within the planning limits: the whole task is one stage");
  for (const stage of stages)
    ctx.progress(
      `${stage.id}: ${stage.title} (${stage.acceptance.length} acceptance command(s)${stage.review_criteria.length ? `, ${stage.review_criteria.length} review criterion/criteria` : ""})`,
    );
}

/** When no plan came: the whole task as one stage, judged by the verification commands. */
function fallbackPlan(task: string, verify: readonly string[]): Plan {
  return {
    stages: [
      {
        id: "task",
        title: task.slice(0, 200),
        goal: task,
        acceptance: [...verify],
        review_criteria: [],
        risks: [],
      },
    ],
  };
}
